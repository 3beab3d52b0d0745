"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

/** Active on `href` and below it; with `exact`, on `href` only (a section's overview link). */
export function NavLink({
  href,
  exact = false,
  children,
}: {
  href: string;
  exact?: boolean;
  children: React.ReactNode;
}) {
  const pathname = usePathname();
  const active = pathname === href || (!exact && pathname.startsWith(`${href}/`));
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className="block shrink-0 whitespace-nowrap rounded-md px-3 py-2 text-sm text-zinc-700 hover:bg-zinc-100 hover:text-zinc-950 aria-[current=page]:bg-zinc-100 aria-[current=page]:font-medium aria-[current=page]:text-zinc-950"
    >
      {children}
    </Link>
  );
}

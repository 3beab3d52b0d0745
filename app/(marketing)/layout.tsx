import Link from "next/link";
import { useTranslations } from "next-intl";
import { Logo } from "@/components/logo";

export default function MarketingLayout({ children }: { children: React.ReactNode }) {
  const t = useTranslations("marketing");
  return (
    <div className="flex min-h-screen flex-col">
      <header className="border-b border-zinc-200 bg-white">
        <nav
          aria-label={t("navLabel")}
          className="mx-auto flex max-w-6xl items-center justify-between gap-4 px-4 py-3 sm:px-6"
        >
          <Logo />
          <div className="flex items-center gap-1 text-sm sm:gap-3">
            <Link href="/pricing" className="rounded-md px-2 py-1.5 text-zinc-700 hover:text-zinc-950">
              {t("pricing")}
            </Link>
            <Link href="/sign-in" className="rounded-md px-2 py-1.5 text-zinc-700 hover:text-zinc-950">
              {t("signIn")}
            </Link>
            <Link
              href="/sign-up"
              className="rounded-md bg-zinc-900 px-3 py-1.5 font-medium text-white hover:bg-zinc-700"
            >
              {t("getStarted")}
            </Link>
          </div>
        </nav>
      </header>
      <main className="flex-1">{children}</main>
      <footer className="border-t border-zinc-200 bg-white py-6 text-center text-sm text-zinc-600">
        {t("footer")}
      </footer>
    </div>
  );
}

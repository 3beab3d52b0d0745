// Rendered with HTTP 403 wherever `forbidden()` is called (requireAdmin for a signed-in non-admin).
import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-6">
      <p className="text-sm font-semibold text-zinc-500">403</p>
      <h1 className="mt-1 text-2xl font-semibold text-zinc-900">You don&apos;t have access to this page</h1>
      <p className="mt-2 text-zinc-700">
        This area is for Tollgate administrators. Ask an admin to grant you the role if you need it.
      </p>
      <Link href="/dashboard" className="mt-6 font-medium text-zinc-900 underline underline-offset-2">
        Back to your dashboard
      </Link>
    </main>
  );
}

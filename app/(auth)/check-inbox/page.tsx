// After sign-up — whether the address was new or already had an account (no enumeration): the
// next step is the mail.
import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";

export const metadata: Metadata = { title: "Check your inbox" };

export default async function Page({ searchParams }: { searchParams: Promise<{ email?: string | string[] }> }) {
  const email = z
    .email()
    .max(254)
    .safeParse((await searchParams).email);
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold tracking-tight">Check your inbox</h1>
      <p className="mb-4 text-sm text-zinc-700" role="status">
        We sent a mail to {email.success ? <strong>{email.data}</strong> : "your address"}. Open the link in it to
        confirm your address: your free monthly tokens come with it. The link works for 24 hours.
      </p>
      <p className="text-sm text-zinc-600">
        No mail after a few minutes? Look in your spam folder, or{" "}
        <Link href="/sign-in" className="font-medium text-brand-700 underline-offset-2 hover:underline">
          sign in
        </Link>{" "}
        to send it again.
      </p>
    </>
  );
}

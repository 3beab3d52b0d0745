// A verification link lands here. The address is confirmed by the button (a POST), not by opening
// the page: mail scanners that open links must not use them up.
import type { Metadata } from "next";
import Link from "next/link";
import { accountTokenSchema } from "@/lib/auth/schemas";
import { verifyEmailAction } from "../account-actions";

export const metadata: Metadata = { title: "Confirm your address" };

const ERRORS: Record<string, string> = {
  invalid: "This link is not valid.",
  expired: "This link has expired.",
  used: "This link was already used: your address is confirmed.",
};

export default async function Page({
  searchParams,
}: {
  searchParams: Promise<{ token?: string | string[]; error?: string | string[] }>;
}) {
  const params = await searchParams;
  const token = accountTokenSchema.safeParse(params.token);
  const error = typeof params.error === "string" ? (ERRORS[params.error] ?? ERRORS.invalid) : undefined;
  if (error || !token.success) {
    return (
      <>
        <h1 className="mb-2 text-xl font-semibold tracking-tight">Confirm your address</h1>
        <p role="alert" className="mb-4 text-sm text-red-800">
          {error ?? ERRORS.invalid}
        </p>
        <p className="text-sm text-zinc-700">
          <Link href="/sign-in" className="font-medium text-brand-700 underline-offset-2 hover:underline">
            Sign in
          </Link>{" "}
          to get a new link.
        </p>
      </>
    );
  }
  return (
    <>
      <h1 className="mb-2 text-xl font-semibold tracking-tight">Confirm your address</h1>
      <p className="mb-4 text-sm text-zinc-700">One click, and your free monthly tokens are added to your account.</p>
      <form action={verifyEmailAction}>
        <input type="hidden" name="token" value={token.data} />
        <button
          type="submit"
          className="w-full rounded-md bg-brand-600 px-4 py-2.5 font-medium text-white hover:bg-brand-700"
        >
          Confirm my address
        </button>
      </form>
    </>
  );
}

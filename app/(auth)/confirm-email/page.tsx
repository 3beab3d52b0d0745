// A change-of-address link lands here. The change is made by the button (a POST), not by opening
// the page: mail scanners that open links must not use them up.
import type { Metadata } from "next";
import Link from "next/link";
import { accountTokenSchema } from "@/lib/auth/schemas";
import { confirmEmailChangeAction } from "../../(app)/settings/account/actions";

export const metadata: Metadata = { title: "Confirm your new address" };

const ERRORS: Record<string, string> = {
  invalid: "This link is not valid. Ask for a new one in your account settings.",
  expired: "This link has expired. Ask for a new one in your account settings.",
  used: "This link was already used, or a newer change was asked for.",
  taken: "This address now belongs to another account, so yours cannot move to it. Your address did not change.",
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
        <h1 className="mb-2 text-xl font-semibold tracking-tight">Confirm your new address</h1>
        <p role="alert" data-testid="confirm-email-error" className="mb-4 text-sm text-red-800">
          {error ?? ERRORS.invalid}
        </p>
        <p className="text-sm text-zinc-700">
          <Link href="/settings/account" className="font-medium text-brand-700 underline-offset-2 hover:underline">
            Account settings
          </Link>
        </p>
      </>
    );
  }
  return (
    <>
      <h1 className="mb-2 text-xl font-semibold tracking-tight">Confirm your new address</h1>
      <p className="mb-4 text-sm text-zinc-700">
        Your account moves to this address, and every session is signed out: you then sign in with the new address.
      </p>
      <form action={confirmEmailChangeAction}>
        <input type="hidden" name="token" value={token.data} />
        <button
          type="submit"
          className="w-full rounded-md bg-brand-600 px-4 py-2.5 font-medium text-white hover:bg-brand-700"
        >
          Confirm my new address
        </button>
      </form>
    </>
  );
}

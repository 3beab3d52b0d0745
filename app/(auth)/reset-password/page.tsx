// A reset link lands here; the password is set by the form (a POST), so opening the link uses nothing.
import type { Metadata } from "next";
import Link from "next/link";
import { ResetPasswordForm } from "@/components/account-forms";
import { accountTokenSchema } from "@/lib/auth/schemas";
import { resetPasswordAction } from "../account-actions";

export const metadata: Metadata = { title: "Choose a new password" };

export default async function Page({ searchParams }: { searchParams: Promise<{ token?: string | string[] }> }) {
  const token = accountTokenSchema.safeParse((await searchParams).token);
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold tracking-tight">Choose a new password</h1>
      {token.success ? (
        <ResetPasswordForm action={resetPasswordAction} token={token.data} />
      ) : (
        <p role="alert" className="text-sm text-red-800">
          This link is not valid.{" "}
          <Link href="/forgot-password" className="font-medium text-brand-700 underline-offset-2 hover:underline">
            Ask for a new one
          </Link>
          .
        </p>
      )}
    </>
  );
}

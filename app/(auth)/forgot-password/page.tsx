import type { Metadata } from "next";
import { ForgotPasswordForm } from "@/components/account-forms";
import { forgotPasswordAction } from "../account-actions";

export const metadata: Metadata = { title: "Forgot password" };

export default function Page() {
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold tracking-tight">Forgot your password?</h1>
      <p className="mb-6 text-sm text-zinc-600">We mail you a link to choose a new one.</p>
      <ForgotPasswordForm action={forgotPasswordAction} />
    </>
  );
}

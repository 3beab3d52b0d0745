"use server";
// Server actions of the account-recovery pages: confirming an address, asking for a password reset,
// and choosing the new password. Each validates its input; none says whether an address has an
// account. Their answers are in the user's language (./form-messages.ts).
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { AccountFormState } from "@/components/account-forms";
import { takeAttempt } from "@/lib/auth/attempt-limits";
import { verifyEmailAddress } from "@/lib/auth/email-verification";
import { requestPasswordReset, resetPassword } from "@/lib/auth/password-reset";
import { forgotPasswordSchema, resetPasswordSchema, accountTokenSchema } from "@/lib/auth/schemas";
import { currentUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { negotiatedRequestLocale } from "@/lib/i18n/request-locale";
import { clientIp } from "@/lib/http/client-ip";
import { sendSoon } from "@/lib/mail/deliver";
import { formMessages, minutesOf } from "./form-messages";

const field = (formData: FormData, name: string) => {
  const value = formData.get(name);
  return typeof value === "string" ? value : undefined;
};

/** The verification page's button: uses the link, then sign-in (or the dashboard when signed in). */
export async function verifyEmailAction(formData: FormData): Promise<void> {
  const token = accountTokenSchema.safeParse(field(formData, "token"));
  if (!token.success) redirect("/verify-email?error=invalid");
  const result = await verifyEmailAddress(db(), token.data);
  if (!result.ok) redirect(`/verify-email?error=${result.reason}`);
  const user = await currentUser();
  redirect(user?.id === result.userId ? "/dashboard?verified=1" : "/sign-in?notice=verified");
}

/** "Forgot password": the same answer for every address; the per-IP sign-up limits apply (it sends mail). */
export async function forgotPasswordAction(_prev: AccountFormState, formData: FormData): Promise<AccountFormState> {
  const typed = field(formData, "email");
  const values = { email: typed?.slice(0, 254) };
  const parsed = forgotPasswordSchema.safeParse({ email: typed });
  const { t, issue } = await formMessages();
  if (!parsed.success) return { fieldErrors: { email: issue(parsed.error.issues[0]) }, values };
  const decision = await takeAttempt(db(), "signup", clientIp(await headers(), env().TRUSTED_PROXY_HOPS));
  if (!decision.allowed) {
    return { error: t("limits.requests", { minutes: minutesOf(decision.retryAfterSeconds) }), values };
  }
  await requestPasswordReset(db(), parsed.data.email, env().APP_URL, new Date(), await negotiatedRequestLocale());
  sendSoon();
  return { done: true };
}

/** The reset page's form: the new password, through the link; then sign-in. */
export async function resetPasswordAction(_prev: AccountFormState, formData: FormData): Promise<AccountFormState> {
  const parsed = resetPasswordSchema.safeParse({
    token: field(formData, "token"),
    password: field(formData, "password"),
  });
  const { t, issue } = await formMessages();
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    if (first?.path[0] === "password") return { fieldErrors: { password: issue(first) } };
    return { error: t("link.invalid") };
  }
  const result = await resetPassword(db(), parsed.data.token, parsed.data.password, env().APP_URL);
  if (!result.ok) return { error: t(`link.${result.reason}`) };
  sendSoon();
  redirect("/sign-in?notice=password_reset");
}

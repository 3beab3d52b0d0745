"use server";
// Server actions of Settings → Account: changing the address and deleting the account. Each checks
// the session itself (an action is reachable without its page) and validates its input; its answers
// are in the user's language.
import { redirect } from "next/navigation";
import type { AccountFormState } from "@/components/account-forms";
import { signOut } from "@/lib/auth";
import { deleteAccount } from "@/lib/auth/account-deletion";
import { confirmEmailChange, requestEmailChange } from "@/lib/auth/email-change";
import { accountTokenSchema, changeEmailSchema, deleteAccountSchema } from "@/lib/auth/schemas";
import { currentUser } from "@/lib/auth/session";
import { billingContext } from "@/lib/billing/context";
import { updateCustomerEmail } from "@/lib/billing/customer";
import { stripe } from "@/lib/billing/stripe";
import { db } from "@/lib/db/client";
import { billingConfigured, env } from "@/lib/env";
import { logger } from "@/lib/log";
import { sendSoon } from "@/lib/mail/deliver";
import { formMessages, minutesOf } from "../../../(auth)/form-messages";

const log = logger("account-settings");

const field = (formData: FormData, name: string) => {
  const value = formData.get(name);
  return typeof value === "string" ? value : undefined;
};

/** "Change my address": the same answer whether or not the new address has an account. */
export async function changeEmailAction(_prev: AccountFormState, formData: FormData): Promise<AccountFormState> {
  const user = await currentUser();
  if (!user) redirect("/sign-in?callbackUrl=%2Fsettings%2Faccount");
  const typed = field(formData, "email");
  const values = { email: typed?.slice(0, 254) };
  const parsed = changeEmailSchema.safeParse({ email: typed, password: field(formData, "password") });
  const { t, issue } = await formMessages();
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return first?.path[0] === "password"
      ? { values, fieldErrors: { password: issue(first) } }
      : { values, fieldErrors: { email: issue(first) } };
  }
  const result = await requestEmailChange(db(), {
    userId: user.id,
    newEmail: parsed.data.email,
    password: parsed.data.password,
    appUrl: env().APP_URL,
  });
  if (result.ok) {
    sendSoon();
    return { done: true };
  }
  switch (result.reason) {
    case "wrong_password":
      return { values, fieldErrors: { password: t("form.wrong_password") } };
    case "same_address":
      return { values, fieldErrors: { email: t("account.sameAddress") } };
    case "throttled":
      return { values, error: t("limits.wrongPasswords", { minutes: minutesOf(result.retryAfterSeconds) }) };
    case "too_soon":
      return { values, error: t("limits.changeTooSoon", { minutes: minutesOf(result.retryAfterSeconds) }) };
    case "no_user":
      redirect("/sign-in");
  }
}

/** The confirmation page's button: moves the account, ends every session, then sign-in. */
export async function confirmEmailChangeAction(formData: FormData): Promise<void> {
  const token = accountTokenSchema.safeParse(field(formData, "token"));
  if (!token.success) redirect("/confirm-email?error=invalid");
  const result = await confirmEmailChange(db(), token.data);
  if (!result.ok) redirect(`/confirm-email?error=${result.reason}`);
  // Stripe's receipts follow the address; best-effort, after commit: the change stands either way.
  if (billingConfigured()) {
    try {
      await updateCustomerEmail(billingContext(), result.userId, result.newEmail);
    } catch (error) {
      log.warn({ err: error, userId: result.userId }, "the Stripe customer's e-mail could not be updated");
    }
  }
  redirect("/sign-in?notice=email_changed");
}

/** "Delete my account": confirmed by the password (or, without one, the typed address). */
export async function deleteAccountAction(_prev: AccountFormState, formData: FormData): Promise<AccountFormState> {
  const user = await currentUser();
  if (!user) redirect("/sign-in?callbackUrl=%2Fsettings%2Faccount");
  const parsed = deleteAccountSchema.safeParse({
    password: field(formData, "password"),
    confirmEmail: field(formData, "confirmEmail"),
  });
  const { t } = await formMessages();
  if (!parsed.success) return { error: t("form.invalid") };
  const result = await deleteAccount(
    {
      db: db(),
      stripe: billingConfigured() ? stripe() : null,
      onStripeError: (error) => log.error({ err: error, userId: user.id }, "Stripe refused to cancel on deletion"),
    },
    { userId: user.id, ...parsed.data },
  );
  if (result.ok) {
    log.info({ userId: user.id }, "account deleted");
    await signOut({ redirectTo: "/?notice=account_deleted" });
    return {};
  }
  switch (result.reason) {
    case "wrong_password":
      return { fieldErrors: { password: t("account.deleteWrongPassword") } };
    case "wrong_confirmation":
      return { fieldErrors: { email: t("account.deleteWrongConfirmation") } };
    case "throttled":
      return { error: t("limits.wrongPasswords", { minutes: minutesOf(result.retryAfterSeconds) }) };
    case "billing_unavailable":
    case "stripe_refused":
      return { error: t("account.deleteUnavailable") };
    case "no_user":
      redirect("/sign-in");
  }
}

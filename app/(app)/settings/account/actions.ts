"use server";
// Server actions of Settings → Account: changing the address and deleting the account. Each checks
// the session itself (an action is reachable without its page) and validates its input.
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

const log = logger("account-settings");

const field = (formData: FormData, name: string) => {
  const value = formData.get(name);
  return typeof value === "string" ? value : undefined;
};

const minutes = (seconds: number) => {
  const m = Math.max(1, Math.ceil(seconds / 60));
  return `${m} minute${m === 1 ? "" : "s"}`;
};

/** "Change my address": the same answer whether or not the new address has an account. */
export async function changeEmailAction(_prev: AccountFormState, formData: FormData): Promise<AccountFormState> {
  const user = await currentUser();
  if (!user) redirect("/sign-in?callbackUrl=%2Fsettings%2Faccount");
  const typed = field(formData, "email");
  const values = { email: typed?.slice(0, 254) };
  const parsed = changeEmailSchema.safeParse({ email: typed, password: field(formData, "password") });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return issue?.path[0] === "password"
      ? { values, fieldErrors: { password: issue.message } }
      : { values, fieldErrors: { email: issue?.message } };
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
      return { values, fieldErrors: { password: "Wrong password." } };
    case "same_address":
      return { values, fieldErrors: { email: "That is already your address." } };
    case "throttled":
      return { values, error: `Too many wrong passwords. Try again in ${minutes(result.retryAfterSeconds)}.` };
    case "too_soon":
      return {
        values,
        error: `A change was asked for a moment ago. You can ask again in ${minutes(result.retryAfterSeconds)}.`,
      };
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
  if (!parsed.success) return { error: "Check what you typed and try again." };
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
      return { fieldErrors: { password: "Wrong password. Nothing was deleted." } };
    case "wrong_confirmation":
      return { fieldErrors: { email: "Type your address exactly as shown. Nothing was deleted." } };
    case "throttled":
      return { error: `Too many wrong passwords. Try again in ${minutes(result.retryAfterSeconds)}.` };
    case "billing_unavailable":
    case "stripe_refused":
      return {
        error: "Your subscription could not be cancelled just now, so nothing was deleted. Try again in a few minutes.",
      };
    case "no_user":
      redirect("/sign-in");
  }
}

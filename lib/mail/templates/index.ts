// Every mail the app sends, by name. A new mail is one module in this folder and one line here; its
// name joins the `MailTemplateName` union, and its data type follows from its schema.
import { emailChangeConfirm } from "./email-change-confirm";
import { emailChangeNotice } from "./email-change-notice";
import { lowBalance } from "./low-balance";
import { monthlySummary } from "./monthly-summary";
import { passwordChanged } from "./password-changed";
import { passwordReset } from "./password-reset";
import { paymentFailed } from "./payment-failed";
import { signupAttempt } from "./signup-attempt";
import { subscriptionChanged } from "./subscription-changed";
import type { MailTemplate } from "./template";
import { tokensDepleted } from "./tokens-depleted";
import { usageAlert } from "./usage-alert";
import { topUpFailed } from "./topup-failed";
import { topUpReceipt } from "./topup-receipt";
import { verifyEmail } from "./verify-email";

export const MAIL_TEMPLATES = {
  verify_email: verifyEmail,
  signup_attempt: signupAttempt,
  password_reset: passwordReset,
  password_changed: passwordChanged,
  email_change_confirm: emailChangeConfirm,
  email_change_notice: emailChangeNotice,
  payment_failed: paymentFailed,
  subscription_changed: subscriptionChanged,
  low_balance: lowBalance,
  tokens_depleted: tokensDepleted,
  monthly_summary: monthlySummary,
  usage_alert: usageAlert,
  topup_receipt: topUpReceipt,
  topup_failed: topUpFailed,
} as const;

export type MailTemplateName = keyof typeof MAIL_TEMPLATES;

/** The data a template takes. */
export type MailData<Name extends MailTemplateName> =
  (typeof MAIL_TEMPLATES)[Name] extends MailTemplate<infer Data> ? Data : never;

export function isMailTemplateName(name: string): name is MailTemplateName {
  return Object.hasOwn(MAIL_TEMPLATES, name);
}

export type { MailCategory, MailContext, MailTemplate } from "./template";

// Auto top-up mails (lib/billing/auto-topup/outcome.ts), queued in the transaction of the outcome
// they tell, under the user's billing lock: the receipt (once per PaymentIntent) and the failure
// (once per attempt). Billing mails: they cannot be turned off. Plain values only: the caller reads Stripe.
import type { DbTx } from "../../db/connect";
import { enqueueMail } from "../outbox";
import type { MailData } from "../templates";

async function addressOf(tx: DbTx, userId: string): Promise<string | null> {
  return (await tx.user.findUnique({ where: { id: userId }, select: { email: true } }))?.email ?? null;
}

/** The receipt of a granted top-up (key topup_receipt:<payment intent id>). True when queued now. */
export async function queueTopUpReceipt(
  tx: DbTx,
  userId: string,
  paymentIntentId: string,
  data: MailData<"topup_receipt">,
): Promise<boolean> {
  const to = await addressOf(tx, userId);
  if (!to) return false;
  return enqueueMail(tx, {
    to,
    userId,
    template: "topup_receipt",
    data,
    idempotencyKey: `topup_receipt:${paymentIntentId}`,
  });
}

/** The failure of an attempt (key topup_failed:<attempt key>). True when queued now. */
export async function queueTopUpFailed(
  tx: DbTx,
  userId: string,
  attemptKey: string,
  data: MailData<"topup_failed">,
): Promise<boolean> {
  const to = await addressOf(tx, userId);
  if (!to) return false;
  return enqueueMail(tx, { to, userId, template: "topup_failed", data, idempotencyKey: `topup_failed:${attemptKey}` });
}

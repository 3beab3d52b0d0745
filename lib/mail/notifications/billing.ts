// Billing mails (payment failed, subscription active / plan changed / cancelled / ended), queued in
// the transaction of their cause: the webhook handler's, under the user's billing lock. They cannot
// be turned off (category "billing"). Plain values only: the caller (lib/billing) reads Stripe.
import type { DbTx } from "../../db/connect";
import { enqueueMail } from "../outbox";
import type { MailData } from "../templates";

/** The address of `userId`, or null for a user that no longer exists. */
async function addressOf(tx: DbTx, userId: string): Promise<string | null> {
  const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true } });
  return user?.email ?? null;
}

export interface FailedPayment {
  invoiceId: string;
  /** Stripe's attempt_count: each failed attempt of one invoice is its own cause. */
  attempt: number;
  /** In the currency's smallest unit. */
  amountDue: number;
  currency: string;
  nextAttemptAt: Date | null;
  planName: string | null;
}

/** Queues the payment-failed mail: at most one per invoice attempt (key payment_failed:<invoice>:<attempt>). */
export async function queuePaymentFailedMail(tx: DbTx, userId: string, payment: FailedPayment): Promise<boolean> {
  const to = await addressOf(tx, userId);
  if (!to) return false;
  return enqueueMail(tx, {
    to,
    userId,
    template: "payment_failed",
    data: {
      planName: payment.planName,
      amountDue: { minorUnits: payment.amountDue, currency: payment.currency },
      nextAttemptAt: payment.nextAttemptAt?.toISOString() ?? null,
    },
    idempotencyKey: `payment_failed:${payment.invoiceId}:${payment.attempt}`,
  });
}

/** What the subscriber is told about, from the row before and after a sync. */
export interface SubscriptionState {
  subscriptionId: string | null;
  live: boolean;
  /** Active or trialing (past_due is live but not "active"). */
  active: boolean;
  planId: string | null;
  cancelAtPeriodEnd: boolean;
  currentPeriodStart: Date | null;
  currentPeriodEnd: Date | null;
  canceledAt: Date | null;
}

export type SubscriptionChange = MailData<"subscription_changed">["change"];

/**
 * The change between two synced states worth a mail, or null: it became active (from nothing or
 * from an unpaid start, not from past_due), its plan changed, it was cancelled (at the period's end:
 * the flag turned on), or it ended.
 */
export function subscriptionChangeOf(
  before: SubscriptionState | null,
  after: SubscriptionState,
): SubscriptionChange | null {
  const wasLive = before?.live ?? false;
  if (wasLive && !after.live) return "ended";
  if (!after.live) return null;
  if (!wasLive) return after.active ? "active" : null;
  if (before!.planId && after.planId && before!.planId !== after.planId) return "plan_changed";
  if (!before!.cancelAtPeriodEnd && after.cancelAtPeriodEnd) return "cancelled";
  return null;
}

/**
 * Queues the mail of the change between `before` and `after`, if there is one. At most one per
 * change: the caller diffs under the billing lock (a second sync of the same state sees no change),
 * and the key names the change — subscription, change, plan, cancel flag and a timestamp Stripe
 * gave it (the cancellation's canceled_at, the period start of an activation; for a plan change,
 * which Stripe stamps nowhere, `stamp`: when the sync's read of Stripe began).
 */
export async function queueSubscriptionChangeMail(
  tx: DbTx,
  userId: string,
  before: SubscriptionState | null,
  after: SubscriptionState,
  { planName, previousPlanName, stamp }: { planName: string | null; previousPlanName: string | null; stamp: string },
): Promise<SubscriptionChange | null> {
  const change = subscriptionChangeOf(before, after);
  if (!change) return null;
  const to = await addressOf(tx, userId);
  if (!to) return null;
  const stripeStamp =
    change === "cancelled" || change === "ended"
      ? after.canceledAt?.toISOString()
      : change === "active"
        ? after.currentPeriodStart?.toISOString()
        : undefined;
  const subscriptionId = after.subscriptionId ?? before?.subscriptionId ?? "none";
  const key = `subscription:${subscriptionId}:${change}:${after.planId ?? "-"}:${after.cancelAtPeriodEnd}:${stripeStamp ?? stamp}`;
  await enqueueMail(tx, {
    to,
    userId,
    template: "subscription_changed",
    data: {
      change,
      planName: change === "ended" ? previousPlanName : planName,
      previousPlanName,
      endsAt: change === "cancelled" ? (after.currentPeriodEnd?.toISOString() ?? null) : null,
    },
    idempotencyKey: key,
  });
  return change;
}

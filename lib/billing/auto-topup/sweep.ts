// The auto top-up sweep (cron /api/cron/auto-topup): finishes what a crash or a lost answer left.
// - A pending attempt not touched for STALE_MS is charged again with its own key: Stripe answers
//   with the PaymentIntent it made the first time (if it did), so the retry charges nothing twice.
//   Stripe keeps idempotency keys for 24 h: an attempt older than RETRY_FOR_MS is not re-sent; it is
//   failed as "abandoned" (no charge, auto top-up turned off and the user told), unless its
//   PaymentIntent is known, in which case Stripe's answer for it decides.
// - An account whose balance is below its threshold with auto top-up on and no attempt in flight
//   (a crossing whose listener died with its process) is checked like after a settle.
// Convergent and safe to run concurrently with itself and with the listeners.
import type { BillingContext } from "../context";
import { chargeAttempt, checkAutoTopUp } from "./charge";
import { topUpFailed, topUpSucceeded } from "./outcome";

export const STALE_MS = 2 * 60_000;
export const RETRY_FOR_MS = 23 * 60 * 60_000;

export interface SweepReport {
  retried: number;
  abandoned: number;
  checked: number;
}

export async function sweepAutoTopUps(ctx: BillingContext, now: Date = new Date(), limit = 200): Promise<SweepReport> {
  const report: SweepReport = { retried: 0, abandoned: 0, checked: 0 };
  const stale = await ctx.db.autoTopUpAttempt.findMany({
    where: { status: "pending", updatedAt: { lt: new Date(now.getTime() - STALE_MS) } },
    orderBy: { createdAt: "asc" },
    take: limit,
  });
  for (const attempt of stale) {
    if (attempt.createdAt.getTime() > now.getTime() - RETRY_FOR_MS) {
      await chargeAttempt(ctx, attempt.id);
      report.retried++;
      continue;
    }
    if (attempt.paymentIntentId) {
      const intent = await ctx.stripe.paymentIntents.retrieve(attempt.paymentIntentId);
      if (intent.status === "succeeded") {
        await topUpSucceeded(ctx, intent.id);
        continue;
      }
      await topUpFailed(ctx, {
        attemptKey: attempt.idempotencyKey,
        paymentIntent: intent,
        code: "abandoned",
        message: null,
      });
    } else {
      await topUpFailed(ctx, {
        attemptKey: attempt.idempotencyKey,
        paymentIntent: null,
        code: "abandoned",
        message: null,
      });
    }
    report.abandoned++;
  }
  const below = await ctx.db.$queryRaw<{ user_id: string }[]>`
    SELECT s.user_id FROM auto_topup_settings s
    JOIN user_token_balance b ON b.user_id = s.user_id
    WHERE s.enabled AND b.allowance + b.purchased - b.reserved < s.threshold_millitokens
      AND NOT EXISTS (SELECT 1 FROM auto_topup_attempts a WHERE a.user_id = s.user_id AND a.status = 'pending')
    LIMIT ${limit}`;
  for (const { user_id } of below) {
    await checkAutoTopUp(ctx, user_id, now);
    report.checked++;
  }
  return report;
}

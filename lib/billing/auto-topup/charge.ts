// Charging an armed attempt: one off-session PaymentIntent for the pack, sent with the attempt's
// key as Stripe's Idempotency-Key. Whatever happened before — a crash after the attempt was
// written, a lost answer, the sweep's retry, two instances retrying at once — Stripe answers every
// request with that key with the same PaymentIntent (a decline's 402 included), so a crossing is
// charged at most once. The parameters are fixed on the attempt row the first time (price, amount,
// card), so a retry sends exactly the same request.
//
// Outcomes go to ./outcome.ts: `topUpSucceeded` (also reached from the payment_intent.succeeded
// webhook, whichever comes first) or `topUpFailed` (a decline, authentication required, no card).
import Stripe from "stripe";
import { logger } from "../../log";
import { getActivePricing } from "../../tokens/pricing-config";
import { META_ID, META_KIND, META_PRICING_VERSION, packItem, priceByLookupKey, priceDifferences } from "../catalog";
import type { BillingContext } from "../context";
import { META_USER } from "../customer";
import { taxMode } from "../tax";
import { armAttempt, type ArmResult } from "./attempt";
import { META_ATTEMPT, META_PRICE, TOPUP_KIND } from "./metadata";
import { topUpFailed, topUpSucceeded } from "./outcome";
import { customerOfUser } from "./settings";
import { savedCard } from "./saved-card";

const log = logger("billing");

export type ChargeOutcome = "succeeded" | "failed" | "pending" | "not_pending";

/**
 * Fixes what the attempt charges (price by the pack's lookup key, its amount, the saved card) on
 * the row, once; returns the row as stored. Null when there is nothing to charge with.
 */
async function fixParameters(ctx: BillingContext, attemptId: string) {
  const row = await ctx.db.autoTopUpAttempt.findUniqueOrThrow({ where: { id: attemptId } });
  if (row.priceId && row.paymentMethodId && row.amount !== null) return { row, problem: null };
  const customerId = await customerOfUser(ctx.db, row.userId);
  const card = customerId ? await savedCard(ctx, customerId) : null;
  if (!customerId || !card) return { row, problem: "no_payment_method" as const };
  const pricing = await getActivePricing(ctx.db);
  const pack = pricing.packs.find((p) => p.id === row.packId);
  if (!pack) return { row, problem: "pack_unavailable" as const };
  const price = await priceByLookupKey(ctx.stripe, pack.lookupKey);
  const differences = priceDifferences(price, packItem(pack, pricing.currency), ctx.taxMode ?? taxMode());
  if (differences.length > 0 || price.unit_amount === null) return { row, problem: "pack_unavailable" as const };
  await ctx.db.autoTopUpAttempt.updateMany({
    where: { id: attemptId, priceId: null },
    data: {
      priceId: price.id,
      amount: price.unit_amount,
      currency: price.currency,
      paymentMethodId: card.id,
      pricingVersion: Number(price.metadata?.[META_PRICING_VERSION] ?? pricing.version),
    },
  });
  return { row: await ctx.db.autoTopUpAttempt.findUniqueOrThrow({ where: { id: attemptId } }), problem: null };
}

/**
 * Charges a pending attempt (the first time, or again after a crash: same key, same request).
 * Network trouble (or Stripe busy with the same key) leaves it pending for the sweep; a card error
 * or a request Stripe refuses for good (400) fails it. Safe to call concurrently.
 */
export async function chargeAttempt(ctx: BillingContext, attemptId: string): Promise<ChargeOutcome> {
  const first = await ctx.db.autoTopUpAttempt.findUnique({ where: { id: attemptId } });
  if (!first || first.status !== "pending") return "not_pending";
  const { row, problem } = await fixParameters(ctx, attemptId);
  if (problem) {
    await topUpFailed(ctx, { attemptKey: row.idempotencyKey, paymentIntent: null, code: problem, message: null });
    return "failed";
  }
  const customerId = (await customerOfUser(ctx.db, row.userId))!;
  await ctx.db.autoTopUpAttempt.update({ where: { id: row.id }, data: { tries: { increment: 1 } } });
  let intent: Stripe.PaymentIntent;
  try {
    intent = await ctx.stripe.paymentIntents.create(
      {
        amount: row.amount!,
        currency: row.currency!,
        customer: customerId,
        payment_method: row.paymentMethodId!,
        allowed_payment_method_types: ["card"],
        off_session: true,
        confirm: true,
        description: `Auto top-up: ${row.packId} pack`,
        metadata: {
          [META_USER]: row.userId,
          [META_KIND]: TOPUP_KIND,
          [META_ID]: row.packId,
          [META_PRICE]: row.priceId!,
          [META_PRICING_VERSION]: String(row.pricingVersion ?? ""),
          [META_ATTEMPT]: row.idempotencyKey,
        },
      },
      { idempotencyKey: row.idempotencyKey },
    );
  } catch (error) {
    if (error instanceof Stripe.errors.StripeCardError) {
      const paymentIntent = (error.payment_intent as Stripe.PaymentIntent | undefined) ?? null;
      await topUpFailed(ctx, {
        attemptKey: row.idempotencyKey,
        paymentIntent,
        code: error.code ?? "card_error",
        message: error.message,
      });
      return "failed";
    }
    if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 400) {
      // Refused for good (the card was detached since, no longer usable): retrying cannot help.
      await topUpFailed(ctx, {
        attemptKey: row.idempotencyKey,
        paymentIntent: null,
        code: error.code ?? "invalid_request",
        message: error.message,
      });
      return "failed";
    }
    log.warn({ event: "auto_topup_charge_failed", attempt: row.id, err: error }, "auto top-up left pending");
    return "pending";
  }
  await ctx.db.autoTopUpAttempt.updateMany({
    where: { id: row.id, paymentIntentId: null },
    data: { paymentIntentId: intent.id },
  });
  if (intent.status === "succeeded") {
    await topUpSucceeded(ctx, intent.id);
    return "succeeded";
  }
  if (intent.status === "requires_action" || intent.status === "requires_payment_method") {
    await topUpFailed(ctx, {
      attemptKey: row.idempotencyKey,
      paymentIntent: intent,
      code: intent.status === "requires_action" ? "authentication_required" : "payment_failed",
      message: intent.last_payment_error?.message ?? null,
    });
    return "failed";
  }
  return "pending"; // processing: its webhook finishes it
}

/**
 * A ledger change may have taken the balance below the user's threshold: arm an attempt (at most
 * one per crossing, within the limits) and charge it. Convergent and safe concurrently: callers
 * fire it after any ledger change; most calls find nothing to do.
 */
export async function checkAutoTopUp(
  ctx: BillingContext,
  userId: string,
  now?: Date,
): Promise<ArmResult & { charged?: ChargeOutcome }> {
  const result = await armAttempt(ctx.db, userId, now);
  if (!("armed" in result)) return result;
  return { ...result, charged: await chargeAttempt(ctx, result.armed.id) };
}

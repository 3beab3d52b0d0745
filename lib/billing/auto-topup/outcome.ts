// The two ends of an auto top-up, each in ONE function (the places outgoing integrator events
// `topup.succeeded` / `topup.failed` hang on):
//
// - topUpSucceeded: the PaymentIntent succeeded (re-read from Stripe: never a payload, never the
//   create response's word alone) → the pack is granted through the same path as a checkout pack
//   (effects.ts grantPack) under the key topup:<payment intent id>, the attempt is marked, the
//   crossing is re-armed (generation + 1) and the receipt is queued — all in one transaction under
//   the user's billing lock. Reached from the synchronous create response and from the
//   payment_intent.succeeded webhook, whichever comes first; the ledger key makes the second (and a
//   duplicate or concurrent webhook) a no-op.
// - topUpFailed: the card was declined, needs authentication (3-D Secure cannot be done off
//   session), or there is no card → nothing is granted; a PaymentIntent left waiting is canceled
//   (it will not be finished off session); auto top-up is turned off with the reason stored, the
//   attempt marked, and the user mailed a link to fix it. Once per attempt.
//
// Each emits its outgoing webhook (lib/webhooks/events.ts) in the same transaction as what it
// reports: `topup.succeeded` once per PaymentIntent (with the grant), `topup.failed` once per
// attempt (with the turning off). The caller kicks delivery after commit; the cron sends the rest.
import type Stripe from "stripe";
import { queueTopUpFailed, queueTopUpReceipt } from "../../mail/notifications/topup";
import { TOPUP_FAILURE_REASONS } from "../../mail/templates/topup-failed";
import { logger } from "../../log";
import { emitEvent } from "../../webhooks/events";
import { getActivePricing } from "../../tokens/pricing-config";
import { META_KIND, offerOfPrice } from "../catalog";
import { withUserLock, type BillingContext } from "../context";
import { customerIdOf, META_USER, userIdForCustomer } from "../customer";
import { grantPack, type EffectOutcome } from "../effects";
import { META_ATTEMPT, META_PRICE, TOPUP_KIND } from "./metadata";

const log = logger("billing");

/** Whether `intent` is one of Tollgate's auto top-ups (by the metadata charge.ts writes). */
export function isTopUp(intent: Pick<Stripe.PaymentIntent, "metadata">): boolean {
  return intent.metadata?.[META_KIND] === TOPUP_KIND && Boolean(intent.metadata?.[META_ATTEMPT]);
}

/** Statuses of a PaymentIntent that could still be confirmed later: canceled when a top-up fails. */
const WAITING = new Set(["requires_action", "requires_payment_method", "requires_confirmation"]);

export async function topUpSucceeded(ctx: BillingContext, paymentIntentId: string): Promise<EffectOutcome> {
  const intent = await ctx.stripe.paymentIntents.retrieve(paymentIntentId, { expand: ["latest_charge"] });
  if (!isTopUp(intent)) return { ignored: `payment intent ${intent.id} is not an auto top-up` };
  if (intent.status !== "succeeded") return { ignored: `payment intent ${intent.id} is ${intent.status}` };
  const customerId = customerIdOf(intent.customer);
  const userId = customerId ? await userIdForCustomer(ctx, ctx.db, customerId) : null;
  if (!userId || intent.metadata[META_USER] !== userId)
    return { ignored: `payment intent ${intent.id} belongs to no Tollgate user` };
  const price = await ctx.stripe.prices.retrieve(intent.metadata[META_PRICE] ?? "");
  const offer = await offerOfPrice(ctx.db, price);
  if (offer?.kind !== "pack") throw new Error(`payment intent ${intent.id}: price ${price.id} sells no pack`);
  // What was received must pay for the pack (the amount was fixed from this price: charge.ts).
  if (intent.amount_received < (price.unit_amount ?? Infinity) || intent.currency !== price.currency)
    throw new Error(
      `payment intent ${intent.id} received ${intent.amount_received} ${intent.currency} for ${price.id}`,
    );
  const charge = intent.latest_charge && typeof intent.latest_charge === "object" ? intent.latest_charge : null;
  const attemptKey = intent.metadata[META_ATTEMPT]!;

  return withUserLock(ctx, userId, async (tx) => {
    const { duplicate } = await grantPack(tx, {
      userId,
      offer,
      idempotencyKey: `topup:${intent.id}`,
      sourceType: "stripe_payment_intent",
      sourceRef: intent.id,
    });
    if (duplicate) return { done: "auto top-up already granted" };
    const attempt = await tx.autoTopUpAttempt.findUnique({ where: { idempotencyKey: attemptKey } });
    if (attempt && attempt.userId === userId) {
      await tx.autoTopUpAttempt.update({
        where: { id: attempt.id },
        data: { status: "succeeded", paymentIntentId: intent.id, failureCode: null, failureMessage: null },
      });
      // Re-arm: the next crossing is a new attempt (only once per granted attempt).
      await tx.autoTopUpSettings.updateMany({
        where: { userId, generation: attempt.generation },
        data: { generation: { increment: 1 } },
      });
    }
    await emitEvent(tx, {
      type: "topup.succeeded",
      key: `topup.succeeded:${intent.id}`,
      userId,
      data: {
        userId,
        packId: offer.pack.id,
        grantedMillitokens: offer.millitokens.toString(),
        amountCents: intent.amount_received,
        currency: intent.currency,
        paymentIntentId: intent.id,
      },
    });
    await queueTopUpReceipt(tx, userId, intent.id, {
      packName: offer.pack.name,
      tokens: offer.pack.tokens,
      amount: { minorUnits: intent.amount_received, currency: intent.currency },
      receiptUrl: charge?.receipt_url ?? null,
    });
    return { done: `auto top-up granted the ${offer.pack.name} pack` };
  });
}

export interface TopUpFailure {
  attemptKey: string;
  /** The PaymentIntent as Stripe returned it (a card error's `payment_intent`), or null (no card). */
  paymentIntent: Stripe.PaymentIntent | null;
  /** Stripe's error code (card_declined, authentication_required, …) or ours (no_payment_method). */
  code: string;
  message: string | null;
}

function mailReason(code: string): (typeof TOPUP_FAILURE_REASONS)[number] {
  if (code === "card_declined" || code === "expired_card" || code === "incorrect_cvc") return "declined";
  if (code === "authentication_required" || code === "requires_action") return "authentication_required";
  if (code === "no_payment_method") return "no_payment_method";
  return "other";
}

export async function topUpFailed(ctx: BillingContext, failure: TopUpFailure): Promise<EffectOutcome> {
  const attempt = await ctx.db.autoTopUpAttempt.findUnique({ where: { idempotencyKey: failure.attemptKey } });
  if (!attempt) return { ignored: `no auto top-up attempt ${failure.attemptKey}` };
  const intent = failure.paymentIntent;
  // Stripe first, outside the lock: a PaymentIntent that would wait for the customer is canceled.
  if (intent && WAITING.has(intent.status)) {
    try {
      await ctx.stripe.paymentIntents.cancel(intent.id, { cancellation_reason: "abandoned" });
    } catch (error) {
      log.warn({ event: "auto_topup_cancel_failed", paymentIntent: intent.id, err: error });
    }
  }
  const needsAction = failure.code === "authentication_required" || intent?.status === "requires_action";
  return withUserLock(ctx, attempt.userId, async (tx) => {
    const current = await tx.autoTopUpAttempt.findUniqueOrThrow({ where: { id: attempt.id } });
    if (current.status !== "pending") return { done: `auto top-up attempt already ${current.status}` };
    await tx.autoTopUpAttempt.update({
      where: { id: attempt.id },
      data: {
        status: needsAction ? "requires_action" : "failed",
        paymentIntentId: current.paymentIntentId ?? intent?.id ?? null,
        failureCode: failure.code,
        failureMessage: failure.message?.slice(0, 500) ?? null,
      },
    });
    await tx.autoTopUpSettings.updateMany({
      where: { userId: attempt.userId },
      data: {
        enabled: false,
        disabledReason: needsAction ? "authentication_required" : failure.code,
        disabledAt: new Date(),
        disabledPaymentIntent: intent?.id ?? null,
      },
    });
    const settings = await tx.autoTopUpSettings.findUnique({ where: { userId: attempt.userId } });
    const packId = settings?.packId ?? attempt.packId;
    await emitEvent(tx, {
      type: "topup.failed",
      key: `topup.failed:${attempt.idempotencyKey}`,
      userId: attempt.userId,
      data: {
        userId: attempt.userId,
        packId,
        reason: needsAction ? "requires_action" : "payment_failed",
        paymentIntentId: intent?.id ?? current.paymentIntentId ?? null,
      },
    });
    const { packs } = await getActivePricing(tx);
    await queueTopUpFailed(tx, attempt.userId, attempt.idempotencyKey, {
      packName: packs.find((p) => p.id === packId)?.name ?? packId,
      reason: mailReason(failure.code),
    });
    return { done: `auto top-up failed (${failure.code}); turned off` };
  });
}

// payment_intent.payment_failed: an auto top-up's card was declined or needs authentication → the
// attempt fails, auto top-up is turned off and the user mailed (once per attempt: the synchronous
// path of lib/billing/auto-topup/charge.ts may have done it already). Re-read from Stripe.
import type Stripe from "stripe";
import { META_ATTEMPT } from "../auto-topup/metadata";
import { isTopUp, topUpFailed } from "../auto-topup/outcome";
import type { EventHandler } from "./types";

export const paymentIntentPaymentFailed: EventHandler<Stripe.PaymentIntentPaymentFailedEvent> = async (ctx, event) => {
  if (!isTopUp(event.data.object)) return { ignored: `payment intent ${event.data.object.id} is not an auto top-up` };
  const intent = await ctx.stripe.paymentIntents.retrieve(event.data.object.id);
  if (intent.status === "succeeded") return { ignored: `payment intent ${intent.id} succeeded since` };
  const error = intent.last_payment_error;
  return topUpFailed(ctx, {
    attemptKey: intent.metadata[META_ATTEMPT]!,
    paymentIntent: intent,
    code: error?.code ?? (intent.status === "requires_action" ? "authentication_required" : "payment_failed"),
    message: error?.message ?? null,
  });
};

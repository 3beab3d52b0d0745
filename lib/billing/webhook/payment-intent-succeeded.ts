// payment_intent.succeeded: an auto top-up was paid → its pack is granted (once: key
// topup:<payment intent id>, shared with the synchronous path of lib/billing/auto-topup/charge.ts).
// The PaymentIntent is re-read from Stripe; other payment intents (a pack checkout's, an invoice's)
// are ignored here: their own events grant them.
import type Stripe from "stripe";
import { isTopUp, topUpSucceeded } from "../auto-topup/outcome";
import type { EventHandler } from "./types";

export const paymentIntentSucceeded: EventHandler<Stripe.PaymentIntentSucceededEvent> = async (ctx, event) => {
  const intent = event.data.object;
  // Metadata never changes after creation: a cheap filter before the re-read.
  if (!isTopUp(intent)) return { ignored: `payment intent ${intent.id} is not an auto top-up` };
  return topUpSucceeded(ctx, intent.id);
};

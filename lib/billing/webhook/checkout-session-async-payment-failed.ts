// checkout.session.async_payment_failed: a delayed payment failed: nothing was granted, so nothing is taken; a subscription is re-synced.
import type Stripe from "stripe";
import { customerIdOf } from "../customer";
import { applySubscriptionChange } from "../effects";
import type { EventHandler } from "./types";

export const checkoutSessionAsyncPaymentFailed: EventHandler<Stripe.CheckoutSessionAsyncPaymentFailedEvent> = async (
  ctx,
  event,
) => {
  const session = event.data.object;
  const customerId = customerIdOf(session.customer);
  if (session.mode === "subscription" && customerId) return applySubscriptionChange(ctx, customerId);
  return { done: `payment of session ${session.id} failed: no tokens granted` };
};

// checkout.session.async_payment_succeeded: a delayed payment (bank debit …) cleared: grant the pack now, or sync the subscription.
import type Stripe from "stripe";
import { customerIdOf } from "../customer";
import { applySubscriptionChange, grantPackForSession } from "../effects";
import type { EventHandler } from "./types";

export const checkoutSessionAsyncPaymentSucceeded: EventHandler<
  Stripe.CheckoutSessionAsyncPaymentSucceededEvent
> = async (ctx, event) => {
  const session = event.data.object;
  if (session.mode === "payment") return grantPackForSession(ctx, session.id);
  const customerId = customerIdOf(session.customer);
  if (session.mode === "subscription" && customerId) return applySubscriptionChange(ctx, customerId);
  return { ignored: `checkout session in ${session.mode} mode` };
};

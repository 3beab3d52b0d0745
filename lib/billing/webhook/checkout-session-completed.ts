// checkout.session.completed: a paid pack checkout grants its tokens; a subscription checkout syncs the new subscription.
import type Stripe from "stripe";
import { customerIdOf } from "../customer";
import { applySubscriptionChange, grantPackForSession } from "../effects";
import type { EventHandler } from "./types";

export const checkoutSessionCompleted: EventHandler<Stripe.CheckoutSessionCompletedEvent> = async (ctx, event) => {
  const session = event.data.object;
  if (session.mode === "payment") return grantPackForSession(ctx, session.id); // ignored until paid (async methods)
  const customerId = customerIdOf(session.customer);
  if (session.mode === "subscription" && customerId) return applySubscriptionChange(ctx, customerId);
  return { ignored: `checkout session in ${session.mode} mode` };
};

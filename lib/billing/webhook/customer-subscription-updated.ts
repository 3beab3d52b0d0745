// customer.subscription.updated: plan, status or cancellation changed: sync it (and grant a paid upgrade's pro-rated allowance if its invoice.paid has not yet).
import type Stripe from "stripe";
import { customerIdOf } from "../customer";
import { applySubscriptionChange } from "../effects";
import type { EventHandler } from "./types";

export const customerSubscriptionUpdated: EventHandler<Stripe.CustomerSubscriptionUpdatedEvent> = async (ctx, event) => {
  const customerId = customerIdOf(event.data.object.customer);
  if (!customerId) return { ignored: "subscription without a customer" };
  return applySubscriptionChange(ctx, customerId);
};

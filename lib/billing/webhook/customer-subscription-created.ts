// customer.subscription.created: a new subscription: sync it (its first invoice.paid grants the allowance).
import type Stripe from "stripe";
import { customerIdOf } from "../customer";
import { applySubscriptionChange } from "../effects";
import type { EventHandler } from "./types";

export const customerSubscriptionCreated: EventHandler<Stripe.CustomerSubscriptionCreatedEvent> = async (ctx, event) => {
  const customerId = customerIdOf(event.data.object.customer);
  if (!customerId) return { ignored: "subscription without a customer" };
  return applySubscriptionChange(ctx, customerId);
};

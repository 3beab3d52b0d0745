// customer.subscription.deleted: the subscription ended: sync it (no plan); the reset cron gives the free tier from the next period.
import type Stripe from "stripe";
import { customerIdOf } from "../customer";
import { applySubscriptionChange } from "../effects";
import type { EventHandler } from "./types";

export const customerSubscriptionDeleted: EventHandler<Stripe.CustomerSubscriptionDeletedEvent> = async (ctx, event) => {
  const customerId = customerIdOf(event.data.object.customer);
  if (!customerId) return { ignored: "subscription without a customer" };
  return applySubscriptionChange(ctx, customerId);
};

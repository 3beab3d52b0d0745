// The event types whose only work is to sync the customer's subscription from Stripe (the way
// documenso's SYNCED_EVENT_TYPES does). The sync reads the subscription's current state from
// Stripe itself, so it is convergent: the same event twice, or these events in any order, end in
// the same state, and what the event's payload says is never trusted beyond its customer id.
//
// - customer.subscription.created: a new subscription (its first invoice.paid grants the allowance);
// - customer.subscription.updated: plan, status or cancellation changed (and a paid upgrade's
//   pro-rated allowance is granted if its invoice.paid has not been handled yet);
// - customer.subscription.deleted: no plan any more; the reset cron gives the free tier from the next period;
// (invoice.payment_failed syncs too, and mails the subscriber: ./invoice-payment-failed.ts.)
import type Stripe from "stripe";
import { customerIdOf } from "../customer";
import { applySubscriptionChange } from "../effects";
import type { EventHandler } from "./types";

export const SYNCED_EVENT_TYPES = [
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
] as const satisfies readonly Stripe.Event["type"][];

export type SyncedEventType = (typeof SYNCED_EVENT_TYPES)[number];

type SyncedEvent = Extract<Stripe.Event, { type: SyncedEventType }>;

export function isSyncedEventType(type: string): type is SyncedEventType {
  return (SYNCED_EVENT_TYPES as readonly string[]).includes(type);
}

/** Syncs the subscription of the event's customer; an object without a customer is ignored. */
export const syncCustomerOfEvent: EventHandler<SyncedEvent> = async (ctx, event) => {
  const customerId = customerIdOf(event.data.object.customer);
  if (!customerId) return { ignored: `${event.data.object.object} without a customer` };
  return applySubscriptionChange(ctx, customerId);
};

// The event types Tollgate handles: those that only sync the subscription (./synced-events.ts) and
// those with work of their own, one handler file each. Every other type is answered 200 and logged
// as ignored (the endpoint may be subscribed to more than it needs).
import type Stripe from "stripe";
import type { BillingContext } from "../context";
import type { EffectOutcome } from "../effects";
import { chargeDisputeClosed } from "./charge-dispute-closed";
import { chargeDisputeCreated } from "./charge-dispute-created";
import { chargeRefunded } from "./charge-refunded";
import { checkoutSessionAsyncPaymentFailed } from "./checkout-session-async-payment-failed";
import { checkoutSessionAsyncPaymentSucceeded } from "./checkout-session-async-payment-succeeded";
import { checkoutSessionCompleted } from "./checkout-session-completed";
import { invoicePaid } from "./invoice-paid";
import { invoicePaymentFailed } from "./invoice-payment-failed";
import { paymentIntentPaymentFailed } from "./payment-intent-payment-failed";
import { paymentIntentSucceeded } from "./payment-intent-succeeded";
import { isSyncedEventType, syncCustomerOfEvent, SYNCED_EVENT_TYPES } from "./synced-events";
import type { EventHandler } from "./types";

export const HANDLERS = {
  "checkout.session.completed": checkoutSessionCompleted,
  "checkout.session.async_payment_succeeded": checkoutSessionAsyncPaymentSucceeded,
  "checkout.session.async_payment_failed": checkoutSessionAsyncPaymentFailed,
  "invoice.paid": invoicePaid,
  "invoice.payment_failed": invoicePaymentFailed,
  "charge.refunded": chargeRefunded,
  "charge.dispute.created": chargeDisputeCreated,
  "charge.dispute.closed": chargeDisputeClosed,
  "payment_intent.succeeded": paymentIntentSucceeded,
  "payment_intent.payment_failed": paymentIntentPaymentFailed,
} as const satisfies { [T in Stripe.Event["type"]]?: EventHandler<Extract<Stripe.Event, { type: T }>> };

/** The event types the webhook endpoint must be subscribed to (docs/STRIPE_SETUP.md lists them). */
export const HANDLED_EVENT_TYPES = [...SYNCED_EVENT_TYPES, ...(Object.keys(HANDLERS) as (keyof typeof HANDLERS)[])];

export function handlerFor(type: string): EventHandler | null {
  if (isSyncedEventType(type)) return syncCustomerOfEvent as EventHandler;
  return (HANDLERS as Record<string, EventHandler>)[type] ?? null;
}

/** Runs the event's handler; null when the type is not handled. */
export async function dispatch(ctx: BillingContext, event: Stripe.Event): Promise<EffectOutcome | null> {
  const handler = handlerFor(event.type);
  return handler ? handler(ctx, event) : null;
}

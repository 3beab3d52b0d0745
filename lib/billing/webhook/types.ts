// The shape of one event handler: it does the event's work (convergent and idempotent: the same
// event twice, or events in any order, end in the same state) and says what it did.
import type Stripe from "stripe";
import type { BillingContext } from "../context";
import type { EffectOutcome } from "../effects";

export type EventHandler<T extends Stripe.Event = Stripe.Event> = (
  ctx: BillingContext,
  event: T,
) => Promise<EffectOutcome>;

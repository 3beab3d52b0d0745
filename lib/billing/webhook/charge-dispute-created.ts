// charge.dispute.created: a disputed pack payment takes back the pack's tokens at once (once per charge, with any refund).
import type Stripe from "stripe";
import { clawbackForCharge } from "../effects";
import type { EventHandler } from "./types";

export const chargeDisputeCreated: EventHandler<Stripe.ChargeDisputeCreatedEvent> = async (ctx, event) => {
  const chargeId = typeof event.data.object.charge === "string" ? event.data.object.charge : event.data.object.charge.id;
  return clawbackForCharge(ctx, chargeId, { disputed: true });
};

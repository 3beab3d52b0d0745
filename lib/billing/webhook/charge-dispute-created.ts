// charge.dispute.created: a disputed pack or subscription payment takes back the tokens it granted at once (once per charge, with any refund).
import type Stripe from "stripe";
import { clawbackForCharge } from "../clawback";
import type { EventHandler } from "./types";

export const chargeDisputeCreated: EventHandler<Stripe.ChargeDisputeCreatedEvent> = async (ctx, event) => {
  const chargeId =
    typeof event.data.object.charge === "string" ? event.data.object.charge : event.data.object.charge.id;
  return clawbackForCharge(ctx, chargeId);
};

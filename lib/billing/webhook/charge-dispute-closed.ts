// charge.dispute.closed: a dispute that is won gives back what its dispute.created took (a lost one keeps it taken).
import type Stripe from "stripe";
import { clawbackForCharge } from "../clawback";
import type { EventHandler } from "./types";

export const chargeDisputeClosed: EventHandler<Stripe.ChargeDisputeClosedEvent> = async (ctx, event) => {
  const chargeId =
    typeof event.data.object.charge === "string" ? event.data.object.charge : event.data.object.charge.id;
  return clawbackForCharge(ctx, chargeId);
};

// charge.refunded: a refunded pack or subscription payment takes back the refunded share of the tokens it granted (what remains of them).
import type Stripe from "stripe";
import { clawbackForCharge } from "../clawback";
import type { EventHandler } from "./types";

export const chargeRefunded: EventHandler<Stripe.ChargeRefundedEvent> = (ctx, event) =>
  clawbackForCharge(ctx, event.data.object.id);

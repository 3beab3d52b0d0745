// charge.refunded: a refunded pack payment takes back the refunded share of the pack's tokens (what remains of them).
import type Stripe from "stripe";
import { clawbackForCharge } from "../effects";
import type { EventHandler } from "./types";

export const chargeRefunded: EventHandler<Stripe.ChargeRefundedEvent> = (ctx, event) => clawbackForCharge(ctx, event.data.object.id);

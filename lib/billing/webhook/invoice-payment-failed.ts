// invoice.payment_failed: the subscription turns past_due (via sync): tokens are kept, no new allowance until paid.
import type Stripe from "stripe";
import { customerIdOf } from "../customer";
import { applySubscriptionChange } from "../effects";
import type { EventHandler } from "./types";

export const invoicePaymentFailed: EventHandler<Stripe.InvoicePaymentFailedEvent> = async (ctx, event) => {
  const customerId = customerIdOf(event.data.object.customer);
  if (!customerId) return { ignored: "invoice without a customer" };
  return applySubscriptionChange(ctx, customerId);
};

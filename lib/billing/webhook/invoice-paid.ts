// invoice.paid: a paid first or renewal invoice starts the period with its price's allowance (the key the reset cron shares); a paid proration invoice grants the upgrade's pro-rated allowance.
import type Stripe from "stripe";
import { applyPaidInvoice } from "../effects";
import type { EventHandler } from "./types";

export const invoicePaid: EventHandler<Stripe.InvoicePaidEvent> = (ctx, event) =>
  applyPaidInvoice(ctx, event.data.object);

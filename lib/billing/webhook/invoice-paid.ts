// invoice.paid: a paid first or renewal invoice starts the period with the plan's allowance (the key the reset cron shares).
import type Stripe from "stripe";
import { applyPaidInvoice } from "../effects";
import type { EventHandler } from "./types";

export const invoicePaid: EventHandler<Stripe.InvoicePaidEvent> = (ctx, event) => applyPaidInvoice(ctx, event.data.object);

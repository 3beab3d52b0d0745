// The card an auto top-up charges: the customer's default payment method
// (`invoice_settings.default_payment_method`, set in the Customer Portal) when it is a card, else the
// newest card saved on the customer (a pack checkout with setup_future_usage, or a subscription's).
// Read from Stripe each time: a card removed in the portal is never charged.
import type Stripe from "stripe";
import type { BillingContext } from "../context";

export interface SavedCard {
  id: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

function summary(pm: Stripe.PaymentMethod): SavedCard | null {
  if (pm.type !== "card" || !pm.card) return null;
  return {
    id: pm.id,
    brand: pm.card.brand,
    last4: pm.card.last4,
    expMonth: pm.card.exp_month,
    expYear: pm.card.exp_year,
  };
}

export async function savedCard(ctx: BillingContext, customerId: string): Promise<SavedCard | null> {
  const customer = await ctx.stripe.customers.retrieve(customerId);
  if (customer.deleted) return null;
  const preferred = customer.invoice_settings?.default_payment_method;
  if (preferred) {
    const pm = typeof preferred === "string" ? await ctx.stripe.paymentMethods.retrieve(preferred) : preferred;
    const card = pm.customer === customerId || (pm.customer as { id?: string } | null)?.id === customerId;
    if (card && summary(pm)) return summary(pm);
  }
  const cards = await ctx.stripe.customers.listPaymentMethods(customerId, { type: "card", limit: 1 });
  const newest = cards.data[0];
  return newest ? summary(newest) : null;
}

// The Stripe Customer Portal: managing the subscription (cancel, payment method, invoices) and
// changing plan. Plan changes go through the portal's `subscription_update_confirm` flow with the
// chosen price, so Stripe applies its proration rules and the change arrives as
// customer.subscription.updated (and invoice.paid when prorations are invoiced at once).
import type { BillingContext } from "./context";
import { ensureCustomer, type CustomerOwner } from "./customer";
import { portalReturnUrl as returnUrl } from "./urls";

export async function portalUrl(ctx: BillingContext, customerId: string): Promise<string> {
  const session = await ctx.stripe.billingPortal.sessions.create({ customer: customerId, return_url: returnUrl(ctx.appUrl) });
  return session.url;
}

/** The portal, opened on the confirmation of a switch of `subscriptionId` to `priceId`. */
export async function planChangeUrl(ctx: BillingContext, customerId: string, subscriptionId: string, priceId: string): Promise<string> {
  const subscription = await ctx.stripe.subscriptions.retrieve(subscriptionId);
  const item = subscription.items.data[0];
  if (!item) throw new Error(`subscription ${subscriptionId} has no item`);
  const session = await ctx.stripe.billingPortal.sessions.create({
    customer: customerId,
    return_url: returnUrl(ctx.appUrl),
    flow_data: {
      type: "subscription_update_confirm",
      subscription_update_confirm: { subscription: subscriptionId, items: [{ id: item.id, price: priceId, quantity: 1 }] },
      after_completion: { type: "redirect", redirect: { return_url: returnUrl(ctx.appUrl) } },
    },
  });
  return session.url;
}

/** The portal for the signed-in user (creating their Stripe customer if they have none yet). */
export async function openPortal(ctx: BillingContext, user: CustomerOwner): Promise<string> {
  const customerId = await ensureCustomer(ctx, user, { verify: true });
  return portalUrl(ctx, customerId);
}

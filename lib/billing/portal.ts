// The Stripe Customer Portal: managing the subscription (cancel, payment method, invoices) and
// changing plan. Every session uses Tollgate's portal configuration (portal-configuration.ts, made
// by `stripe:sync`): an upgrade is invoiced and charged at once (`always_invoice`), a downgrade is
// scheduled for the end of the period. Plan changes go through the portal's
// `subscription_update_confirm` flow with the chosen price (the flow has no proration setting of
// its own: the configuration's applies), so the change arrives as customer.subscription.updated
// and, for an upgrade, a paid `subscription_update` invoice (invoice.paid) whose payment grants
// the extra allowance (plan-change.ts).
import type { BillingContext } from "./context";
import { ensureCustomer, type CustomerOwner } from "./customer";
import { findPortalConfiguration } from "./portal-configuration";
import { portalReturnUrl as returnUrl } from "./urls";
import { logger } from "../log";
import type { Locale } from "../i18n/config";

const log = logger("billing");

/**
 * Tollgate's portal configuration id; without one (`stripe:sync` never ran on this account) the
 * account's default is used, and said so in the log: plan changes then follow the Dashboard's
 * settings, and still grant extra tokens only for a paid proration invoice.
 */
async function configurationId(ctx: BillingContext): Promise<string | undefined> {
  const config = await findPortalConfiguration(ctx.stripe);
  if (!config)
    log.warn(
      { event: "portal_configuration_missing" },
      "no Tollgate portal configuration: run `npm run stripe:sync` (using the account's default portal settings)",
    );
  return config?.id;
}

/** The portal's URL; `locale` (the user's UI locale, a Stripe locale too) is the portal's language. */
export async function portalUrl(ctx: BillingContext, customerId: string, locale?: Locale): Promise<string> {
  const configuration = await configurationId(ctx);
  const session = await ctx.stripe.billingPortal.sessions.create({
    customer: customerId,
    return_url: returnUrl(ctx.appUrl),
    ...(configuration ? { configuration } : {}),
    ...(locale ? { locale } : {}),
  });
  return session.url;
}

/** The portal, opened on the confirmation of a switch of `subscriptionId` to `priceId`. */
export async function planChangeUrl(
  ctx: BillingContext,
  customerId: string,
  subscriptionId: string,
  priceId: string,
  locale?: Locale,
): Promise<string> {
  const subscription = await ctx.stripe.subscriptions.retrieve(subscriptionId);
  const item = subscription.items.data[0];
  if (!item) throw new Error(`subscription ${subscriptionId} has no item`);
  const configuration = await configurationId(ctx);
  const session = await ctx.stripe.billingPortal.sessions.create({
    customer: customerId,
    return_url: returnUrl(ctx.appUrl),
    ...(configuration ? { configuration } : {}),
    ...(locale ? { locale } : {}),
    flow_data: {
      type: "subscription_update_confirm",
      subscription_update_confirm: {
        subscription: subscriptionId,
        items: [{ id: item.id, price: priceId, quantity: 1 }],
      },
      after_completion: { type: "redirect", redirect: { return_url: returnUrl(ctx.appUrl) } },
    },
  });
  return session.url;
}

/** The portal for the signed-in user (creating their Stripe customer if they have none yet). */
export async function openPortal(ctx: BillingContext, user: CustomerOwner, locale?: Locale): Promise<string> {
  const customerId = await ensureCustomer(ctx, user, { verify: true });
  return portalUrl(ctx, customerId, locale);
}

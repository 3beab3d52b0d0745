// Starting a purchase: a Checkout Session for a plan (subscription mode) or a pack (payment mode).
// The price is looked up on the server by the catalog's lookup key; nothing from the browser but
// the plan or pack id is used. A current subscriber choosing another plan is sent to the Customer
// Portal's plan-update confirmation instead of a second checkout (one subscription per customer).
// The price found must sell exactly the catalog entry (amount, currency, interval, tokens): a stale
// price (`stripe:sync` failed or was not run after a pricing change) is refused with
// CatalogPriceMismatch before anything is created, so nobody is charged one price and shown another.
import { BILLING_INTERVALS, getActivePricing, type BillingInterval } from "../tokens/pricing-config";
import {
  CatalogPriceMismatch,
  findItem,
  META_ID,
  META_KIND,
  META_PRICING_VERSION,
  priceByLookupKey,
  priceDifferences,
  type CatalogKind,
} from "./catalog";
import type { BillingContext } from "./context";
import { ensureCustomer, META_USER, type CustomerOwner } from "./customer";
import { portalUrl, planChangeUrl } from "./portal";
import { isLive, syncSubscription } from "./sync-subscription";
import { taxMode } from "./tax";
import { cancelUrl, successUrl } from "./urls";
import type { Locale } from "../i18n/config";

/**
 * Every Checkout Session (plan or pack): Stripe Tax from the billing address, which is required and
 * saved on the customer with the name (so renewals are taxed the same way); a B2B buyer may enter
 * a VAT number (reverse charge); promotion codes are accepted. A coupon changes what is paid, never
 * what is granted: grants follow the price (effects.ts), not the amount.
 */
const TAX_AND_DISCOUNTS = {
  automatic_tax: { enabled: true },
  billing_address_collection: "required",
  customer_update: { address: "auto", name: "auto" },
  tax_id_collection: { enabled: true },
  allow_promotion_codes: true,
} as const;

/** The buyer has no token account yet (an unconfirmed address): checkout is refused. */
export class NoTokenAccount extends Error {
  constructor(readonly userId: string) {
    super(`user ${userId} has no token account (the address is not confirmed)`);
  }
}

export class UnknownCatalogItem extends Error {
  constructor(
    readonly kind: CatalogKind,
    readonly id: string,
  ) {
    super(`There is no ${kind} "${id}".`);
    this.name = "UnknownCatalogItem";
  }
}

/** A plan was asked for at a billing interval Tollgate does not sell (only month and year). */
export class UnknownBillingInterval extends Error {
  constructor(readonly interval: string) {
    super(`There is no billing interval "${interval}": choose month or year.`);
    this.name = "UnknownBillingInterval";
  }
}

export type CheckoutDestination =
  | { kind: "checkout"; url: string; sessionId: string }
  | { kind: "portal"; url: string; reason: "plan_change" | "same_plan" };

/**
 * Where the user goes to buy `item`: a new Checkout Session, or — for a subscriber choosing a plan —
 * the portal. The subscription is re-read from Stripe first, so a subscription whose webhooks have
 * not arrived yet still counts (no second subscription by a quick second click).
 */
export async function startCheckout(
  ctx: BillingContext,
  user: CustomerOwner,
  item: { kind: CatalogKind; id: string; interval?: BillingInterval },
  /** The user's UI locale: Stripe's hosted pages speak it too ('en' and 'fr' are Stripe locales). */
  locale?: Locale,
): Promise<CheckoutDestination> {
  // The interval picks a plan's price (monthly or yearly lookup key); anything else is refused.
  const interval = item.interval ?? "month";
  if (!BILLING_INTERVALS.includes(interval)) throw new UnknownBillingInterval(String(interval));
  // Tokens are granted into the token account, which exists once the address is confirmed
  // (lib/auth/email-verification.ts): nothing is sold before, so no payment can find no account.
  const account = await ctx.db.userTokenBalance.findUnique({ where: { userId: user.id }, select: { userId: true } });
  if (!account) throw new NoTokenAccount(user.id);
  const pricing = await getActivePricing(ctx.db);
  const entry = findItem(pricing, item.kind, item.id, interval);
  if (!entry) throw new UnknownCatalogItem(item.kind, item.id);
  const price = await priceByLookupKey(ctx.stripe, entry.lookupKey);
  const differences = priceDifferences(price, entry, ctx.taxMode ?? taxMode());
  if (differences.length > 0) throw new CatalogPriceMismatch(entry.lookupKey, differences);
  const customerId = await ensureCustomer(ctx, user, { verify: true });

  const metadata = {
    [META_USER]: user.id,
    [META_KIND]: entry.kind,
    [META_ID]: entry.id,
    // The version the price was created for (what its payment grants), else the active one.
    [META_PRICING_VERSION]: price.metadata?.[META_PRICING_VERSION] ?? String(pricing.version),
  };

  if (entry.kind === "plan") {
    const synced = await syncSubscription(ctx, customerId);
    const current = synced.ok ? synced.subscription : null;
    if (current && isLive(current.status) && current.stripeSubscriptionId) {
      // Same plan at the same interval: nothing to change (another interval is a plan change).
      if (current.planId === entry.id && (current.billingInterval ?? "month") === entry.recurring)
        return { kind: "portal", url: await portalUrl(ctx, customerId, locale), reason: "same_plan" };
      return {
        kind: "portal",
        url: await planChangeUrl(ctx, customerId, current.stripeSubscriptionId, price.id, locale),
        reason: "plan_change",
      };
    }
  }

  // A plan is a subscription, a pack a one-time payment; both carry our metadata down to the
  // object the webhooks will name (the subscription, or the payment intent).
  const session = await ctx.stripe.checkout.sessions.create({
    customer: customerId,
    client_reference_id: user.id,
    line_items: [{ price: price.id, quantity: 1 }],
    success_url: successUrl(ctx.appUrl),
    cancel_url: cancelUrl(ctx.appUrl),
    metadata,
    ...TAX_AND_DISCOUNTS,
    ...(locale ? { locale } : {}),
    ...(entry.kind === "plan"
      ? { mode: "subscription" as const, subscription_data: { metadata } }
      : {
          mode: "payment" as const,
          // The card is saved on the customer for later off-session payments: auto top-up
          // (lib/billing/auto-topup) charges it; Checkout tells the buyer it is saved.
          payment_intent_data: { metadata, setup_future_usage: "off_session" as const },
          invoice_creation: { enabled: true },
        }),
  });
  if (!session.url) throw new Error(`checkout session ${session.id} has no URL`);
  return { kind: "checkout", url: session.url, sessionId: session.id };
}

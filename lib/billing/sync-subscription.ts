// syncSubscription(customerId): the one writer of `user_subscriptions`' subscription columns.
//
// It never builds state from a webhook payload: it re-reads the customer's subscriptions from Stripe
// and writes what Stripe says now — the live subscription (active, trialing or past_due; the newest
// if there were ever more than one), else the newest ended one's status with no plan. Period dates
// come from the subscription item (recent API versions moved them off the subscription). The plan's
// allowance is the one of the price the subscription pays, in the version that price was created
// for (`offerOfPrice`), so the reset cron renews an old subscriber with the old allowance too.
//
// Convergent: safe to run any number of times, concurrently, and in any order relative to the
// events that triggered it — each run holds the user's billing lock from the read to the write, so
// a run that read Stripe earlier can never overwrite what a later run wrote, and the final row is
// always Stripe's latest state.
import type Stripe from "stripe";
import type { DbTx } from "../db/client";
import type { SubscriptionStatus, UserSubscription } from "../db/generated/client";
import { getActivePricing, type PricingConfig } from "../tokens/pricing-config";
import { itemRefOfPrice, offerOfPrice } from "./catalog";
import { withUserLock, type BillingContext } from "./context";
import { userIdForCustomer } from "./customer";

/** Statuses in which a subscription is the user's plan (past_due keeps the plan, without new allowance). */
export const LIVE_STATUSES: readonly SubscriptionStatus[] = ["active", "trialing", "past_due"];

export function isLive(status: SubscriptionStatus): boolean {
  return LIVE_STATUSES.includes(status);
}

export type SyncResult = { ok: true; userId: string; subscription: UserSubscription } | { ok: false; reason: "unknown_customer" };

/** Re-reads the customer's subscription from Stripe and writes `user_subscriptions`. See the header. */
export async function syncSubscription(ctx: BillingContext, customerId: string): Promise<SyncResult> {
  const userId = await userIdForCustomer(ctx, ctx.db, customerId);
  if (!userId) return { ok: false, reason: "unknown_customer" };
  const subscription = await withUserLock(ctx, userId, (tx) => syncSubscriptionLocked(ctx, tx, userId, customerId));
  return { ok: true, userId, subscription };
}

const STRIPE_STATUSES = new Set<string>(["incomplete", "incomplete_expired", "trialing", "active", "past_due", "canceled", "unpaid", "paused"]);

function toDate(seconds: number | null | undefined): Date | null {
  return typeof seconds === "number" ? new Date(seconds * 1000) : null;
}

/** The subscription that is the user's plan now: the newest live one, else the newest at all. */
export function pickSubscription(subscriptions: Stripe.Subscription[]): Stripe.Subscription | null {
  const newestFirst = [...subscriptions].sort((a, b) => b.created - a.created);
  return newestFirst.find((s) => LIVE_STATUSES.includes(s.status as SubscriptionStatus)) ?? newestFirst[0] ?? null;
}

/**
 * The plan change Stripe has scheduled for the subscription (the portal schedules a downgrade for
 * the end of the period through a subscription schedule): the next phase's plan and its start, or
 * nothing when no schedule or no change of plan is pending.
 */
async function scheduledChange(ctx: BillingContext, subscription: Stripe.Subscription, pricing: PricingConfig, currentPriceId: string | null): Promise<{ planId: string | null; at: Date | null }> {
  const none = { planId: null, at: null };
  const ref = subscription.schedule;
  if (!ref) return none;
  const schedule = typeof ref === "string" ? await ctx.stripe.subscriptionSchedules.retrieve(ref) : ref;
  if (schedule.status !== "active" || !schedule.current_phase) return none;
  const next = schedule.phases.find((phase) => phase.start_date === schedule.current_phase!.end_date);
  const priceRef = next?.items[0]?.price;
  const priceId = typeof priceRef === "string" ? priceRef : (priceRef?.id ?? null);
  if (!next || !priceId || priceId === currentPriceId) return none;
  const price = await ctx.stripe.prices.retrieve(priceId);
  const item = itemRefOfPrice(price, pricing);
  return item?.kind === "plan" ? { planId: item.id, at: new Date(next.start_date * 1000) } : none;
}

/** The same as syncSubscription, inside a transaction that already holds the user's billing lock. */
export async function syncSubscriptionLocked(ctx: BillingContext, tx: DbTx, userId: string, customerId: string): Promise<UserSubscription> {
  const list = await ctx.stripe.subscriptions.list({ customer: customerId, status: "all", limit: 100 });
  const subscription = pickSubscription(list.data);
  const pricing = await getActivePricing(tx);

  let state: Omit<UserSubscription, "userId" | "stripeCustomerId" | "createdAt" | "updatedAt">;
  const status = subscription && STRIPE_STATUSES.has(subscription.status) ? (subscription.status as SubscriptionStatus) : "none";
  if (subscription && isLive(status)) {
    const items = subscription.items.data;
    const planItem = items.find((item) => itemRefOfPrice(item.price, pricing)?.kind === "plan") ?? items[0];
    const ref = planItem ? itemRefOfPrice(planItem.price, pricing) : null;
    // A price whose metadata names a version without its plan leaves the allowance unknown here
    // (the cron then uses the active version's; invoice.paid refuses to guess and is retried),
    // rather than failing the sync the rest of billing needs.
    const offer =
      planItem && ref?.kind === "plan"
        ? await offerOfPrice(tx, planItem.price).catch((error: unknown) => {
            console.error(`[billing] subscription ${subscription.id}: ${error instanceof Error ? error.message : String(error)}`);
            return null;
          })
        : null;
    const scheduled = await scheduledChange(ctx, subscription, pricing, planItem?.price.id ?? null);
    state = {
      stripeSubscriptionId: subscription.id,
      stripePriceId: planItem?.price.id ?? null,
      planId: ref?.kind === "plan" ? ref.id : null,
      planAllowance: offer?.kind === "plan" ? offer.millitokens : null,
      planPricingVersion: offer?.kind === "plan" ? offer.pricingVersion : null,
      scheduledPlanId: scheduled.planId,
      scheduledChangeAt: scheduled.at,
      status,
      currentPeriodStart: toDate(planItem?.current_period_start),
      currentPeriodEnd: toDate(planItem?.current_period_end),
      cancelAtPeriodEnd: Boolean(subscription.cancel_at_period_end || subscription.cancel_at),
      canceledAt: toDate(subscription.canceled_at),
    };
  } else {
    // Nothing live: no plan (the reset cron gives the free tier from the next period). The ended
    // subscription's id and dates stay for reference.
    const item = subscription?.items.data[0];
    state = {
      stripeSubscriptionId: subscription?.id ?? null,
      stripePriceId: null,
      planId: null,
      planAllowance: null,
      planPricingVersion: null,
      scheduledPlanId: null,
      scheduledChangeAt: null,
      status,
      currentPeriodStart: toDate(item?.current_period_start),
      currentPeriodEnd: toDate(item?.current_period_end),
      cancelAtPeriodEnd: false,
      canceledAt: toDate(subscription?.canceled_at ?? subscription?.ended_at),
    };
  }

  return tx.userSubscription.upsert({
    where: { userId },
    create: { userId, stripeCustomerId: customerId, ...state },
    update: { stripeCustomerId: customerId, ...state },
  });
}

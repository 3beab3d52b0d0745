// syncSubscription(customerId): the one writer of `user_subscriptions`' subscription columns.
//
// It never builds state from a webhook payload: it re-reads the customer's subscriptions from Stripe
// and writes what Stripe says now — the live subscription (active, trialing or past_due; the newest
// if there were ever more than one), else the newest ended one's status with no plan. Period dates
// come from the subscription item (recent API versions moved them off the subscription). The plan's
// allowance is the one of the price the subscription pays, in the version that price was created
// for (`offerOfPrice`), so the reset cron renews an old subscriber with the old allowance too; a plan
// change Stripe has scheduled for the renewal (a downgrade) is recorded too. With the
// period it records the invoice that pays it (the subscription_create / subscription_cycle invoice
// whose plan line covers the period) and when that invoice was paid: an `active` status is no proof
// of payment (a SEPA / ACH debit still processing, `send_invoice`, `pause_collection` all stay
// active), so the reset cron grants a paid period only once `current_period_paid_at` is set.
//
// Stripe is read before any transaction (`readSubscription`), never while a pooled connection is
// held; the write (`syncSubscriptionLocked`) then runs under the user's billing lock and writes only
// if its read is not older than the one stored:
//
//   1. readAt := the database's clock_timestamp(), then read Stripe (no transaction open);
//   2. lock; if the row's stripe_read_at > readAt, a sync that began reading later already wrote:
//      keep its row; else write the state read, with stripe_read_at := readAt.
//
// Convergent: safe to run any number of times, concurrently, and in any order relative to the
// events that triggered it. Every change in Stripe is followed by an event, and that event's sync
// begins reading after the change, so it sees the change; a sync that began earlier can never
// overwrite it (step 2), and any sync that began later also saw it. So the row ends at Stripe's
// latest state. (Clock: one database clock for all instances, at microsecond resolution.)
import type Stripe from "stripe";
import type { DbTx } from "../db/client";
import type { SubscriptionStatus, UserSubscription } from "../db/generated/client";
import { getActivePricing } from "../tokens/pricing-config";
import { itemRefOfPrice, offerOfPrice } from "./catalog";
import { withUserLock, type BillingContext } from "./context";
import { userIdForCustomer } from "./customer";
import { logger } from "../log";
import { queueSubscriptionChangeMail, type SubscriptionState } from "../mail/notifications/billing";

const log = logger("billing");

/** Statuses in which a subscription is the user's plan (past_due keeps the plan, without new allowance). */
export const LIVE_STATUSES: readonly SubscriptionStatus[] = ["active", "trialing", "past_due"];

export function isLive(status: SubscriptionStatus): boolean {
  return LIVE_STATUSES.includes(status);
}

export type SyncResult =
  { ok: true; userId: string; subscription: UserSubscription } | { ok: false; reason: "unknown_customer" };

/** Re-reads the customer's subscription from Stripe and writes `user_subscriptions`. See the header. */
export async function syncSubscription(ctx: BillingContext, customerId: string): Promise<SyncResult> {
  const userId = await userIdForCustomer(ctx, ctx.db, customerId);
  if (!userId) return { ok: false, reason: "unknown_customer" };
  const read = await readSubscription(ctx, customerId);
  const subscription = await withUserLock(ctx, userId, (tx) => syncSubscriptionLocked(tx, userId, read));
  return { ok: true, userId, subscription };
}

const STRIPE_STATUSES = new Set<string>([
  "incomplete",
  "incomplete_expired",
  "trialing",
  "active",
  "past_due",
  "canceled",
  "unpaid",
  "paused",
]);
// subscription_update: a switch between monthly and yearly resets the anchor, and the invoice of
// that change has the new period's plan line (not a proration).
const PERIOD_REASONS = new Set(["subscription_create", "subscription_cycle", "subscription_update"]);

function toDate(seconds: number | null | undefined): Date | null {
  return typeof seconds === "number" ? new Date(seconds * 1000) : null;
}

/** The subscription that is the user's plan now: the newest live one, else the newest at all. */
export function pickSubscription(subscriptions: Stripe.Subscription[]): Stripe.Subscription | null {
  const newestFirst = [...subscriptions].sort((a, b) => b.created - a.created);
  return newestFirst.find((s) => LIVE_STATUSES.includes(s.status as SubscriptionStatus)) ?? newestFirst[0] ?? null;
}

/** What Stripe said about a customer's subscription, and when (database time) the read began. */
export interface SubscriptionRead {
  customerId: string;
  /** clock_timestamp() before the first Stripe request, as Postgres text (microseconds kept). */
  readAt: string;
  subscription: Stripe.Subscription | null;
  /** The invoice paying the live subscription's current period, when Stripe has one. */
  periodInvoice: { id: string; paidAt: Date | null } | null;
  /** The next phase of the live subscription's schedule (a downgrade the portal scheduled for the renewal). */
  scheduled: { price: Stripe.Price; at: Date } | null;
}

/** Reads the customer's subscription state from Stripe. No transaction is open meanwhile. */
export async function readSubscription(ctx: BillingContext, customerId: string): Promise<SubscriptionRead> {
  const [clock] = await ctx.db.$queryRaw<{ now: string }[]>`SELECT clock_timestamp()::text AS now`;
  const list = await ctx.stripe.subscriptions.list({
    customer: customerId,
    status: "all",
    limit: 100,
    expand: ["data.latest_invoice"],
  });
  const subscription = pickSubscription(list.data);
  const live =
    subscription && STRIPE_STATUSES.has(subscription.status) && isLive(subscription.status as SubscriptionStatus);
  const periodInvoice = live ? await findPeriodInvoice(ctx, subscription) : null;
  const scheduled = live ? await nextScheduledPhase(ctx, subscription) : null;
  return { customerId, readAt: clock!.now, subscription, periodInvoice, scheduled };
}

/**
 * The phase Stripe has scheduled after the current one (the portal schedules a downgrade for the end
 * of the period through a subscription schedule): its price and start, or null when no schedule is
 * active or it has no next phase. Stripe reads only; which plan that is, is decided under the lock.
 */
async function nextScheduledPhase(
  ctx: BillingContext,
  subscription: Stripe.Subscription,
): Promise<SubscriptionRead["scheduled"]> {
  const ref = subscription.schedule;
  if (!ref) return null;
  const schedule = typeof ref === "string" ? await ctx.stripe.subscriptionSchedules.retrieve(ref) : ref;
  if (schedule.status !== "active" || !schedule.current_phase) return null;
  const next = schedule.phases.find((phase) => phase.start_date === schedule.current_phase!.end_date);
  const priceRef = next?.items[0]?.price;
  if (!next || !priceRef) return null;
  const price = typeof priceRef === "string" ? await ctx.stripe.prices.retrieve(priceRef) : priceRef;
  return "deleted" in price && price.deleted
    ? null
    : { price: price as Stripe.Price, at: new Date(next.start_date * 1000) };
}

/** Does `invoice` pay the period starting at `start` (a create / cycle invoice with a plan line for it)? */
function paysPeriod(invoice: Stripe.Invoice, start: number): boolean {
  if (!invoice.billing_reason || !PERIOD_REASONS.has(invoice.billing_reason)) return false;
  return (invoice.lines?.data ?? []).some(
    (line) => !line.parent?.subscription_item_details?.proration && line.period.start === start,
  );
}

/**
 * The invoice of the subscription's current period: usually its latest invoice; after a mid-period
 * proration invoice, the newest create / cycle invoice for the period. Null when none exists.
 */
async function findPeriodInvoice(
  ctx: BillingContext,
  subscription: Stripe.Subscription,
): Promise<SubscriptionRead["periodInvoice"]> {
  const start = Math.min(...subscription.items.data.map((item) => item.current_period_start));
  if (!Number.isFinite(start)) return null;
  const latest = subscription.latest_invoice;
  let invoice = latest && typeof latest !== "string" && paysPeriod(latest, start) ? latest : null;
  if (!invoice) {
    const recent = await ctx.stripe.invoices.list({ subscription: subscription.id, limit: 10 });
    invoice = recent.data.find((candidate) => paysPeriod(candidate, start)) ?? null;
  }
  if (!invoice) return null;
  const paid = invoice.status === "paid";
  return {
    id: invoice.id,
    paidAt: paid ? (toDate(invoice.status_transitions?.paid_at) ?? new Date(invoice.created * 1000)) : null,
  };
}

/**
 * Writes what `read` saw into `user_subscriptions`, inside a transaction that holds the user's
 * billing lock — unless a sync whose read began later already wrote (then that row is returned).
 */
export async function syncSubscriptionLocked(
  tx: DbTx,
  userId: string,
  read: SubscriptionRead,
): Promise<UserSubscription> {
  const { customerId, subscription } = read;
  const [stored] = await tx.$queryRaw<{ newer: boolean }[]>`
    SELECT stripe_read_at IS NOT NULL AND stripe_read_at > ${read.readAt}::timestamptz AS newer
    FROM user_subscriptions WHERE user_id = ${userId}`;
  if (stored?.newer) return tx.userSubscription.findUniqueOrThrow({ where: { userId } });

  const previous = stored ? await tx.userSubscription.findUnique({ where: { userId } }) : null;
  const pricing = await getActivePricing(tx);
  let state: Omit<UserSubscription, "userId" | "stripeCustomerId" | "createdAt" | "updatedAt" | "stripeReadAt">;
  const status =
    subscription && STRIPE_STATUSES.has(subscription.status) ? (subscription.status as SubscriptionStatus) : "none";
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
            log.error({ event: "plan_offer_unreadable", subscriptionId: subscription.id, err: error });
            return null;
          })
        : null;
    const next = read.scheduled && read.scheduled.price.id !== planItem?.price.id ? read.scheduled : null;
    const nextRef = next ? itemRefOfPrice(next.price, pricing) : null;
    state = {
      stripeSubscriptionId: subscription.id,
      stripePriceId: planItem?.price.id ?? null,
      planId: ref?.kind === "plan" ? ref.id : null,
      planAllowance: offer?.kind === "plan" ? offer.millitokens : null,
      planPricingVersion: offer?.kind === "plan" ? offer.pricingVersion : null,
      scheduledPlanId: nextRef?.kind === "plan" ? nextRef.id : null,
      scheduledChangeAt: nextRef?.kind === "plan" ? next!.at : null,
      status,
      currentPeriodStart: toDate(planItem?.current_period_start),
      currentPeriodEnd: toDate(planItem?.current_period_end),
      cancelAtPeriodEnd: Boolean(subscription.cancel_at_period_end || subscription.cancel_at),
      canceledAt: toDate(subscription.canceled_at),
      currentPeriodInvoiceId: read.periodInvoice?.id ?? null,
      currentPeriodPaidAt: read.periodInvoice?.paidAt ?? null,
      billingInterval: planItem?.price.recurring?.interval ?? null,
      billingCycleAnchor: toDate(subscription.billing_cycle_anchor),
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
      currentPeriodInvoiceId: null,
      currentPeriodPaidAt: null,
      billingInterval: null,
      billingCycleAnchor: null,
    };
  }

  await tx.userSubscription.upsert({
    where: { userId },
    create: { userId, stripeCustomerId: customerId, ...state },
    update: { stripeCustomerId: customerId, ...state },
  });
  await tx.$executeRaw`UPDATE user_subscriptions SET stripe_read_at = ${read.readAt}::timestamptz WHERE user_id = ${userId}`;
  // The subscriber's mail about what changed, in this transaction (so one per change: the next
  // sync of the same state finds it stored and sees no change).
  const planName = (id: string | null) => pricing.plans.find((plan) => plan.id === id)?.name ?? id;
  await queueSubscriptionChangeMail(tx, userId, previous && notifiedState(previous), notifiedState(state), {
    planName: planName(state.planId),
    previousPlanName: planName(previous?.planId ?? null),
    stamp: read.readAt,
  });
  return tx.userSubscription.findUniqueOrThrow({ where: { userId } });
}

/** What the subscription mails compare (lib/mail/notifications/billing.ts). */
function notifiedState(
  row: Omit<UserSubscription, "userId" | "stripeCustomerId" | "createdAt" | "updatedAt" | "stripeReadAt">,
): SubscriptionState {
  return {
    subscriptionId: row.stripeSubscriptionId,
    live: isLive(row.status),
    active: row.status === "active" || row.status === "trialing",
    planId: row.planId,
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    currentPeriodStart: row.currentPeriodStart,
    currentPeriodEnd: row.currentPeriodEnd,
    canceledAt: row.canceledAt,
  };
}

// What the subscription settings page shows: the user's subscription row, balance and its status,
// the catalog with each plan's relation to the current one, and each plan's and pack's price per
// 1,000 tokens. All the arithmetic of the page is here (app/ only shapes it).
import type { DbTx } from "../db/client";
import type { UserSubscription } from "../db/generated/client";
import { balance, type Balance } from "../tokens/ledger";
import { getActivePricing, type Pack, type Plan, type PricingConfig } from "../tokens/pricing-config";
import { balanceStatus, lowThreshold, type BalanceStatus } from "../tokens/status";
import { tokensToMillitokens } from "../tokens/units";
import { pricingVersion } from "./catalog";
import { isLive } from "./sync-subscription";

/** How a plan relates to the user's live plan: the button it gets. */
export type PlanRelation = "subscribe" | "current" | "upgrade" | "downgrade";

export interface PlanOption {
  plan: Plan;
  relation: PlanRelation;
}

/** What the page says about the subscription's state. */
export type SubscriptionState =
  | { kind: "free" }
  | { kind: "active"; renewsAt: Date | null; trial: boolean }
  /** Live, but the current period's invoice is not paid yet (a debit processing, an open invoice, collection paused): no allowance until it is. */
  | { kind: "awaiting_payment"; periodStart: Date | null }
  | { kind: "cancelling"; endsAt: Date }
  | { kind: "past_due" }
  | { kind: "ended"; status: string };

export interface SubscriptionOverview {
  pricing: PricingConfig;
  balance: Balance | null;
  subscription: UserSubscription | null;
  /** The live plan's id (active, trialing or past_due), or null on the free tier. */
  livePlanId: string | null;
  livePlan: Plan | null;
  /** A plan change Stripe has scheduled for the renewal (a downgrade), or null. */
  scheduledChange: { plan: Plan; at: Date } | null;
  state: SubscriptionState;
  /** The allowance granted each period: the live plan's, or the free tier's (millitokens). */
  periodAllowance: bigint;
  /** Status of the available balance relative to the period allowance. */
  status: BalanceStatus;
  /** Available below this is "low" (millitokens). */
  lowBelow: bigint;
  plans: PlanOption[];
  packs: Pack[];
}

/**
 * Upgrade or downgrade is decided by the monthly allowance (what the user gets), then the price;
 * the billing flow grants an upgrade's difference once its pro-rated charge is paid
 * (lib/billing/plan-change.ts) and applies a downgrade at renewal.
 */
export function planRelation(plan: Plan, live: Plan | null): PlanRelation {
  if (!live) return "subscribe";
  if (plan.id === live.id) return "current";
  const more =
    plan.tokensPerMonth !== live.tokensPerMonth
      ? plan.tokensPerMonth > live.tokensPerMonth
      : plan.priceCents > live.priceCents;
  return more ? "upgrade" : "downgrade";
}

export function subscriptionState(subscription: UserSubscription | null): SubscriptionState {
  if (!subscription || subscription.status === "none") return { kind: "free" };
  if (subscription.status === "past_due") return { kind: "past_due" };
  if (subscription.status === "active" || subscription.status === "trialing") {
    if (!subscription.currentPeriodPaidAt)
      return { kind: "awaiting_payment", periodStart: subscription.currentPeriodStart };
    if (subscription.cancelAtPeriodEnd && subscription.currentPeriodEnd)
      return { kind: "cancelling", endsAt: subscription.currentPeriodEnd };
    return { kind: "active", renewsAt: subscription.currentPeriodEnd, trial: subscription.status === "trialing" };
  }
  return { kind: "ended", status: subscription.status };
}

export async function subscriptionOverview(tx: DbTx, userId: string): Promise<SubscriptionOverview> {
  const [pricing, current, subscription] = await Promise.all([
    getActivePricing(tx),
    balance(tx, userId),
    tx.userSubscription.findUnique({ where: { userId } }),
  ]);
  const livePlanId = subscription && isLive(subscription.status) ? subscription.planId : null;
  // The plan as the subscriber pays it: the pricing version of their price (a subscriber on an
  // older price keeps its amount and allowance until they change plan), else today's catalog.
  const paidVersion =
    livePlanId && subscription?.planPricingVersion ? await pricingVersion(tx, subscription.planPricingVersion) : null;
  const livePlan =
    paidVersion?.plans.find((p) => p.id === livePlanId) ?? pricing.plans.find((p) => p.id === livePlanId) ?? null;
  const periodAllowance = livePlan ? tokensToMillitokens(livePlan.tokensPerMonth) : pricing.freeTierMillitokens;
  const scheduledPlan =
    livePlanId && subscription?.scheduledPlanId
      ? pricing.plans.find((p) => p.id === subscription.scheduledPlanId)
      : undefined;
  const scheduledChange =
    scheduledPlan && subscription?.scheduledChangeAt
      ? { plan: scheduledPlan, at: subscription.scheduledChangeAt }
      : null;
  return {
    pricing,
    balance: current,
    subscription,
    livePlanId,
    livePlan,
    scheduledChange,
    state: subscriptionState(subscription),
    periodAllowance,
    status: balanceStatus(current?.available ?? 0n, periodAllowance),
    lowBelow: lowThreshold(periodAllowance),
    plans: pricing.plans.map((plan) => ({ plan, relation: planRelation(plan, livePlan) })),
    packs: pricing.packs,
  };
}

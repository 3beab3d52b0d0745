// What the subscription settings page shows: the user's subscription row, balance and the catalog.
import type { DbTx } from "../db/client";
import type { UserSubscription } from "../db/generated/client";
import { balance, type Balance } from "../tokens/ledger";
import { getActivePricing, type PricingConfig } from "../tokens/pricing-config";
import { isLive } from "./sync-subscription";

export interface SubscriptionOverview {
  pricing: PricingConfig;
  balance: Balance | null;
  subscription: UserSubscription | null;
  /** The live plan's id (active, trialing or past_due), or null on the free tier. */
  livePlanId: string | null;
}

export async function subscriptionOverview(tx: DbTx, userId: string): Promise<SubscriptionOverview> {
  const [pricing, current, subscription] = await Promise.all([
    getActivePricing(tx),
    balance(tx, userId),
    tx.userSubscription.findUnique({ where: { userId } }),
  ]);
  const livePlanId = subscription && isLive(subscription.status) ? subscription.planId : null;
  return { pricing, balance: current, subscription, livePlanId };
}

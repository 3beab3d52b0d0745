// What the signed-in shell shows about a user's tokens: the balance, and its status relative to the
// allowance the user gets each period.
import type { DbTx } from "../db/client";
import { balance, type Balance } from "./ledger";
import { getActivePricing } from "./pricing-config";
import { balanceStatus, type BalanceStatus } from "./status";
import { tokensToMillitokens } from "./units";

export interface AccountSummary {
  balance: Balance;
  status: BalanceStatus;
  /** The allowance granted each period: the plan's, or the free tier's. */
  periodAllowance: bigint;
  planName: string | null;
}

export async function accountSummary(tx: DbTx, userId: string): Promise<AccountSummary | null> {
  const [current, subscription, pricing] = await Promise.all([
    balance(tx, userId),
    tx.userSubscription.findUnique({ where: { userId } }),
    getActivePricing(tx),
  ]);
  if (!current) return null;
  const live = subscription && ["active", "trialing", "past_due"].includes(subscription.status);
  const plan = live ? pricing.plans.find((p) => p.id === subscription.planId) : undefined;
  const periodAllowance = plan ? tokensToMillitokens(plan.tokensPerMonth) : pricing.freeTierMillitokens;
  return {
    balance: current,
    status: balanceStatus(current.available, periodAllowance),
    periodAllowance,
    planName: plan?.name ?? null,
  };
}

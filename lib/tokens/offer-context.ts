// What the 402 dialog needs to suggest a purchase (lib/tokens/offers.ts): the catalogue of the
// active pricing and the user's live plan. Read once per render of the signed-in shell.
import type { DbTx } from "../db/client";
import type { OfferAccount, OfferCatalog } from "./offers";
import { getActivePricing } from "./pricing-config";

const LIVE = ["active", "trialing", "past_due"];
const GRANTS_UPGRADES = ["active", "trialing"];

export async function offerContext(
  tx: DbTx,
  userId: string,
): Promise<{ catalog: OfferCatalog; account: OfferAccount }> {
  const [pricing, subscription] = await Promise.all([
    getActivePricing(tx),
    tx.userSubscription.findUnique({ where: { userId } }),
  ]);
  const live = subscription && LIVE.includes(subscription.status) && subscription.planId ? subscription : null;
  return {
    catalog: {
      currency: pricing.currency,
      plans: pricing.plans.map(({ id, name, priceCents, tokensPerMonth }) => ({
        id,
        name,
        priceCents,
        tokensPerMonth,
      })),
      packs: pricing.packs.map(({ id, name, priceCents, tokens, bonusPercent }) => ({
        id,
        name,
        priceCents,
        tokens,
        bonusPercent,
      })),
    },
    account: { planId: live?.planId ?? null, upgradesGrantNow: Boolean(live && GRANTS_UPGRADES.includes(live.status)) },
  };
}

// Which plan an allowance grant was for. Allowance rows record the pricing version and the amount,
// not the plan (the ledger knows nothing of plans); within one pricing version each plan has its
// own monthly allowance, so (version, amount) names it. Plans that share an allowance would be
// ambiguous: then no name is given rather than a wrong one.
import type { DbTx } from "../db/client";
import { parsePricingRow, type PricingConfig } from "../tokens/pricing-config";
import { tokensToMillitokens } from "../tokens/units";
import type { PlanNameResolver } from "./describe";

export function planNameResolver(pricings: readonly Pick<PricingConfig, "version" | "plans">[]): PlanNameResolver {
  const newestFirst = [...pricings].sort((a, b) => b.version - a.version);
  const nameIn = (pricing: Pick<PricingConfig, "plans">, amount: bigint): string | null | undefined => {
    const matches = pricing.plans.filter((plan) => tokensToMillitokens(plan.tokensPerMonth) === amount);
    if (matches.length === 0) return undefined;
    return matches.length === 1 ? matches[0]!.name : null;
  };
  return (version, amount) => {
    const own = version === null ? undefined : newestFirst.find((p) => p.version === version);
    if (own) return nameIn(own, amount) ?? null;
    // Unknown version: the newest version with a plan of that allowance.
    for (const pricing of newestFirst) {
      const name = nameIn(pricing, amount);
      if (name !== undefined) return name;
    }
    return null;
  };
}

/** The resolver over every pricing version (a handful of rows). */
export async function loadPlanNames(tx: DbTx): Promise<PlanNameResolver> {
  const rows = await tx.tokenPricingConfig.findMany({ orderBy: { version: "desc" } });
  return planNameResolver(rows.map(parsePricingRow));
}

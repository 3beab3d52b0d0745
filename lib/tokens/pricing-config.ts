// Versioned pricing (`token_pricing_config`): plans, packs, the free tier and the token's value.
// The JSON columns are validated here, so a bad row is a clear error, never a wrong price.
import { z } from "zod";
import type { DbTx } from "../db/client";
import { CATALOGUE_VERSION } from "./cost/catalogue-version";
import { tokensToMillitokens } from "./units";

const slug = z.string().regex(/^[a-z0-9_]+$/, "must be lower-case letters, digits and _");

export const planSchema = z.object({
  id: slug,
  name: z.string().min(1),
  priceCents: z.number().int().positive(),
  tokensPerMonth: z.number().int().positive(),
  /** Stripe price lookup key; prices are always found by it, never by an id from the browser. */
  lookupKey: z.string().min(1),
  /** The yearly price in cents; absent = 10 × the monthly price (`yearlyPriceCents`). */
  yearlyPriceCents: z.number().int().positive().optional(),
  /** The yearly price's lookup key; absent = derived from the monthly one (`yearlyLookupKey`). */
  yearlyLookupKey: z.string().min(1).optional(),
});

export const packSchema = z.object({
  id: slug,
  name: z.string().min(1),
  priceCents: z.number().int().positive(),
  tokens: z.number().int().positive(),
  bonusPercent: z.number().int().min(0).max(100),
  lookupKey: z.string().min(1),
});

export type Plan = z.infer<typeof planSchema>;

/** How often a plan is billed. The allowance is monthly either way (a yearly plan grants it every month). */
export const BILLING_INTERVALS = ["month", "year"] as const;
export type BillingInterval = (typeof BILLING_INTERVALS)[number];

/** Months of allowance a yearly price buys for the price of this many months, by default. */
export const DEFAULT_YEARLY_MONTHS_PAID = 10;

/** A plan's yearly price in cents: its own, else 10 × the monthly price (integers only). */
export function yearlyPriceCents(plan: Pick<Plan, "priceCents" | "yearlyPriceCents">): number {
  return plan.yearlyPriceCents ?? plan.priceCents * DEFAULT_YEARLY_MONTHS_PAID;
}

/**
 * A plan's yearly lookup key: its own, else the monthly key with `_monthly` replaced by `_yearly`
 * (`tollgate_plan_pro_monthly` → `tollgate_plan_pro_yearly`), else the monthly key + `_yearly`.
 * The monthly key is never changed (existing subscriptions and checkouts use it).
 */
export function yearlyLookupKey(plan: Pick<Plan, "lookupKey" | "yearlyLookupKey">): string {
  if (plan.yearlyLookupKey) return plan.yearlyLookupKey;
  return plan.lookupKey.endsWith("_monthly")
    ? `${plan.lookupKey.slice(0, -"_monthly".length)}_yearly`
    : `${plan.lookupKey}_yearly`;
}

/** A plan's price and lookup key for an interval. */
export function planPriceFor(plan: Plan, interval: BillingInterval): { priceCents: number; lookupKey: string } {
  return interval === "year"
    ? { priceCents: yearlyPriceCents(plan), lookupKey: yearlyLookupKey(plan) }
    : { priceCents: plan.priceCents, lookupKey: plan.lookupKey };
}
export type Pack = z.infer<typeof packSchema>;

export interface PricingConfig {
  version: number;
  microUsdPerToken: number;
  freeTierMillitokens: bigint;
  currency: string;
  plans: Plan[];
  packs: Pack[];
  modelPriceOverrides: Record<string, unknown>;
}

/** The original system's pricing: version 1, seeded into every new database. */
export const DEFAULT_PRICING: Omit<PricingConfig, "version"> = {
  microUsdPerToken: 1000,
  freeTierMillitokens: tokensToMillitokens(100),
  currency: "eur",
  plans: [
    { id: "essential", name: "Essential", priceCents: 900, tokensPerMonth: 1_000 },
    { id: "pro", name: "Pro", priceCents: 1900, tokensPerMonth: 3_000 },
    { id: "elite", name: "Elite", priceCents: 2900, tokensPerMonth: 5_000 },
    { id: "champion", name: "Champion", priceCents: 3900, tokensPerMonth: 8_000 },
    { id: "master", name: "Master", priceCents: 4900, tokensPerMonth: 12_000 },
    { id: "legend", name: "Legend", priceCents: 5900, tokensPerMonth: 18_000 },
    { id: "titan", name: "Titan", priceCents: 9900, tokensPerMonth: 35_000 },
  ].map((plan) => ({ ...plan, lookupKey: `tollgate_plan_${plan.id}_monthly` })),
  packs: [
    { id: "starter", name: "Starter", priceCents: 1900, tokens: 2_000, bonusPercent: 0 },
    { id: "basic", name: "Basic", priceCents: 2900, tokens: 3_200, bonusPercent: 10 },
    { id: "plus", name: "Plus", priceCents: 4900, tokens: 5_700, bonusPercent: 15 },
    { id: "premium", name: "Premium", priceCents: 9900, tokens: 12_500, bonusPercent: 25 },
  ].map((pack) => ({ ...pack, lookupKey: `tollgate_pack_${pack.id}` })),
  modelPriceOverrides: {},
};

/** Ids and lookup keys must be unique across all plans and packs of a version. */
function uniqueIdsAndKeys(items: { id: string; lookupKey: string }[], ctx: z.RefinementCtx) {
  for (const field of ["id", "lookupKey"] as const) {
    const seen = new Set<string>();
    for (const item of items) {
      if (seen.has(item[field])) ctx.addIssue({ code: "custom", message: `duplicate ${field} "${item[field]}"` });
      seen.add(item[field]);
    }
  }
}

const catalogueSchema = z
  .object({ plans: z.array(planSchema).min(1), packs: z.array(packSchema) })
  .superRefine(({ plans, packs }, ctx) => {
    uniqueIdsAndKeys([...plans, ...packs], ctx);
    // A yearly key names one price only: no other yearly key, monthly key or pack key is the same.
    const others = new Set([...plans, ...packs].map((t) => t.lookupKey));
    for (const plan of plans) {
      const key = yearlyLookupKey(plan);
      if (others.has(key)) ctx.addIssue({ code: "custom", message: `duplicate lookupKey "${key}"` });
      others.add(key);
    }
  });

type PricingRow = {
  version: number;
  microUsdPerToken: number;
  freeTierMillitokens: bigint;
  currency: string;
  subscriptionPlans: unknown;
  tokenPacks: unknown;
  modelPriceOverrides: unknown;
};

export function parsePricingRow(row: PricingRow): PricingConfig {
  const where = `token_pricing_config version ${row.version}`;
  const plans = z.array(planSchema).safeParse(row.subscriptionPlans);
  if (!plans.success) throw new Error(`${where}: subscription_plans ${z.prettifyError(plans.error)}`);
  const packs = z.array(packSchema).safeParse(row.tokenPacks);
  if (!packs.success) throw new Error(`${where}: token_packs ${z.prettifyError(packs.error)}`);
  const catalogue = catalogueSchema.safeParse({ plans: plans.data, packs: packs.data });
  if (!catalogue.success) throw new Error(`${where}: ${z.prettifyError(catalogue.error)}`);
  return {
    version: row.version,
    microUsdPerToken: row.microUsdPerToken,
    freeTierMillitokens: row.freeTierMillitokens,
    currency: row.currency,
    plans: [...plans.data].sort((a, b) => a.priceCents - b.priceCents),
    packs: [...packs.data].sort((a, b) => a.priceCents - b.priceCents),
    modelPriceOverrides: (row.modelPriceOverrides ?? {}) as Record<string, unknown>,
  };
}

/** The newest pricing version. Throws if the database was never seeded. */
export async function getActivePricing(tx: DbTx): Promise<PricingConfig> {
  const row = await tx.tokenPricingConfig.findFirst({ orderBy: { version: "desc" } });
  if (!row) throw new Error("token_pricing_config is empty: run `npm run db:seed`.");
  return parsePricingRow(row);
}

/**
 * Inserts DEFAULT_PRICING as version 1 when no pricing exists. Convergent: running it again, or
 * from two processes at once, leaves exactly one version 1 and never touches later versions.
 */
export async function seedPricing(tx: DbTx): Promise<{ created: boolean }> {
  const { count } = await tx.tokenPricingConfig.createMany({
    data: [
      {
        version: 1,
        microUsdPerToken: DEFAULT_PRICING.microUsdPerToken,
        freeTierMillitokens: DEFAULT_PRICING.freeTierMillitokens,
        currency: DEFAULT_PRICING.currency,
        subscriptionPlans: DEFAULT_PRICING.plans,
        tokenPacks: DEFAULT_PRICING.packs,
        modelPriceOverrides: {},
        catalogueVersion: CATALOGUE_VERSION,
        note: "Seed: the original system's plans and packs",
      },
    ],
    skipDuplicates: true,
  });
  return { created: count === 1 };
}

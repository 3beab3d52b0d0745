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
  .superRefine(({ plans, packs }, ctx) => uniqueIdsAndKeys([...plans, ...packs], ctx));

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

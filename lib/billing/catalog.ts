// The catalog Tollgate sells, from `token_pricing_config`: seven monthly plans and four one-time
// packs, each with a Stripe lookup key. Prices are always found on the server by lookup key — a
// price id from the browser is never trusted — and a Stripe price is mapped back to a plan or pack
// by the metadata `stripe:sync` writes on it (the lookup key moves to a new price when an amount
// changes, but the old price, which existing subscriptions keep, still names its plan).
import type Stripe from "stripe";
import type { DbTx } from "../db/client";
import { getActivePricing, parsePricingRow, type Pack, type Plan, type PricingConfig } from "../tokens/pricing-config";
import { tokensToMillitokens } from "../tokens/units";

export type CatalogKind = "plan" | "pack";

export interface CatalogItem {
  kind: CatalogKind;
  id: string;
  name: string;
  lookupKey: string;
  /** Price in the currency's smallest unit (cents). */
  unitAmount: number;
  currency: string;
  /** Plans renew monthly; packs are one-time. */
  recurring: "month" | null;
  /** Tokens per month (plan) or tokens bought (pack), as millitokens. */
  millitokens: bigint;
  /** Stripe product id, stable across price changes. */
  productId: string;
  description: string;
}

/** Metadata written on Tollgate's Stripe products and prices. */
export const META_KIND = "tollgate_kind";
export const META_ID = "tollgate_id";

export function planItem(plan: Plan, currency: string): CatalogItem {
  return {
    kind: "plan",
    id: plan.id,
    name: plan.name,
    lookupKey: plan.lookupKey,
    unitAmount: plan.priceCents,
    currency,
    recurring: "month",
    millitokens: tokensToMillitokens(plan.tokensPerMonth),
    productId: `tollgate_plan_${plan.id}`,
    description: `${plan.tokensPerMonth.toLocaleString("en-US")} tokens every month`,
  };
}

export function packItem(pack: Pack, currency: string): CatalogItem {
  return {
    kind: "pack",
    id: pack.id,
    name: `${pack.name} pack`,
    lookupKey: pack.lookupKey,
    unitAmount: pack.priceCents,
    currency,
    recurring: null,
    millitokens: tokensToMillitokens(pack.tokens),
    productId: `tollgate_pack_${pack.id}`,
    description: `${pack.tokens.toLocaleString("en-US")} tokens that never expire`,
  };
}

export function catalogItems(pricing: PricingConfig): CatalogItem[] {
  return [...pricing.plans.map((p) => planItem(p, pricing.currency)), ...pricing.packs.map((p) => packItem(p, pricing.currency))];
}

/** A catalog item of the active pricing by kind and id, or null. */
export function findItem(pricing: PricingConfig, kind: CatalogKind, id: string): CatalogItem | null {
  return catalogItems(pricing).find((item) => item.kind === kind && item.id === id) ?? null;
}

export class CatalogNotSynced extends Error {
  constructor(readonly lookupKey: string) {
    super(`No active Stripe price has the lookup key "${lookupKey}": run \`npm run stripe:sync\`.`);
    this.name = "CatalogNotSynced";
  }
}

/** The active price carrying `lookupKey` (server side only). Throws CatalogNotSynced when none does. */
export async function priceByLookupKey(stripe: Stripe, lookupKey: string): Promise<Stripe.Price> {
  const prices = await stripe.prices.list({ lookup_keys: [lookupKey], active: true, limit: 1 });
  const price = prices.data[0];
  if (!price) throw new CatalogNotSynced(lookupKey);
  return price;
}

/**
 * Which plan or pack a Stripe price sells: the metadata written by `stripe:sync`, else its lookup
 * key. Null for a price that is not Tollgate's.
 */
export function itemRefOfPrice(price: Pick<Stripe.Price, "metadata" | "lookup_key">, pricing: PricingConfig): { kind: CatalogKind; id: string } | null {
  const kind = price.metadata?.[META_KIND];
  const id = price.metadata?.[META_ID];
  if ((kind === "plan" || kind === "pack") && id) return { kind, id };
  const item = price.lookup_key ? catalogItems(pricing).find((i) => i.lookupKey === price.lookup_key) : undefined;
  return item ? { kind: item.kind, id: item.id } : null;
}

/** The pricing of `version`, or the active one when the version is unknown or absent. */
export async function pricingVersion(tx: DbTx, version: number | undefined): Promise<PricingConfig> {
  if (version !== undefined && Number.isInteger(version)) {
    const row = await tx.tokenPricingConfig.findUnique({ where: { version } });
    if (row) return parsePricingRow(row);
  }
  return getActivePricing(tx);
}

/**
 * A plan by id: from the active pricing, else the newest older version that still has it (a plan
 * retired from the catalog keeps its allowance for the subscribers it still has).
 */
export async function planById(tx: DbTx, id: string): Promise<{ plan: Plan; pricingVersion: number } | null> {
  const active = await getActivePricing(tx);
  const current = active.plans.find((p) => p.id === id);
  if (current) return { plan: current, pricingVersion: active.version };
  const rows = await tx.tokenPricingConfig.findMany({ orderBy: { version: "desc" }, where: { version: { lt: active.version } } });
  for (const row of rows) {
    const pricing = parsePricingRow(row);
    const plan = pricing.plans.find((p) => p.id === id);
    if (plan) return { plan, pricingVersion: pricing.version };
  }
  return null;
}

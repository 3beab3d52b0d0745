// The catalog Tollgate sells, from `token_pricing_config`: seven monthly plans and four one-time
// packs, each with a Stripe lookup key. Prices are always found on the server by lookup key — a
// price id from the browser is never trusted — and a Stripe price is mapped back to a plan or pack
// by the metadata `stripe:sync` writes on it (the lookup key moves to a new price when an amount
// or an allowance changes, but the old price, which existing subscriptions keep, still names its
// plan and the pricing version it was created for).
//
// What a payment grants follows the price that was paid, never the active version: `offerOfPrice`
// reads the price's `tollgate_pricing_version` and takes the plan's or pack's tokens from that
// version, so an admin raising an allowance changes nothing for subscribers still paying the old
// price (they get the new allowance when they change plan), and a pack bought at a stale price
// grants that price's tokens.
import type Stripe from "stripe";
import type { DbTx } from "../db/client";
import {
  getActivePricing,
  parsePricingRow,
  planPriceFor,
  type BillingInterval,
  type Pack,
  type Plan,
  type PricingConfig,
} from "../tokens/pricing-config";
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
  /** Plans renew monthly or yearly (the allowance is monthly either way); packs are one-time. */
  recurring: BillingInterval | null;
  /** Tokens per month (plan) or tokens bought (pack), as millitokens. */
  millitokens: bigint;
  /** The same in whole tokens (what `tollgate_tokens` on the Stripe price says). */
  tokens: number;
  /** Stripe product id, stable across price changes. */
  productId: string;
  description: string;
}

/** Metadata written on Tollgate's Stripe products and prices. */
export const META_KIND = "tollgate_kind";
export const META_ID = "tollgate_id";
/** The pricing version a price was created for (on prices, and on checkout sessions). */
export const META_PRICING_VERSION = "tollgate_pricing_version";
/** The tokens the price grants (per month for a plan), as a decimal string: a change makes a new price. */
export const META_TOKENS = "tollgate_tokens";

/** A plan's entry for one interval: one product per plan, one price per interval. */
export function planItem(plan: Plan, currency: string, interval: BillingInterval = "month"): CatalogItem {
  const { priceCents, lookupKey } = planPriceFor(plan, interval);
  return {
    kind: "plan",
    id: plan.id,
    name: plan.name,
    lookupKey,
    unitAmount: priceCents,
    currency,
    recurring: interval,
    millitokens: tokensToMillitokens(plan.tokensPerMonth),
    tokens: plan.tokensPerMonth,
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
    tokens: pack.tokens,
    productId: `tollgate_pack_${pack.id}`,
    description: `${pack.tokens.toLocaleString("en-US")} tokens that never expire`,
  };
}

export function catalogItems(pricing: PricingConfig): CatalogItem[] {
  return [
    ...pricing.plans.map((p) => planItem(p, pricing.currency)),
    ...pricing.packs.map((p) => packItem(p, pricing.currency)),
  ];
}

/** The yearly prices of the plans (same products as the monthly ones). */
export function yearlyPlanItems(pricing: PricingConfig): CatalogItem[] {
  return pricing.plans.map((p) => planItem(p, pricing.currency, "year"));
}

/** Every price `stripe:sync` keeps: the monthly plans and packs, then the yearly plans. */
export function allPriceItems(pricing: PricingConfig): CatalogItem[] {
  return [...catalogItems(pricing), ...yearlyPlanItems(pricing)];
}

/** A catalog item of the active pricing by kind and id (a plan at `interval`), or null. */
export function findItem(
  pricing: PricingConfig,
  kind: CatalogKind,
  id: string,
  interval: BillingInterval = "month",
): CatalogItem | null {
  if (kind === "plan") {
    const plan = pricing.plans.find((p) => p.id === id);
    return plan ? planItem(plan, pricing.currency, interval) : null;
  }
  return catalogItems(pricing).find((item) => item.kind === kind && item.id === id) ?? null;
}

export class CatalogNotSynced extends Error {
  constructor(readonly lookupKey: string) {
    super(`No active Stripe price has the lookup key "${lookupKey}": run \`npm run stripe:sync\`.`);
    this.name = "CatalogNotSynced";
  }
}

/**
 * The Stripe price found for a catalog entry does not sell what the entry says (another amount,
 * currency, interval or allowance): `stripe:sync` failed or was not run after a pricing change.
 * Checkout refuses rather than charge one thing and grant another.
 */
export class CatalogPriceMismatch extends Error {
  constructor(
    readonly lookupKey: string,
    readonly differences: string[],
  ) {
    super(
      `The Stripe price with the lookup key "${lookupKey}" differs from the catalog (${differences.join("; ")}): run \`npm run stripe:sync\`.`,
    );
    this.name = "CatalogPriceMismatch";
  }
}

/**
 * How a Stripe price differs from a catalog entry: amount, currency, interval, and — when the price
 * says what it grants (`tollgate_tokens`) — the tokens; with `taxBehavior` (TAX_MODE), its tax
 * behavior too. Empty when it sells exactly the entry.
 */
export function priceDifferences(
  price: Pick<Stripe.Price, "unit_amount" | "currency" | "recurring" | "metadata"> &
    Partial<Pick<Stripe.Price, "tax_behavior">>,
  item: CatalogItem,
  taxBehavior?: "inclusive" | "exclusive",
): string[] {
  const out: string[] = [];
  if (price.unit_amount !== item.unitAmount) out.push(`amount ${price.unit_amount} ≠ ${item.unitAmount}`);
  if (price.currency.toLowerCase() !== item.currency.toLowerCase())
    out.push(`currency ${price.currency} ≠ ${item.currency}`);
  const interval = price.recurring?.interval ?? null;
  if (interval !== item.recurring || (price.recurring?.interval_count ?? 1) !== 1)
    out.push(`interval ${interval ?? "one-time"} ≠ ${item.recurring ?? "one-time"}`);
  const tokens = price.metadata?.[META_TOKENS];
  if (tokens !== undefined && tokens !== String(item.tokens)) out.push(`tokens ${tokens} ≠ ${item.tokens}`);
  if (taxBehavior && price.tax_behavior !== taxBehavior)
    out.push(`tax behavior ${price.tax_behavior ?? "unspecified"} ≠ ${taxBehavior}`);
  return out;
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
export function itemRefOfPrice(
  price: Pick<Stripe.Price, "metadata" | "lookup_key">,
  pricing: PricingConfig,
): { kind: CatalogKind; id: string } | null {
  const kind = price.metadata?.[META_KIND];
  const id = price.metadata?.[META_ID];
  if ((kind === "plan" || kind === "pack") && id) return { kind, id };
  const item = price.lookup_key ? allPriceItems(pricing).find((i) => i.lookupKey === price.lookup_key) : undefined;
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

/** What a Stripe price sells, in the pricing version it was created for. */
export type PriceOffer =
  | { kind: "plan"; id: string; plan: Plan; pricingVersion: number; millitokens: bigint }
  | { kind: "pack"; id: string; pack: Pack; pricingVersion: number; millitokens: bigint };

type OfferPrice = Pick<Stripe.Price, "metadata" | "lookup_key" | "unit_amount" | "currency" | "created">;

function offerIn(pricing: PricingConfig, kind: CatalogKind, id: string): PriceOffer | null {
  if (kind === "plan") {
    const plan = pricing.plans.find((p) => p.id === id);
    return plan
      ? { kind, id, plan, pricingVersion: pricing.version, millitokens: tokensToMillitokens(plan.tokensPerMonth) }
      : null;
  }
  const pack = pricing.packs.find((p) => p.id === id);
  return pack
    ? { kind, id, pack, pricingVersion: pricing.version, millitokens: tokensToMillitokens(pack.tokens) }
    : null;
}

/**
 * What a paid Stripe price grants: the plan or pack its metadata names, in the pricing version it
 * was created for (`tollgate_pricing_version`, written by `stripe:sync`). A price from before that
 * metadata existed maps to the version it was created for as far as Stripe can tell: the newest
 * version saved before the price was created whose entry has the price's amount and currency; else
 * the newest with that amount; else the plan's newest version (`planById`). Null for a price that
 * is not Tollgate's. Throws when the named version does not hold the item (a corrupted catalog:
 * never grant a guess).
 */
export async function offerOfPrice(tx: DbTx, price: OfferPrice): Promise<PriceOffer | null> {
  const active = await getActivePricing(tx);
  const ref = itemRefOfPrice(price, active);
  if (!ref) return null;
  const version = Number(price.metadata?.[META_PRICING_VERSION]);
  if (Number.isInteger(version) && version > 0) {
    const row = version === active.version ? null : await tx.tokenPricingConfig.findUnique({ where: { version } });
    const pricing = version === active.version ? active : row ? parsePricingRow(row) : null;
    const offer = pricing ? offerIn(pricing, ref.kind, ref.id) : null;
    if (!offer) throw new Error(`price: ${ref.kind} "${ref.id}" is not in pricing version ${version}`);
    return offer;
  }
  // A price without the version: the version in force when it was made, at its amount.
  const rows = await tx.tokenPricingConfig.findMany({ orderBy: { version: "desc" } });
  const sameAmount = rows
    .map((row) => ({
      createdAt: row.createdAt,
      offer: offerIn(parsePricingRow(row), ref.kind, ref.id),
      currency: row.currency,
    }))
    .filter(({ offer, currency }) => {
      const cents = offer ? (offer.kind === "plan" ? offer.plan.priceCents : offer.pack.priceCents) : null;
      return offer && cents === price.unit_amount && currency.toLowerCase() === price.currency.toLowerCase();
    });
  // Stripe's `created` has whole seconds: a version saved within the price's second counts as before it.
  const before = sameAmount.find(({ createdAt }) => createdAt.getTime() < (price.created + 1) * 1000);
  const chosen = before ?? sameAmount[0];
  if (chosen?.offer) return chosen.offer;
  if (ref.kind === "plan") {
    const found = await planById(tx, ref.id);
    if (found)
      return {
        kind: "plan",
        id: ref.id,
        plan: found.plan,
        pricingVersion: found.pricingVersion,
        millitokens: tokensToMillitokens(found.plan.tokensPerMonth),
      };
  }
  return offerIn(active, ref.kind, ref.id);
}

/**
 * A plan by id: from the active pricing, else the newest older version that still has it (a plan
 * retired from the catalog keeps its allowance for the subscribers it still has). For display and
 * reports; what a payment grants comes from `offerOfPrice`.
 */
export async function planById(tx: DbTx, id: string): Promise<{ plan: Plan; pricingVersion: number } | null> {
  const active = await getActivePricing(tx);
  const current = active.plans.find((p) => p.id === id);
  if (current) return { plan: current, pricingVersion: active.version };
  const rows = await tx.tokenPricingConfig.findMany({
    orderBy: { version: "desc" },
    where: { version: { lt: active.version } },
  });
  for (const row of rows) {
    const pricing = parsePricingRow(row);
    const plan = pricing.plans.find((p) => p.id === id);
    if (plan) return { plan, pricingVersion: pricing.version };
  }
  return null;
}

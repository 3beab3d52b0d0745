// `npm run stripe:sync`: makes a Stripe account sell exactly the catalog of the active pricing.
// Idempotent by lookup key: a second run changes nothing. For each plan and pack —
//   product  id tollgate_plan_<id> / tollgate_pack_<id>: created if missing, renamed if its name changed;
//   price    found by lookup key: created if missing; unchanged if amount, currency, interval,
//            tokens (`tollgate_tokens`) and tax behavior (TAX_MODE: VAT inclusive or exclusive,
//            which Stripe never changes on a price once it is set) match; otherwise a new price is created and the lookup key
//            moved to it (`transfer_lookup_key`), and the old price archived — existing
//            subscriptions keep the old price (Stripe never changes a subscription's price on its
//            own) and with it the allowance of the version it was created for; new checkouts use
//            the new one, because prices are only ever found by lookup key.
//   portal   one Customer Portal configuration of Tollgate's (metadata `tollgate_portal`): plan
//            switches among the plans' current prices, upgrades invoiced at once
//            (`always_invoice`, so the extra allowance is granted only once paid), downgrades
//            scheduled at the end of the period (`schedule_at_period_end` on a decreasing amount).
// Every price and product carries `tollgate_kind` / `tollgate_id` metadata, which is how a price
// (even an archived one a subscription still has) is mapped back to its plan; every price also
// carries the pricing version it was created for (`tollgate_pricing_version`) and its tokens.
import type Stripe from "stripe";
import {
  allPriceItems,
  META_ID,
  META_KIND,
  META_PRICING_VERSION,
  META_TOKENS,
  priceDifferences,
  type CatalogItem,
} from "./catalog";
import { syncPortalConfiguration, type PortalAction } from "./portal-configuration";
import type { PricingConfig } from "../tokens/pricing-config";
import { taxMode, type TaxMode } from "./tax";

export type CatalogAction =
  | { action: "product_created" | "product_updated" | "product_unchanged"; productId: string }
  | { action: "price_created" | "price_unchanged" | "price_reactivated"; lookupKey: string; priceId: string }
  | { action: "price_replaced"; lookupKey: string; priceId: string; oldPriceId: string; from: string; to: string }
  | PortalAction;

function describe(a: CatalogAction): string {
  switch (a.action) {
    case "product_created":
      return `created product ${a.productId}`;
    case "product_updated":
      return `updated product ${a.productId}`;
    case "product_unchanged":
      return `product ${a.productId} unchanged`;
    case "price_created":
      return `created price ${a.priceId} (${a.lookupKey})`;
    case "price_unchanged":
      return `price ${a.priceId} (${a.lookupKey}) unchanged`;
    case "price_reactivated":
      return `reactivated price ${a.priceId} (${a.lookupKey})`;
    case "price_replaced":
      return `price of ${a.lookupKey} changed ${a.from} → ${a.to}: created ${a.priceId}, moved the lookup key from ${a.oldPriceId} (archived)`;
    case "portal_created":
      return `created portal configuration ${a.configurationId}`;
    case "portal_updated":
      return `updated portal configuration ${a.configurationId}`;
    case "portal_unchanged":
      return `portal configuration ${a.configurationId} unchanged`;
  }
}

function money(
  amount: number | null,
  currency: string,
  recurring: string | null | undefined,
  tokens?: string | number,
) {
  return `${((amount ?? 0) / 100).toFixed(2)} ${currency}${recurring ? `/${recurring}` : ""}${tokens !== undefined ? ` for ${tokens} tokens` : ""}`;
}

function metadataOf(item: CatalogItem): Record<string, string> {
  return { [META_KIND]: item.kind, [META_ID]: item.id };
}

async function syncProduct(stripe: Stripe, item: CatalogItem): Promise<CatalogAction> {
  let product: Stripe.Product | null = null;
  try {
    product = await stripe.products.retrieve(item.productId);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  if (!product) {
    await stripe.products.create(
      { id: item.productId, name: item.name, description: item.description, metadata: metadataOf(item) },
      { idempotencyKey: `tollgate-product-${item.productId}` },
    );
    return { action: "product_created", productId: item.productId };
  }
  if (
    product.name !== item.name ||
    product.description !== item.description ||
    !product.active ||
    product.metadata?.[META_ID] !== item.id
  ) {
    await stripe.products.update(item.productId, {
      name: item.name,
      description: item.description,
      active: true,
      metadata: metadataOf(item),
    });
    return { action: "product_updated", productId: item.productId };
  }
  return { action: "product_unchanged", productId: item.productId };
}

/**
 * A price sells the item as it is now: same amount, currency, interval, product and tokens. A price
 * that does not say its tokens (made before they were written) does not match: it is replaced, so
 * every price in use for new checkouts names the version it was created for.
 */
function matches(price: Stripe.Price, item: CatalogItem, taxBehavior: TaxMode): boolean {
  const productId = typeof price.product === "string" ? price.product : price.product.id;
  return (
    priceDifferences(price, item, taxBehavior).length === 0 &&
    price.metadata?.[META_TOKENS] !== undefined &&
    productId === item.productId
  );
}

function priceMetadata(item: CatalogItem, pricingVersion: number): Record<string, string> {
  return { ...metadataOf(item), [META_PRICING_VERSION]: String(pricingVersion), [META_TOKENS]: String(item.tokens) };
}

async function syncPrice(
  stripe: Stripe,
  item: CatalogItem,
  pricingVersion: number,
  taxBehavior: TaxMode,
): Promise<CatalogAction> {
  const existing = (await stripe.prices.list({ lookup_keys: [item.lookupKey], limit: 1 })).data[0];
  if (existing && matches(existing, item, taxBehavior)) {
    if (existing.active) return { action: "price_unchanged", lookupKey: item.lookupKey, priceId: existing.id };
    await stripe.prices.update(existing.id, { active: true });
    return { action: "price_reactivated", lookupKey: item.lookupKey, priceId: existing.id };
  }
  const created = await stripe.prices.create({
    product: item.productId,
    currency: item.currency,
    unit_amount: item.unitAmount,
    ...(item.recurring ? { recurring: { interval: item.recurring } } : {}),
    lookup_key: item.lookupKey,
    tax_behavior: taxBehavior,
    nickname: item.recurring === "year" ? `${item.name} (yearly)` : item.name,
    metadata: priceMetadata(item, pricingVersion),
    ...(existing ? { transfer_lookup_key: true } : {}),
  });
  if (!existing) return { action: "price_created", lookupKey: item.lookupKey, priceId: created.id };
  await stripe.prices.update(existing.id, { active: false });
  return {
    action: "price_replaced",
    lookupKey: item.lookupKey,
    priceId: created.id,
    oldPriceId: existing.id,
    from:
      money(existing.unit_amount, existing.currency, existing.recurring?.interval, existing.metadata?.[META_TOKENS]) +
      (existing.tax_behavior === taxBehavior ? "" : ` (tax ${existing.tax_behavior ?? "unspecified"})`),
    to:
      money(item.unitAmount, item.currency, item.recurring, item.tokens) +
      (existing.tax_behavior === taxBehavior ? "" : ` (tax ${taxBehavior})`),
  };
}

/**
 * Syncs every plan and pack of `pricing`, then the portal configuration that offers the plans'
 * prices; returns (and logs) what it did, in order.
 */
export async function syncCatalog(
  stripe: Stripe,
  pricing: PricingConfig,
  log: (line: string) => void = () => {},
  /** The prices' tax behavior; default TAX_MODE. */
  { taxBehavior = taxMode() }: { taxBehavior?: TaxMode } = {},
): Promise<CatalogAction[]> {
  const actions: CatalogAction[] = [];
  const record = (action: CatalogAction) => {
    actions.push(action);
    log(describe(action));
    return action;
  };
  const planPrices: { productId: string; priceId: string }[] = [];
  // Monthly plans and packs first, then the plans' yearly prices (same products, already synced).
  const synced = new Set<string>();
  for (const item of allPriceItems(pricing)) {
    if (!synced.has(item.productId)) record(await syncProduct(stripe, item));
    synced.add(item.productId);
    const price = record(await syncPrice(stripe, item, pricing.version, taxBehavior));
    if (item.kind === "plan" && "priceId" in price)
      planPrices.push({ productId: item.productId, priceId: price.priceId });
  }
  record(await syncPortalConfiguration(stripe, planPrices));
  return actions;
}

/** Counts for a one-line summary. */
export function summarize(actions: CatalogAction[]): string {
  const count = (...kinds: CatalogAction["action"][]) => actions.filter((a) => kinds.includes(a.action)).length;
  const portal = actions.find((a) => a.action.startsWith("portal_"));
  return `${count("product_created")} products created, ${count("product_updated")} updated; ${count("price_created")} prices created, ${count("price_replaced")} replaced, ${count("price_reactivated")} reactivated, ${count("price_unchanged")} unchanged${portal ? `; portal configuration ${portal.action.slice("portal_".length)}` : ""}`;
}

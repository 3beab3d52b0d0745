// `npm run stripe:sync`: makes a Stripe account sell exactly the catalog of the active pricing.
// Idempotent by lookup key: a second run changes nothing. For each plan and pack —
//   product  id tollgate_plan_<id> / tollgate_pack_<id>: created if missing, renamed if its name changed;
//   price    found by lookup key: created if missing; unchanged if amount, currency and interval
//            match; otherwise a new price is created and the lookup key moved to it
//            (`transfer_lookup_key`), and the old price archived — existing subscriptions keep the
//            old price (Stripe never changes a subscription's price on its own); new checkouts use
//            the new one, because prices are only ever found by lookup key.
// Every price and product carries `tollgate_kind` / `tollgate_id` metadata, which is how a price
// (even an archived one a subscription still has) is mapped back to its plan.
import type Stripe from "stripe";
import { catalogItems, META_ID, META_KIND, type CatalogItem } from "./catalog";
import type { PricingConfig } from "../tokens/pricing-config";

export type CatalogAction =
  | { action: "product_created" | "product_updated" | "product_unchanged"; productId: string }
  | { action: "price_created" | "price_unchanged" | "price_reactivated"; lookupKey: string; priceId: string }
  | { action: "price_replaced"; lookupKey: string; priceId: string; oldPriceId: string; from: string; to: string };

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
  }
}

function money(amount: number | null, currency: string, recurring: string | null | undefined) {
  return `${((amount ?? 0) / 100).toFixed(2)} ${currency}${recurring ? `/${recurring}` : ""}`;
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
  if (product.name !== item.name || product.description !== item.description || !product.active || product.metadata?.[META_ID] !== item.id) {
    await stripe.products.update(item.productId, { name: item.name, description: item.description, active: true, metadata: metadataOf(item) });
    return { action: "product_updated", productId: item.productId };
  }
  return { action: "product_unchanged", productId: item.productId };
}

function matches(price: Stripe.Price, item: CatalogItem): boolean {
  const productId = typeof price.product === "string" ? price.product : price.product.id;
  const interval = price.recurring?.interval ?? null;
  return (
    price.unit_amount === item.unitAmount &&
    price.currency.toLowerCase() === item.currency.toLowerCase() &&
    interval === item.recurring &&
    (price.recurring?.interval_count ?? 1) === 1 &&
    productId === item.productId
  );
}

async function syncPrice(stripe: Stripe, item: CatalogItem): Promise<CatalogAction> {
  const existing = (await stripe.prices.list({ lookup_keys: [item.lookupKey], limit: 1 })).data[0];
  if (existing && matches(existing, item)) {
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
    nickname: item.name,
    metadata: metadataOf(item),
    ...(existing ? { transfer_lookup_key: true } : {}),
  });
  if (!existing) return { action: "price_created", lookupKey: item.lookupKey, priceId: created.id };
  await stripe.prices.update(existing.id, { active: false });
  return {
    action: "price_replaced",
    lookupKey: item.lookupKey,
    priceId: created.id,
    oldPriceId: existing.id,
    from: money(existing.unit_amount, existing.currency, existing.recurring?.interval),
    to: money(item.unitAmount, item.currency, item.recurring),
  };
}

/** Syncs every plan and pack of `pricing`; returns (and logs) what it did, in order. */
export async function syncCatalog(stripe: Stripe, pricing: PricingConfig, log: (line: string) => void = () => {}): Promise<CatalogAction[]> {
  const actions: CatalogAction[] = [];
  for (const item of catalogItems(pricing)) {
    for (const step of [syncProduct, syncPrice]) {
      const action = await step(stripe, item);
      actions.push(action);
      log(describe(action));
    }
  }
  return actions;
}

/** Counts for a one-line summary. */
export function summarize(actions: CatalogAction[]): string {
  const count = (...kinds: CatalogAction["action"][]) => actions.filter((a) => kinds.includes(a.action)).length;
  return `${count("product_created")} products created, ${count("product_updated")} updated; ${count("price_created")} prices created, ${count("price_replaced")} replaced, ${count("price_reactivated")} reactivated, ${count("price_unchanged")} unchanged`;
}

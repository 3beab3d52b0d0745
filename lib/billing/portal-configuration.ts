// Tollgate's Customer Portal configuration, made by `stripe:sync` and used by every portal session
// Tollgate opens (found by its metadata, so a Dashboard default that prorates differently never
// applies to our sessions). It fixes how a plan change is billed, which is what makes the tokens
// of a plan change paid for:
//   - upgrades: `proration_behavior: always_invoice` — the pro-rated difference is invoiced and
//     charged at once (billing_reason `subscription_update`); its extra allowance is granted when
//     that invoice is paid (plan-change.ts). Under Stripe's default `create_prorations` the
//     difference would only be billed at renewal, and a downgrade before then would cancel it out.
//   - downgrades: `schedule_at_period_end` on `decreasing_item_amount` — Stripe keeps the current
//     price until the period ends and switches at renewal, so no credit for unused time is issued
//     (which could pay for the next upgrade's tokens a second time); the lower plan's allowance
//     starts with the renewal invoice that names it.
//   - the portal offers the plans' current prices only (the ones `stripe:sync` just made): per plan
//     product its monthly and its yearly price, so a subscriber can switch interval there too.
import type Stripe from "stripe";

/** Metadata that marks Tollgate's configuration. */
export const META_PORTAL = "tollgate_portal";
const PORTAL_ROLE = "plans";

export type PortalAction = {
  action: "portal_created" | "portal_updated" | "portal_unchanged";
  configurationId: string;
};

/** The plans' prices grouped by product, in first-seen order (Stripe wants one entry per product). */
function byProduct(planPrices: { productId: string; priceId: string }[]): { product: string; prices: string[] }[] {
  const out = new Map<string, string[]>();
  for (const p of planPrices) out.set(p.productId, [...(out.get(p.productId) ?? []), p.priceId]);
  return [...out].map(([product, prices]) => ({ product, prices }));
}

/** The features Tollgate's portal must have, for the plans' current prices. */
export function portalFeatures(
  planPrices: { productId: string; priceId: string }[],
): Stripe.BillingPortal.ConfigurationCreateParams.Features {
  return {
    invoice_history: { enabled: true },
    payment_method_update: { enabled: true },
    subscription_cancel: { enabled: true, mode: "at_period_end" },
    subscription_update: {
      enabled: true,
      default_allowed_updates: ["price"],
      products: byProduct(planPrices),
      proration_behavior: "always_invoice",
      schedule_at_period_end: { conditions: [{ type: "decreasing_item_amount" }] },
    },
  };
}

/** Tollgate's active portal configuration, or null when `stripe:sync` never made one. */
export async function findPortalConfiguration(stripe: Stripe): Promise<Stripe.BillingPortal.Configuration | null> {
  for await (const config of stripe.billingPortal.configurations.list({ active: true, limit: 100 })) {
    if (config.metadata?.[META_PORTAL] === PORTAL_ROLE) return config;
  }
  return null;
}

function sameFeatures(
  config: Stripe.BillingPortal.Configuration,
  planPrices: { productId: string; priceId: string }[],
): boolean {
  const update = config.features.subscription_update;
  const offered = (update.products ?? []).map((p) => `${p.product}:${[...p.prices].sort().join(",")}`).sort();
  const wanted = byProduct(planPrices)
    .map((p) => `${p.product}:${[...p.prices].sort().join(",")}`)
    .sort();
  const conditions = (update.schedule_at_period_end?.conditions ?? []).map((c) => c.type);
  return (
    update.enabled &&
    update.proration_behavior === "always_invoice" &&
    conditions.includes("decreasing_item_amount") &&
    update.default_allowed_updates.length === 1 &&
    update.default_allowed_updates[0] === "price" &&
    offered.join("|") === wanted.join("|") &&
    config.features.subscription_cancel.enabled &&
    config.features.subscription_cancel.mode === "at_period_end" &&
    config.features.invoice_history.enabled
  );
}

/** Creates Tollgate's portal configuration, or updates it to offer `planPrices` with the rules above. Idempotent. */
export async function syncPortalConfiguration(
  stripe: Stripe,
  planPrices: { productId: string; priceId: string }[],
): Promise<PortalAction> {
  const features = portalFeatures(planPrices);
  const existing = await findPortalConfiguration(stripe);
  if (!existing) {
    const created = await stripe.billingPortal.configurations.create({
      features,
      metadata: { [META_PORTAL]: PORTAL_ROLE },
      name: "Tollgate plans",
    });
    return { action: "portal_created", configurationId: created.id };
  }
  if (sameFeatures(existing, planPrices)) return { action: "portal_unchanged", configurationId: existing.id };
  await stripe.billingPortal.configurations.update(existing.id, { features });
  return { action: "portal_updated", configurationId: existing.id };
}

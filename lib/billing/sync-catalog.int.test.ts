// `stripe:sync` against the simulator: the first run creates everything (prices naming their
// pricing version and tokens, and Tollgate's portal configuration), the second changes nothing, a
// price or allowance change creates a new price and moves the lookup key (and the portal) to it.
// Each plan has a monthly and a yearly price (10 × monthly by default) on the same product.
import { describe, expect, it } from "vitest";
import { getActivePricing, type PricingConfig } from "../tokens/pricing-config";
import { allPriceItems, itemRefOfPrice, priceByLookupKey } from "./catalog";
import { startStripeSimulator } from "@/dev/stripe-simulator";
import { createStripeClient } from "./stripe";
import { findPortalConfiguration } from "./portal-configuration";
import { syncCatalog } from "./sync-catalog";
import { createTestDatabase } from "@/test/support/database";

describe("syncCatalog", () => {
  it("creates, then is a no-op, then moves a changed price's lookup key to a new price", async () => {
    const t = await createTestDatabase({ poolMax: 2 });
    const sim = await startStripeSimulator({
      port: 0,
      webhookUrl: "http://127.0.0.1:9/unused",
      webhookSecret: "whsec_unused",
    });
    try {
      const stripe = createStripeClient({ secretKey: "sk_test_sync", apiBase: sim.url });
      const pricing = await getActivePricing(t.db);
      const lines: string[] = [];

      const first = await syncCatalog(stripe, pricing, (line) => lines.push(line));
      expect(first.filter((a) => a.action === "product_created")).toHaveLength(11);
      expect(first.filter((a) => a.action === "price_created")).toHaveLength(18);
      expect(first.filter((a) => a.action === "portal_created")).toHaveLength(1);
      expect(lines).toContain("created product tollgate_plan_pro");
      for (const item of allPriceItems(pricing)) {
        const price = await priceByLookupKey(stripe, item.lookupKey);
        expect(price).toMatchObject({
          unit_amount: item.unitAmount,
          currency: "eur",
          product: item.productId,
          active: true,
        });
        // Each price names the pricing version it was made for and the tokens it grants.
        expect(price.metadata).toEqual({
          tollgate_kind: item.kind,
          tollgate_id: item.id,
          tollgate_pricing_version: String(pricing.version),
          tollgate_tokens: String(item.tokens),
        });
        expect(price.recurring?.interval ?? null).toBe(item.recurring);
        expect(itemRefOfPrice(price, pricing)).toEqual({ kind: item.kind, id: item.id });
      }

      const second = await syncCatalog(stripe, pricing);
      expect(second.map((a) => a.action).sort()).toEqual(
        ["portal_unchanged", ...Array(18).fill("price_unchanged"), ...Array(11).fill("product_unchanged")].sort(),
      );
      const portal = await findPortalConfiguration(stripe);
      expect(portal!.features.subscription_update).toMatchObject({
        enabled: true,
        default_allowed_updates: ["price"],
        proration_behavior: "always_invoice",
        schedule_at_period_end: { conditions: [{ type: "decreasing_item_amount" }] },
      });
      const planPrices = await Promise.all(
        pricing.plans.map(async (p) => ({
          product: `tollgate_plan_${p.id}`,
          prices: [
            (await priceByLookupKey(stripe, p.lookupKey)).id,
            (await priceByLookupKey(stripe, `tollgate_plan_${p.id}_yearly`)).id,
          ],
        })),
      );
      expect(portal!.features.subscription_update.products).toEqual(planPrices);
      const yearlyPro = await priceByLookupKey(stripe, "tollgate_plan_pro_yearly");
      expect(yearlyPro).toMatchObject({ unit_amount: 19_000, recurring: { interval: "year", interval_count: 1 } });

      const oldPro = await priceByLookupKey(stripe, "tollgate_plan_pro_monthly");
      const changed: PricingConfig = {
        ...pricing,
        version: pricing.version + 1,
        plans: pricing.plans.map((p) => (p.id === "pro" ? { ...p, priceCents: 2100 } : p)),
      };
      const third = await syncCatalog(stripe, changed, (line) => lines.push(line));
      const replaced = third.filter((a) => a.action === "price_replaced");
      expect(replaced).toEqual([
        {
          action: "price_replaced",
          lookupKey: "tollgate_plan_pro_monthly",
          priceId: expect.any(String),
          oldPriceId: oldPro.id,
          from: "19.00 eur/month for 3000 tokens",
          to: "21.00 eur/month for 3000 tokens",
        },
        {
          action: "price_replaced",
          lookupKey: "tollgate_plan_pro_yearly",
          priceId: expect.any(String),
          oldPriceId: yearlyPro.id,
          from: "190.00 eur/year for 3000 tokens",
          to: "210.00 eur/year for 3000 tokens",
        },
      ]);
      const newPro = await priceByLookupKey(stripe, "tollgate_plan_pro_monthly");
      expect(newPro.id).not.toBe(oldPro.id);
      expect(newPro.unit_amount).toBe(2100);
      const archived = await stripe.prices.retrieve(oldPro.id);
      expect(archived).toMatchObject({ active: false, lookup_key: null });
      // The old price (which existing subscriptions keep) still names its plan.
      expect(itemRefOfPrice(archived, changed)).toEqual({ kind: "plan", id: "pro" });
      expect(third.filter((a) => a.action === "price_unchanged")).toHaveLength(16);
      // The portal now offers the new price (subscribers switching plan pay today's amount).
      expect(third.filter((a) => a.action === "portal_updated")).toHaveLength(1);
      expect((await findPortalConfiguration(stripe))!.features.subscription_update.products).toContainEqual({
        product: "tollgate_plan_pro",
        prices: [newPro.id, (await priceByLookupKey(stripe, "tollgate_plan_pro_yearly")).id],
      });

      expect((await syncCatalog(stripe, changed)).every((a) => a.action.endsWith("_unchanged"))).toBe(true);

      // An allowance change alone (same amount) is a new price too: subscribers on the old one keep
      // the old allowance, new checkouts get the new one.
      const raised: PricingConfig = {
        ...changed,
        version: changed.version + 1,
        plans: changed.plans.map((p) => (p.id === "titan" ? { ...p, tokensPerMonth: 40_000 } : p)),
      };
      const oldTitan = await priceByLookupKey(stripe, "tollgate_plan_titan_monthly");
      const fourth = await syncCatalog(stripe, raised, (line) => lines.push(line));
      expect(fourth.filter((a) => a.action === "price_replaced")).toEqual([
        {
          action: "price_replaced",
          lookupKey: "tollgate_plan_titan_monthly",
          priceId: expect.any(String),
          oldPriceId: oldTitan.id,
          from: "99.00 eur/month for 35000 tokens",
          to: "99.00 eur/month for 40000 tokens",
        },
        {
          action: "price_replaced",
          lookupKey: "tollgate_plan_titan_yearly",
          priceId: expect.any(String),
          oldPriceId: expect.any(String),
          from: "990.00 eur/year for 35000 tokens",
          to: "990.00 eur/year for 40000 tokens",
        },
      ]);
      expect((await priceByLookupKey(stripe, "tollgate_plan_titan_monthly")).metadata).toMatchObject({
        tollgate_pricing_version: String(raised.version),
        tollgate_tokens: "40000",
      });
      expect((await stripe.prices.retrieve(oldTitan.id)).metadata).toMatchObject({
        tollgate_pricing_version: String(pricing.version),
        tollgate_tokens: "35000",
      });
    } finally {
      await sim.close();
      await t.drop();
    }
  });
});

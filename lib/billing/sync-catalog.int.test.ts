// `stripe:sync` against the simulator: the first run creates everything, the second changes
// nothing, a price change creates a new price and moves the lookup key to it.
import { describe, expect, it } from "vitest";
import { getActivePricing, type PricingConfig } from "../tokens/pricing-config";
import { catalogItems, itemRefOfPrice, priceByLookupKey } from "./catalog";
import { startStripeSimulator } from "./simulator";
import { createStripeClient } from "./stripe";
import { syncCatalog } from "./sync-catalog";
import { createTestDatabase } from "../../scripts/test/database";

describe("syncCatalog", () => {
  it("creates, then is a no-op, then moves a changed price's lookup key to a new price", async () => {
    const t = await createTestDatabase({ poolMax: 2 });
    const sim = await startStripeSimulator({ port: 0, webhookUrl: "http://127.0.0.1:9/unused", webhookSecret: "whsec_unused" });
    try {
      const stripe = createStripeClient({ secretKey: "sk_test_sync", apiBase: sim.url });
      const pricing = await getActivePricing(t.db);
      const lines: string[] = [];

      const first = await syncCatalog(stripe, pricing, (line) => lines.push(line));
      expect(first.filter((a) => a.action === "product_created")).toHaveLength(11);
      expect(first.filter((a) => a.action === "price_created")).toHaveLength(11);
      expect(lines).toContain("created product tollgate_plan_pro");
      for (const item of catalogItems(pricing)) {
        const price = await priceByLookupKey(stripe, item.lookupKey);
        expect(price).toMatchObject({ unit_amount: item.unitAmount, currency: "eur", product: item.productId, active: true });
        expect(price.recurring?.interval ?? null).toBe(item.recurring);
        expect(itemRefOfPrice(price, pricing)).toEqual({ kind: item.kind, id: item.id });
      }

      const second = await syncCatalog(stripe, pricing);
      expect(second.map((a) => a.action).sort()).toEqual([...Array(11).fill("price_unchanged"), ...Array(11).fill("product_unchanged")].sort());

      const oldPro = await priceByLookupKey(stripe, "tollgate_plan_pro_monthly");
      const changed: PricingConfig = {
        ...pricing,
        version: pricing.version + 1,
        plans: pricing.plans.map((p) => (p.id === "pro" ? { ...p, priceCents: 2100 } : p)),
      };
      const third = await syncCatalog(stripe, changed, (line) => lines.push(line));
      const replaced = third.filter((a) => a.action === "price_replaced");
      expect(replaced).toEqual([
        { action: "price_replaced", lookupKey: "tollgate_plan_pro_monthly", priceId: expect.any(String), oldPriceId: oldPro.id, from: "19.00 eur/month", to: "21.00 eur/month" },
      ]);
      const newPro = await priceByLookupKey(stripe, "tollgate_plan_pro_monthly");
      expect(newPro.id).not.toBe(oldPro.id);
      expect(newPro.unit_amount).toBe(2100);
      const archived = await stripe.prices.retrieve(oldPro.id);
      expect(archived).toMatchObject({ active: false, lookup_key: null });
      // The old price (which existing subscriptions keep) still names its plan.
      expect(itemRefOfPrice(archived, changed)).toEqual({ kind: "plan", id: "pro" });
      expect(third.filter((a) => a.action === "price_unchanged")).toHaveLength(10);

      expect((await syncCatalog(stripe, changed)).every((a) => a.action.endsWith("_unchanged"))).toBe(true);
    } finally {
      await sim.close();
      await t.drop();
    }
  });
});

// Pricing versions from the admin console, over real Postgres (and the loopback Stripe simulator
// for a new tier): an edit inserts the next version and never touches an old one, old ledger rows
// keep their version, concurrent saves never share a number, a new tier is synced to Stripe.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { catalogItems, priceByLookupKey } from "../billing/catalog";
import { startStripeSimulator } from "@/dev/stripe-simulator";
import { createStripeClient } from "../billing/stripe";
import { syncCatalog } from "../billing/sync-catalog";
import { callKey, openAccount, reserve, settle } from "../tokens/ledger";
import { getActivePricing, type PricingConfig } from "../tokens/pricing-config";
import { addTier, pricingHistory, saveEdit, syncToStripe, type PricingEdit } from "./pricing";

let t: TestDatabase;
let adminId: string;
let seq = 0;

beforeAll(async () => {
  t = await createTestDatabase({ poolMax: 8 });
  adminId = (await t.db.user.create({ data: { email: "pricing-admin@example.com", role: "admin" } })).id;
});

afterAll(async () => {
  await t?.drop();
});

function withoutLookupKey<T extends { lookupKey: string }>(tier: T): Omit<T, "lookupKey"> {
  const copy: Partial<T> = { ...tier };
  delete copy.lookupKey;
  return copy as Omit<T, "lookupKey">;
}

/** The edit form's content for `pricing`, with `change` applied. */
function editOf(pricing: PricingConfig, change: Partial<PricingEdit> = {}): PricingEdit {
  return {
    baseVersion: pricing.version,
    microUsdPerToken: pricing.microUsdPerToken,
    freeTierTokens: Number(pricing.freeTierMillitokens / 1000n),
    plans: pricing.plans.map(withoutLookupKey),
    packs: pricing.packs.map(withoutLookupKey),
    modelPriceOverrides: pricing.modelPriceOverrides,
    note: "test edit",
    ...change,
  };
}

const versions = async () =>
  (await t.sql<{ version: number }>("SELECT version FROM token_pricing_config ORDER BY version")).map((r) => r.version);

/** One call charged through the ledger, priced with the active version (as the metering wrapper does). */
async function chargeCall(userId: string, cost: bigint): Promise<string> {
  const pricing = await getActivePricing(t.db);
  const requestId = `pricing-test-${++seq}`;
  const held = await reserve(t.db, {
    userId,
    amount: cost,
    feature: "chat",
    requestId,
    ttlMs: 60_000,
    pricingVersion: pricing.version,
  });
  if (!held.ok) throw new Error(held.error.type);
  const settled = await settle(t.db, { reservationId: held.reservation.id, cost });
  if (!settled.ok) throw new Error(settled.error.type);
  return callKey(requestId);
}

describe("saveEdit", () => {
  it("creates the next version with its author and note; old ledger rows keep version 1, new rows get version 2", async () => {
    const user = await t.db.user.create({ data: { email: "pricing-user@example.com" } });
    await openAccount(t.db, { userId: user.id, now: new Date(), freeTierMillitokens: 100_000n, pricingVersion: 1 });
    const before = await chargeCall(user.id, 1_234n);
    const v1Row = (await t.sql("SELECT * FROM token_pricing_config WHERE version = 1"))[0];

    const v1 = await getActivePricing(t.db);
    const edit = editOf(v1, {
      plans: editOf(v1).plans.map((p) => (p.id === "pro" ? { ...p, priceCents: 2100, tokensPerMonth: 3_500 } : p)),
      freeTierTokens: 150,
      modelPriceOverrides: {
        "my-model": {
          kind: "text",
          inputMicroUsdPer1M: 2_500_000,
          cachedInputMicroUsdPer1M: 1_250_000,
          outputMicroUsdPer1M: 10_000_000,
        },
      },
      note: "Pro: 21 € for 3,500 tokens",
    });
    const result = await saveEdit(t.db, edit, adminId);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.pricing.version).toBe(2);
    expect(result.pricing.plans.find((p) => p.id === "pro")).toEqual({
      id: "pro",
      name: "Pro",
      priceCents: 2100,
      tokensPerMonth: 3_500,
      lookupKey: "tollgate_plan_pro_monthly",
    });
    expect(result.pricing.freeTierMillitokens).toBe(150_000n);
    expect(await versions()).toEqual([1, 2]);
    const [v2] = await t.sql<{ created_by: string; note: string; catalogue_version: string }>(
      "SELECT created_by, note, catalogue_version FROM token_pricing_config WHERE version = 2",
    );
    // The version records the catalogue its un-overridden prices come from.
    expect(v2).toEqual({
      created_by: adminId,
      note: "Pro: 21 € for 3,500 tokens",
      catalogue_version: "@pydantic/genai-prices@0.1.8",
    });
    expect((await pricingHistory(t.db)).map((h) => [h.version, h.catalogueVersion])).toEqual([
      [2, "@pydantic/genai-prices@0.1.8"],
      [1, "@pydantic/genai-prices@0.1.8"], // the seed records it too
    ]);
    // Version 1 is untouched.
    expect((await t.sql("SELECT * FROM token_pricing_config WHERE version = 1"))[0]).toEqual(v1Row);

    const after = await chargeCall(user.id, 2_345n);
    const rows = await t.sql<{ idempotency_key: string; pricing_version: number }>(
      "SELECT idempotency_key, pricing_version FROM token_transactions WHERE idempotency_key = ANY($1) ORDER BY id",
      [[before, after]],
    );
    expect(rows).toEqual([
      { idempotency_key: before, pricing_version: 1 },
      { idempotency_key: after, pricing_version: 2 },
    ]);

    const history = await pricingHistory(t.db);
    expect(history.map((h) => [h.version, h.createdByEmail])).toEqual([
      [2, "pricing-admin@example.com"],
      [1, null],
    ]);
  });

  it("refuses a save on top of an older version with a conflict, and writes nothing", async () => {
    const v1 = (await pricingHistory(t.db)).find((h) => h.version === 1)!.pricing;
    const result = await saveEdit(t.db, editOf(v1, { microUsdPerToken: 900 }), adminId);
    expect(result).toMatchObject({ ok: false, error: { type: "Conflict", baseVersion: 1, activeVersion: 2 } });
    expect(await versions()).toEqual([1, 2]);
  });

  it("of five concurrent saves on the same version, exactly one wins; the others get a conflict, never a duplicate number", async () => {
    const active = await getActivePricing(t.db);
    const results = await Promise.all(
      [901, 902, 903, 904, 905].map((microUsdPerToken) =>
        saveEdit(t.db, editOf(active, { microUsdPerToken, note: `rate ${microUsdPerToken}` }), adminId),
      ),
    );
    const won = results.filter((r) => r.ok);
    expect(won).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error.type === "Conflict")).toHaveLength(4);
    expect(await versions()).toEqual([1, 2, 3]);
    const v3 = await getActivePricing(t.db);
    expect(won[0]!.ok && won[0]!.pricing).toEqual(v3);
  });

  it("refuses malformed model price overrides with the cost engine's message, and writes nothing", async () => {
    const active = await getActivePricing(t.db);
    const before = await versions();
    const result = await saveEdit(
      t.db,
      editOf(active, { modelPriceOverrides: { "gpt-4o": { kind: "text", inputMicroUsdPer1M: -5 } } }),
      adminId,
    );
    expect(result).toMatchObject({
      ok: false,
      error: { type: "Invalid", message: expect.stringContaining("modelPriceOverrides") },
    });
    expect(await versions()).toEqual(before);
  });

  it("refuses to drop a tier", async () => {
    const active = await getActivePricing(t.db);
    const edit = editOf(active);
    const result = await saveEdit(t.db, { ...edit, packs: edit.packs.slice(1) }, adminId);
    expect(result).toMatchObject({ ok: false, error: { type: "Invalid" } });
  });
});

describe("addTier", () => {
  it("adds a plan with its lookup key as a new version and syncs it to Stripe (the simulator)", async () => {
    const sim = await startStripeSimulator({
      port: 0,
      webhookUrl: "http://127.0.0.1:9/unused",
      webhookSecret: "whsec_unused",
    });
    try {
      const stripe = createStripeClient({ secretKey: "sk_test_admin_pricing", apiBase: sim.url });
      const active = await getActivePricing(t.db);
      await syncCatalog(stripe, active); // the account already sells the current catalogue

      const result = await addTier(
        t.db,
        {
          kind: "plan",
          baseVersion: active.version,
          tier: { id: "mythic", name: "Mythic", priceCents: 14_900, tokensPerMonth: 60_000 },
          note: "new top plan",
        },
        adminId,
      );
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.pricing.version).toBe(active.version + 1);
      expect(result.pricing.plans.at(-1)).toEqual({
        id: "mythic",
        name: "Mythic",
        priceCents: 14_900,
        tokensPerMonth: 60_000,
        lookupKey: "tollgate_plan_mythic_monthly",
      });

      const sync = await syncToStripe(stripe, result.pricing);
      expect(sync.ok).toBe(true);
      if (!sync.ok) return;
      expect(sync.actions.filter((a) => !a.action.endsWith("_unchanged"))).toEqual([
        { action: "product_created", productId: "tollgate_plan_mythic" },
        { action: "price_created", lookupKey: "tollgate_plan_mythic_monthly", priceId: expect.any(String) },
        // Its yearly price (10 × monthly by default) on the same product.
        { action: "price_created", lookupKey: "tollgate_plan_mythic_yearly", priceId: expect.any(String) },
        // The new plan is offered in Tollgate's portal configuration too.
        { action: "portal_updated", configurationId: expect.any(String) },
      ]);
      expect(sync.summary).toMatch(/^1 products created, 0 updated; 2 prices created/);
      const price = await priceByLookupKey(stripe, "tollgate_plan_mythic_monthly");
      expect(price).toMatchObject({
        unit_amount: 14_900,
        currency: "eur",
        product: "tollgate_plan_mythic",
        recurring: expect.objectContaining({ interval: "month" }),
      });
      expect(catalogItems(result.pricing)).toHaveLength(12);

      const pack = await addTier(
        t.db,
        {
          kind: "pack",
          baseVersion: result.pricing.version,
          tier: { id: "mega", name: "Mega", priceCents: 19_900, tokens: 26_000, bonusPercent: 30 },
          note: "big pack",
        },
        adminId,
      );
      expect(pack.ok && pack.pricing.packs.find((p) => p.id === "mega")?.lookupKey).toBe("tollgate_pack_mega");
      const dup = await addTier(
        t.db,
        {
          kind: "pack",
          baseVersion: pack.ok ? pack.pricing.version : 0,
          tier: { id: "pro", name: "Pro pack", priceCents: 100, tokens: 10, bonusPercent: 0 },
          note: "clash",
        },
        adminId,
      );
      expect(dup).toMatchObject({
        ok: false,
        error: { type: "Invalid", message: expect.stringContaining('"pro" already exists') },
      });
    } finally {
      await sim.close();
    }
  });

  it("reports a failed sync without losing the saved version", async () => {
    const stripe = createStripeClient({ secretKey: "sk_test_admin_pricing", apiBase: "http://127.0.0.1:9" });
    const report = await syncToStripe(stripe, await getActivePricing(t.db));
    expect(report).toMatchObject({ ok: false, message: expect.stringContaining("npm run stripe:sync") });
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { DEFAULT_PRICING, getActivePricing, seedPricing } from "./pricing-config";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});

afterAll(async () => {
  await t?.drop();
});

const versions = async () =>
  (await t.sql<{ version: number }>("SELECT version FROM token_pricing_config ORDER BY version")).map((r) => r.version);

describe("the seeded pricing", () => {
  it("is DEFAULT_PRICING, stored as version 1", async () => {
    expect(await versions()).toEqual([1]);
    expect(await getActivePricing(t.db)).toEqual({ version: 1, ...DEFAULT_PRICING });
  });

  it("stores exactly the seed table in its JSON columns", async () => {
    const [row] = await t.sql<Record<string, unknown>>(
      `SELECT micro_usd_per_token, free_tier_millitokens::text AS free_tier, currency, subscription_plans, token_packs,
              model_price_overrides
       FROM token_pricing_config WHERE version = 1`,
    );
    expect(row).toEqual({
      micro_usd_per_token: 1000,
      free_tier: "100000",
      currency: "eur",
      subscription_plans: DEFAULT_PRICING.plans,
      token_packs: DEFAULT_PRICING.packs,
      model_price_overrides: {},
    });
  });
});

describe("seedPricing and getActivePricing", () => {
  beforeEach(async () => {
    await t.sql("DELETE FROM token_pricing_config");
  });

  it("seeds version 1 once; running it again changes nothing", async () => {
    expect(await seedPricing(t.db)).toEqual({ created: true });
    expect(await seedPricing(t.db)).toEqual({ created: false });
    expect(await versions()).toEqual([1]);
  });

  it("leaves exactly one version row when five runners seed at once", async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => seedPricing(t.db)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results.filter((r) => !r.created)).toHaveLength(4);
    expect(await versions()).toEqual([1]);
  });

  it("does not touch later versions", async () => {
    await seedPricing(t.db);
    await t.sql(
      `INSERT INTO token_pricing_config (version, micro_usd_per_token, free_tier_millitokens, subscription_plans, token_packs)
       SELECT 2, 1000, 250000, subscription_plans, token_packs FROM token_pricing_config WHERE version = 1`,
    );
    expect(await seedPricing(t.db)).toEqual({ created: false });
    expect(await versions()).toEqual([1, 2]);
    const [v2] = await t.sql<{ free: string }>(
      "SELECT free_tier_millitokens::text AS free FROM token_pricing_config WHERE version = 2",
    );
    expect(v2!.free).toBe("250000");
  });

  it("returns the newest version", async () => {
    await seedPricing(t.db);
    // Inserted out of order: the version number decides, not the insertion order.
    for (const [version, free] of [
      [3, 300_000],
      [2, 200_000],
    ]) {
      await t.sql(
        `INSERT INTO token_pricing_config (version, micro_usd_per_token, free_tier_millitokens, currency, subscription_plans, token_packs)
         SELECT $1, 2000, $2, 'usd', subscription_plans, token_packs FROM token_pricing_config WHERE version = 1`,
        [version, free],
      );
    }
    const active = await getActivePricing(t.db);
    expect(active.version).toBe(3);
    expect(active.freeTierMillitokens).toBe(300_000n);
    expect(active.microUsdPerToken).toBe(2000);
    expect(active.currency).toBe("usd");
    expect(active.plans).toEqual(DEFAULT_PRICING.plans);
  });

  it("says how to fix an empty table", async () => {
    await expect(getActivePricing(t.db)).rejects.toThrow("token_pricing_config is empty: run `npm run db:seed`.");
  });

  it("refuses a malformed newest version, naming it and the column", async () => {
    await seedPricing(t.db);
    await t.sql(
      `INSERT INTO token_pricing_config (version, micro_usd_per_token, free_tier_millitokens, subscription_plans, token_packs)
       SELECT 2, 1000, 100000, subscription_plans, '{"starter": 1900}'::jsonb FROM token_pricing_config WHERE version = 1`,
    );
    await expect(getActivePricing(t.db)).rejects.toThrow(/^token_pricing_config version 2: token_packs ✖/);
  });
});

import { describe, expect, it } from "vitest";
import { DEFAULT_PRICING, parsePricingRow, planPriceFor, yearlyLookupKey, yearlyPriceCents } from "./pricing-config";

const row = (over: Record<string, unknown> = {}) => ({
  version: 3,
  microUsdPerToken: 1000,
  freeTierMillitokens: 100_000n,
  currency: "eur",
  subscriptionPlans: DEFAULT_PRICING.plans,
  tokenPacks: DEFAULT_PRICING.packs,
  modelPriceOverrides: {},
  ...over,
});

describe("DEFAULT_PRICING", () => {
  it("holds the original system's seven plans", () => {
    expect(DEFAULT_PRICING.plans).toEqual([
      {
        id: "essential",
        name: "Essential",
        priceCents: 900,
        tokensPerMonth: 1_000,
        lookupKey: "tollgate_plan_essential_monthly",
      },
      { id: "pro", name: "Pro", priceCents: 1900, tokensPerMonth: 3_000, lookupKey: "tollgate_plan_pro_monthly" },
      { id: "elite", name: "Elite", priceCents: 2900, tokensPerMonth: 5_000, lookupKey: "tollgate_plan_elite_monthly" },
      {
        id: "champion",
        name: "Champion",
        priceCents: 3900,
        tokensPerMonth: 8_000,
        lookupKey: "tollgate_plan_champion_monthly",
      },
      {
        id: "master",
        name: "Master",
        priceCents: 4900,
        tokensPerMonth: 12_000,
        lookupKey: "tollgate_plan_master_monthly",
      },
      {
        id: "legend",
        name: "Legend",
        priceCents: 5900,
        tokensPerMonth: 18_000,
        lookupKey: "tollgate_plan_legend_monthly",
      },
      {
        id: "titan",
        name: "Titan",
        priceCents: 9900,
        tokensPerMonth: 35_000,
        lookupKey: "tollgate_plan_titan_monthly",
      },
    ]);
  });

  it("holds the original system's four packs", () => {
    expect(DEFAULT_PRICING.packs).toEqual([
      {
        id: "starter",
        name: "Starter",
        priceCents: 1900,
        tokens: 2_000,
        bonusPercent: 0,
        lookupKey: "tollgate_pack_starter",
      },
      {
        id: "basic",
        name: "Basic",
        priceCents: 2900,
        tokens: 3_200,
        bonusPercent: 10,
        lookupKey: "tollgate_pack_basic",
      },
      { id: "plus", name: "Plus", priceCents: 4900, tokens: 5_700, bonusPercent: 15, lookupKey: "tollgate_pack_plus" },
      {
        id: "premium",
        name: "Premium",
        priceCents: 9900,
        tokens: 12_500,
        bonusPercent: 25,
        lookupKey: "tollgate_pack_premium",
      },
    ]);
  });

  it("gives 100 free tokens, values a token at $0.001 and prices in euros", () => {
    expect(DEFAULT_PRICING.freeTierMillitokens).toBe(100_000n);
    expect(DEFAULT_PRICING.microUsdPerToken).toBe(1000);
    expect(DEFAULT_PRICING.currency).toBe("eur");
    expect(DEFAULT_PRICING.modelPriceOverrides).toEqual({});
  });

  it("uses every id and Stripe lookup key once", () => {
    const items = [...DEFAULT_PRICING.plans, ...DEFAULT_PRICING.packs];
    expect(new Set(items.map((i) => i.lookupKey)).size).toBe(11);
    expect(new Set(DEFAULT_PRICING.plans.map((p) => p.id)).size).toBe(7);
    expect(new Set(DEFAULT_PRICING.packs.map((p) => p.id)).size).toBe(4);
  });

  it("passes its own validation unchanged", () => {
    expect(parsePricingRow(row({ version: 1 }))).toEqual({ version: 1, ...DEFAULT_PRICING });
  });
});

describe("parsePricingRow", () => {
  it("orders plans and packs by price, whatever order the row stores them in", () => {
    const parsed = parsePricingRow(
      row({
        subscriptionPlans: [...DEFAULT_PRICING.plans].reverse(),
        tokenPacks: [...DEFAULT_PRICING.packs].reverse(),
      }),
    );
    expect(parsed.plans.map((p) => p.id)).toEqual([
      "essential",
      "pro",
      "elite",
      "champion",
      "master",
      "legend",
      "titan",
    ]);
    expect(parsed.packs.map((p) => p.id)).toEqual(["starter", "basic", "plus", "premium"]);
  });

  it("reads a missing model_price_overrides as none", () => {
    expect(parsePricingRow(row({ modelPriceOverrides: null })).modelPriceOverrides).toEqual({});
  });

  it("refuses malformed subscription_plans, naming the version and the column", () => {
    expect(() => parsePricingRow(row({ subscriptionPlans: "not an array" }))).toThrow(
      "token_pricing_config version 3: subscription_plans ✖ Invalid input: expected array, received string",
    );
  });

  it("refuses a plan with a missing field, naming the field", () => {
    const noTokens: Record<string, unknown> = { ...DEFAULT_PRICING.plans[0] };
    delete noTokens.tokensPerMonth;
    expect(() => parsePricingRow(row({ subscriptionPlans: [noTokens] }))).toThrow(
      /^token_pricing_config version 3: subscription_plans ✖ .*\n {2}→ at \[0\]\.tokensPerMonth$/,
    );
  });

  it("refuses malformed token_packs, naming the column and each bad field", () => {
    const bad = { id: "Big Pack", name: "Big", priceCents: 19.5, tokens: 0, bonusPercent: 101, lookupKey: "x" };
    let message = "";
    try {
      parsePricingRow(row({ tokenPacks: [DEFAULT_PRICING.packs[0], bad] }));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.startsWith("token_pricing_config version 3: token_packs ✖ ")).toBe(true);
    expect(message.match(/→ at \[1\]\.\w+/g)).toEqual([
      "→ at [1].id",
      "→ at [1].priceCents",
      "→ at [1].tokens",
      "→ at [1].bonusPercent",
    ]);
    expect(message).toContain("must be lower-case letters, digits and _");
  });
});

describe("parsePricingRow: catalogue integrity", () => {
  const row = {
    version: 9,
    microUsdPerToken: 1000,
    freeTierMillitokens: 100_000n,
    currency: "eur",
    subscriptionPlans: DEFAULT_PRICING.plans,
    tokenPacks: DEFAULT_PRICING.packs,
    modelPriceOverrides: {},
  };

  it("refuses two products with one lookup key", () => {
    const packs = [...DEFAULT_PRICING.packs, { ...DEFAULT_PRICING.packs[0]!, id: "again" }];
    expect(() => parsePricingRow({ ...row, tokenPacks: packs })).toThrow(
      /version 9.*duplicate lookupKey "tollgate_pack_starter"/s,
    );
  });

  it("refuses a pack that reuses a plan's id", () => {
    const packs = [{ ...DEFAULT_PRICING.packs[0]!, id: "pro", lookupKey: "tollgate_pack_pro" }];
    expect(() => parsePricingRow({ ...row, tokenPacks: packs })).toThrow(/duplicate id "pro"/);
  });

  it("refuses a version without any plan", () => {
    expect(() => parsePricingRow({ ...row, subscriptionPlans: [] })).toThrow(/version 9/);
  });
});

describe("yearly prices", () => {
  const plan = {
    id: "pro",
    name: "Pro",
    priceCents: 1900,
    tokensPerMonth: 3000,
    lookupKey: "tollgate_plan_pro_monthly",
  };

  it("default to 10 × monthly under the monthly key with _yearly; a plan may set its own", () => {
    expect(planPriceFor(plan, "month")).toEqual({ priceCents: 1900, lookupKey: "tollgate_plan_pro_monthly" });
    expect(planPriceFor(plan, "year")).toEqual({ priceCents: 19_000, lookupKey: "tollgate_plan_pro_yearly" });
    expect(yearlyPriceCents({ ...plan, yearlyPriceCents: 18_000 })).toBe(18_000);
    expect(yearlyLookupKey({ lookupKey: "legacy_pro" })).toBe("legacy_pro_yearly");
  });

  it("a yearly key that collides with another price's key is refused", () => {
    const row = {
      version: 9,
      microUsdPerToken: 1000,
      freeTierMillitokens: 100_000n,
      currency: "eur",
      subscriptionPlans: [plan, { ...plan, id: "max", lookupKey: "tollgate_plan_pro_yearly" }],
      tokenPacks: [],
      modelPriceOverrides: {},
    };
    expect(() => parsePricingRow(row)).toThrow(/duplicate lookupKey "tollgate_plan_pro_yearly"/);
  });
});

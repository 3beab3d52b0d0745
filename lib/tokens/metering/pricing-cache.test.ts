import { beforeEach, describe, expect, it } from "vitest";
import type { DbTx } from "@/lib/db/client";
import { DEFAULT_PRICING } from "../pricing-config";
import { activePricingCached, invalidatePricingCache } from "./pricing-cache";

/** A stand-in for the database that counts reads and answers the version it is told. */
function fakeDb() {
  const state = { reads: 0, version: 1 };
  const tx = {
    tokenPricingConfig: {
      findFirst: async () => {
        state.reads++;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return {
          version: state.version,
          microUsdPerToken: DEFAULT_PRICING.microUsdPerToken,
          freeTierMillitokens: DEFAULT_PRICING.freeTierMillitokens,
          currency: "eur",
          subscriptionPlans: DEFAULT_PRICING.plans,
          tokenPacks: DEFAULT_PRICING.packs,
          modelPriceOverrides: {},
        };
      },
    },
  } as unknown as DbTx;
  return { tx, state };
}

beforeEach(() => invalidatePricingCache());

describe("activePricingCached", () => {
  it("reads once for concurrent callers and serves the copy until the TTL passes", async () => {
    const { tx, state } = fakeDb();
    const first = await Promise.all(Array.from({ length: 10 }, () => activePricingCached(tx, 1_000)));
    expect(state.reads).toBe(1);
    expect(new Set(first.map((p) => p.version))).toEqual(new Set([1]));

    state.version = 2;
    expect((await activePricingCached(tx, 1_000)).version).toBe(1);
    expect(state.reads).toBe(1);
    expect((await activePricingCached(tx, 1_000, Date.now() + 1_001)).version).toBe(2);
    expect(state.reads).toBe(2);
  });

  it("picks up a new version at once after invalidation", async () => {
    const { tx, state } = fakeDb();
    await activePricingCached(tx, 60_000);
    state.version = 3;
    invalidatePricingCache();
    expect((await activePricingCached(tx, 60_000)).version).toBe(3);
    expect(state.reads).toBe(2);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cheapestOffer, offersFor, shortfallOf, type OfferAccount, type OfferCatalog } from "./offers";
import { DEFAULT_PRICING } from "./pricing-config";

const catalog: OfferCatalog = { currency: "eur", plans: DEFAULT_PRICING.plans, packs: DEFAULT_PRICING.packs };
const free: OfferAccount = { planId: null, upgradesGrantNow: false };
const t = (tokens: number) => BigInt(tokens) * 1000n;

describe("cheapestOffer", () => {
  it("free tier, small shortfall: the cheapest plan (Essential, €9) beats the cheapest pack (Starter, €19)", () => {
    const offer = cheapestOffer(catalog, free, { shortfall: t(50), allowanceNow: t(10) });
    expect(offer).toMatchObject({ kind: "plan", id: "essential", priceCents: 900, adds: t(990), recurring: true });
  });

  it("free tier: a plan's allowance replaces the current allowance, so it adds only the difference", () => {
    // Essential adds 1,000 − 100 = 900 tokens to a free user who still has the whole free allowance.
    expect(cheapestOffer(catalog, free, { shortfall: t(900), allowanceNow: t(100) })?.id).toBe("essential");
    // One more and Essential no longer covers it: Pro (€19, +2,900) and the Starter pack (€19, +2,000)
    // cost the same, and the pack is preferred (paid once, never expires).
    expect(cheapestOffer(catalog, free, { shortfall: t(901), allowanceNow: t(100) })).toMatchObject({
      kind: "pack",
      id: "starter",
    });
  });

  it("between plans and packs, the lowest price that covers wins", () => {
    // 3,100 tokens short on the free tier: Pro adds 3,000 (too few); Elite €29 and Basic pack €29 (3,200) tie.
    const offer = cheapestOffer(catalog, free, { shortfall: t(3_100), allowanceNow: 0n });
    expect(offer).toMatchObject({ kind: "pack", id: "basic", priceCents: 2900 }); // at equal price: the pack
  });

  it("a subscriber gets upgrades by their difference, never the current plan or a downgrade", () => {
    const pro: OfferAccount = { planId: "pro", upgradesGrantNow: true };
    const offers = offersFor(catalog, pro, t(500));
    expect(offers.find((o) => o.id === "essential")?.adds).toBe(0n);
    expect(offers.find((o) => o.id === "pro")?.adds).toBe(0n);
    expect(offers.find((o) => o.id === "elite")?.adds).toBe(t(2_000)); // 5,000 − 3,000
    // 1,500 short: Elite (€29, +2,000) vs Starter pack (€19, +2,000): the pack is cheaper.
    expect(cheapestOffer(catalog, pro, { shortfall: t(1_500), allowanceNow: t(500) })).toMatchObject({
      kind: "pack",
      id: "starter",
    });
    // 12,000 short: Premium pack €99 (+12,500) vs Legend €59 (+15,000): Legend.
    expect(cheapestOffer(catalog, pro, { shortfall: t(12_000), allowanceNow: 0n })).toMatchObject({
      kind: "plan",
      id: "legend",
      adds: t(15_000),
    });
  });

  it("past due: a plan change adds nothing now, so only packs are suggested", () => {
    const pastDue: OfferAccount = { planId: "pro", upgradesGrantNow: false };
    expect(cheapestOffer(catalog, pastDue, { shortfall: t(100), allowanceNow: 0n })).toMatchObject({
      kind: "pack",
      id: "starter",
    });
  });

  it("returns null when no single purchase covers the shortfall", () => {
    expect(cheapestOffer(catalog, free, { shortfall: t(40_000), allowanceNow: 0n })).toBeNull();
  });

  it("property: the choice covers the shortfall and nothing that covers it is cheaper", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: t(40_000) }),
        fc.bigInt({ min: 0n, max: t(5_000) }),
        fc.constantFrom<OfferAccount>(
          free,
          { planId: "pro", upgradesGrantNow: true },
          { planId: "titan", upgradesGrantNow: true },
          { planId: "elite", upgradesGrantNow: false },
        ),
        (shortfall, allowanceNow, account) => {
          const choice = cheapestOffer(catalog, account, { shortfall, allowanceNow });
          const covering = offersFor(catalog, account, allowanceNow).filter((o) => o.adds > 0n && o.adds >= shortfall);
          if (!choice) return covering.length === 0;
          return choice.adds >= shortfall && covering.every((o) => o.priceCents >= choice.priceCents);
        },
      ),
    );
  });
});

describe("shortfallOf", () => {
  it("is required − available in millitokens, exact for the 402 body's 3-decimal amounts", () => {
    expect(shortfallOf(12.345, 0.1)).toBe(12_245n);
    expect(shortfallOf(0.3, 0.1)).toBe(200n); // no float residue
    expect(shortfallOf(5, -1)).toBe(5_000n); // a negative available counts as nothing
  });
});

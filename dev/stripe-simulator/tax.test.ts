// The simulator's own tax and discount arithmetic (never the product's): fixed test rates per
// country, inclusive vs exclusive, reverse charge for an EU business abroad, and coupons.
import { describe, expect, it } from "vitest";
import { appliesToInvoice, discountAmount, newCoupon, newPromotionCode, redeemable, type Coupon } from "./discounts";
import { StripeError } from "./errors";
import { computeTax, euVatCountry, ORIGIN_COUNTRY } from "./tax";

describe("tax", () => {
  it("inclusive: the VAT is inside the amount, rounded half up", () => {
    expect(computeTax({ amount: 1900, behavior: "inclusive", country: "FR" })).toEqual({
      tax: 317,
      total: 1900,
      net: 1583,
      percentage: 20,
      reason: "standard_rated",
    });
    expect(computeTax({ amount: 1200, behavior: "inclusive", country: "fr" }).tax).toBe(200);
    expect(computeTax({ amount: 1190, behavior: "inclusive", country: "DE" }).tax).toBe(190);
  });

  it("exclusive: the VAT is added on top", () => {
    expect(computeTax({ amount: 1900, behavior: "exclusive", country: "FR" })).toMatchObject({ tax: 380, total: 2280 });
    expect(computeTax({ amount: 1900, behavior: "exclusive", country: "DE" })).toMatchObject({ tax: 361, total: 2261 });
    expect(computeTax({ amount: 5, behavior: "exclusive", country: "DE" }).tax).toBe(1); // 0.95 → 1
  });

  it("outside the EU nothing is collected; an EU business abroad is reverse-charged, a domestic one is not", () => {
    expect(computeTax({ amount: 1900, behavior: "exclusive", country: "US" })).toMatchObject({
      tax: 0,
      total: 1900,
      reason: "not_collecting",
    });
    expect(computeTax({ amount: 1900, behavior: "exclusive", country: "DE", vatId: "DE123456789" })).toMatchObject({
      tax: 0,
      total: 1900,
      reason: "reverse_charge",
    });
    expect(ORIGIN_COUNTRY).toBe("FR");
    expect(computeTax({ amount: 1900, behavior: "exclusive", country: "FR", vatId: "FR12345678901" }).tax).toBe(380);
    // Not a VAT number: a consumer.
    expect(computeTax({ amount: 1900, behavior: "exclusive", country: "DE", vatId: "123" }).tax).toBe(361);
  });

  it("recognises EU VAT numbers by their member-state prefix", () => {
    expect(euVatCountry("DE123456789")).toBe("DE");
    expect(euVatCountry("de 123.456.789")).toBe("DE");
    expect(euVatCountry("EL123456789")).toBe("GR");
    expect(euVatCountry("US123456789")).toBeNull();
    expect(euVatCountry("DE12")).toBeNull();
  });
});

describe("coupons and promotion codes", () => {
  const coupon = (params: Record<string, string>) => newCoupon(params, () => false);

  it("takes a percentage (half up, decimals allowed) or a fixed amount in its currency, never more than the amount", () => {
    expect(discountAmount(coupon({ percent_off: "100" }), 1900, "eur")).toBe(1900);
    expect(discountAmount(coupon({ percent_off: "25.5" }), 1900, "eur")).toBe(485); // 484.5 → 485
    expect(discountAmount(coupon({ amount_off: "500", currency: "eur" }), 1900, "eur")).toBe(500);
    expect(discountAmount(coupon({ amount_off: "5000", currency: "eur" }), 1900, "eur")).toBe(1900);
    expect(discountAmount(coupon({ amount_off: "500", currency: "usd" }), 1900, "eur")).toBe(0);
  });

  it("lasts once, N months, or forever", () => {
    const once = coupon({ percent_off: "10", duration: "once" });
    const three = coupon({ percent_off: "10", duration: "repeating", duration_in_months: "3" });
    const forever = coupon({ percent_off: "10", duration: "forever" });
    expect([0, 1].map((i) => appliesToInvoice(once, i))).toEqual([true, false]);
    expect([0, 2, 3].map((i) => appliesToInvoice(three, i))).toEqual([true, true, false]);
    expect(appliesToInvoice(forever, 99)).toBe(true);
  });

  it("refuses what Stripe refuses", () => {
    expect(() => coupon({})).toThrow(StripeError);
    expect(() => coupon({ percent_off: "120" })).toThrow("Percent off must be between 0 and 100.");
    expect(() => coupon({ percent_off: "10", amount_off: "5" })).toThrow(/only specify one/);
    expect(() => coupon({ amount_off: "5" })).toThrow(/currency/);
    expect(() => coupon({ percent_off: "10", duration: "repeating" })).toThrow(/duration_in_months/);
  });

  it("a promotion code names its coupon under `promotion`, is unique while active, and runs out", () => {
    const c = coupon({ percent_off: "100" });
    const promo = newPromotionCode(
      { code: "launch100", promotion: { type: "coupon", coupon: c.id } },
      () => c,
      () => false,
    );
    expect(promo).toMatchObject({
      object: "promotion_code",
      code: "LAUNCH100",
      promotion: { type: "coupon", coupon: c.id },
    });
    expect(() =>
      newPromotionCode(
        { code: "LAUNCH100", promotion: { type: "coupon", coupon: c.id } },
        () => c,
        () => true,
      ),
    ).toThrow(/already exists/);
    expect(() =>
      newPromotionCode(
        { code: "X" },
        () => c,
        () => false,
      ),
    ).toThrow(/promotion/);
    expect(redeemable(promo, c)).toBe(true);
    const limited: Coupon = { ...c, max_redemptions: 1, times_redeemed: 1 };
    expect(redeemable(promo, limited)).toBe(false);
    expect(redeemable({ ...promo, expires_at: 1 }, c)).toBe(false);
    expect(redeemable({ ...promo, active: false }, c)).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { formatDate, formatMoney, formatPricePer1000Tokens, formatTokens } from "./format";

describe("formatTokens", () => {
  it.each([
    [0n, "0"],
    [1n, "0"],
    [49n, "0"],
    [50n, "0.1"], // half a tenth rounds up
    [149n, "0.1"],
    [150n, "0.2"],
    [4_600n, "4.6"],
    [4_650n, "4.7"],
    [12_000n, "12"], // no trailing ".0"
    [99_949n, "99.9"],
    [99_950n, "100"], // rounds up to 100.0, shown without a decimal
    [99_999n, "100"],
    [100_000n, "100"], // 100 tokens and above: whole tokens
    [100_499n, "100"],
    [100_500n, "101"],
    [1_234_567n, "1,235"],
    [12_500_000n, "12,500"],
  ])("%s millitokens → %s", (mt, expected) => {
    expect(formatTokens(mt)).toBe(expected);
  });

  it("shows a minus sign for negative amounts, but never a negative zero", () => {
    expect(formatTokens(-4_650n)).toBe("−4.7");
    expect(formatTokens(-100_500n)).toBe("−101");
    expect(formatTokens(-49n)).toBe("0");
  });

  it("takes the decimal strings and numbers the browser receives", () => {
    expect(formatTokens("1234567")).toBe("1,235");
    expect(formatTokens("4650")).toBe("4.7");
    expect(formatTokens(999)).toBe("1");
  });

  it("follows the locale", () => {
    expect(formatTokens(1_234_567n, "de-DE")).toBe("1.235");
    expect(formatTokens(4_650n, "de-DE")).toBe("4,7");
  });

  it("refuses fractional millitokens", () => {
    expect(() => formatTokens(1.5)).toThrow(RangeError);
  });
});

describe("formatMoney", () => {
  it("formats integer cents", () => {
    expect(formatMoney(900)).toBe("€9.00");
    expect(formatMoney(123_456)).toBe("€1,234.56");
    expect(formatMoney(5)).toBe("€0.05");
    expect(formatMoney(0)).toBe("€0.00");
  });

  it("takes the currency in lower case, as Stripe and the pricing config write it", () => {
    expect(formatMoney(1900, "usd")).toBe("$19.00");
  });

  it("follows the locale", () => {
    expect(formatMoney(123_456, "eur", "de-DE")).toBe("1.234,56\u00a0€");
  });
});

describe("formatPricePer1000Tokens", () => {
  // Hand-computed: price / tokens × 1000, rounded to the cent.
  it.each([
    [900, 1_000, "€9.00"], // Essential: 900c / 1,000
    [1900, 3_000, "€6.33"], // Pro: 633.33c
    [3900, 8_000, "€4.88"], // Champion: 487.5c, half a cent rounds up
    [9900, 35_000, "€2.83"], // Titan: 282.857c
    [2900, 3_200, "€9.06"], // Basic pack: 906.25c
    [9900, 12_500, "€7.92"], // Premium pack
  ])("%ic for %i tokens → %s", (cents, tokens, expected) => {
    expect(formatPricePer1000Tokens(cents, tokens)).toBe(expected);
  });

  it("always shows two decimals and follows currency and locale", () => {
    expect(formatPricePer1000Tokens(1000, 1_000)).toBe("€10.00");
    expect(formatPricePer1000Tokens(1900, 3_000, "usd")).toBe("$6.33");
    expect(formatPricePer1000Tokens(1900, 3_000, "eur", "de-DE")).toBe("6,33\u00a0€");
  });
});

describe("formatDate", () => {
  it("shows the UTC calendar day, whatever the server's time zone", () => {
    expect(formatDate(new Date("2026-01-31T23:30:00.000Z"))).toBe("Jan 31, 2026");
    expect(formatDate(new Date("2026-02-01T00:30:00.000Z"))).toBe("Feb 1, 2026");
  });

  it("takes the ISO strings the browser receives", () => {
    expect(formatDate("2026-03-01T00:00:00.000Z")).toBe("Mar 1, 2026");
    // 23:00 in New York on Feb 28 is already Mar 1 in UTC.
    expect(formatDate("2026-02-28T23:00:00-05:00")).toBe("Mar 1, 2026");
  });

  it("follows the locale", () => {
    expect(formatDate("2026-03-01T00:00:00.000Z", "de-DE")).toBe("01.03.2026");
  });
});

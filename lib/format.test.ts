import { describe, expect, it } from "vitest";
import {
  formatCompactCount,
  formatCount,
  formatDate,
  formatDateTime,
  formatDateWithRelative,
  formatMoney,
  formatPercent,
  formatPricePer1000Tokens,
  formatRelativeDay,
  formatSignedTokens,
  formatTokens,
  formatTokensDetailed,
  formatTokensExact,
  formatTokensWithUnit,
  isoDay,
} from "./format";

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

describe("formatTokensDetailed", () => {
  it.each([
    [0n, "0"],
    [49n, "0"],
    [50n, "0.1"],
    [2_999_700n, "2,999.7"], // formatTokens would say "3,000"
    [2_999_950n, "3,000"],
    [3_000_000n, "3,000"],
    [1_234_567_891n, "1,234,567.9"],
    [-4_650n, "−4.7"],
    [-49n, "0"],
  ])("%s millitokens → %s", (mt, expected) => {
    expect(formatTokensDetailed(mt)).toBe(expected);
  });

  it("follows the locale", () => {
    expect(formatTokensDetailed(2_999_700n, "de-DE")).toBe("2.999,7");
  });
});

describe("formatTokensWithUnit", () => {
  it.each([
    [0n, "0 tokens"],
    [1_000n, "1 token"],
    [950n, "1 token"], // shown as 1 → singular
    [1_049n, "1 token"],
    [1_050n, "1.1 tokens"],
    [4_600n, "4.6 tokens"],
    [12_500_000n, "12,500 tokens"],
    [-1_000n, "−1 token"],
  ])("%s millitokens → %s", (mt, expected) => {
    expect(formatTokensWithUnit(mt)).toBe(expected);
  });
});

describe("formatSignedTokens", () => {
  it.each([
    [-4_600n, "−4.6 tokens"],
    [-4_650n, "−4.7 tokens"],
    [100_000n, "+100 tokens"],
    [3_200_000n, "+3,200 tokens"],
    [-1_000n, "−1 token"],
    [0n, "0 tokens"],
  ])("%s millitokens → %s", (mt, expected) => {
    expect(formatSignedTokens(mt)).toBe(expected);
  });

  it("keeps the sign of a change too small to show at one decimal", () => {
    expect(formatSignedTokens(-1n)).toBe("−<0.1 tokens");
    expect(formatSignedTokens(49n)).toBe("+<0.1 tokens");
    expect(formatSignedTokens(-50n)).toBe("−0.1 tokens");
  });

  it("takes strings and follows the locale", () => {
    expect(formatSignedTokens("-1234567", "de-DE")).toBe("−1.235 tokens");
  });
});

describe("formatTokensExact", () => {
  it.each([
    [0n, "0.000"],
    [1n, "0.001"],
    [-1n, "-0.001"],
    [4_600n, "4.600"],
    [-4_650n, "-4.650"],
    [1_234_567n, "1234.567"],
    [100_000_000n, "100000.000"],
  ])("%s millitokens → %s", (mt, expected) => {
    expect(formatTokensExact(mt)).toBe(expected);
  });

  it("is exact beyond what a float can hold", () => {
    // 2^63 - 1 millitokens: a float would lose the last digits.
    expect(formatTokensExact(9_223_372_036_854_775_807n)).toBe("9223372036854775.807");
    expect(formatTokensExact("-9007199254740993")).toBe("-9007199254740.993");
  });
});

describe("counts", () => {
  it("formats compact counts for tight spaces", () => {
    expect(formatCompactCount(999)).toBe("999");
    expect(formatCompactCount(1_234)).toBe("1.2K");
    expect(formatCompactCount(1_250_000n)).toBe("1.3M");
  });

  it("groups whole counts", () => {
    expect(formatCount(1_234)).toBe("1,234");
    expect(formatCount(1_234n, "de-DE")).toBe("1.234");
  });
});

describe("formatPercent", () => {
  it("formats a fraction", () => {
    expect(formatPercent(0.4234)).toBe("42%");
    expect(formatPercent(0.4234, "en-US", 1)).toBe("42.3%");
    expect(formatPercent(1.5)).toBe("150%");
    expect(formatPercent(0.4234, "de-DE", 1)).toBe("42,3\u00a0%");
  });

  it("takes a part of a whole in millitokens exactly", () => {
    expect(formatPercent(1_234_000n, 3_000_000n)).toBe("41%");
    expect(formatPercent(1_234_000n, 3_000_000n, "en-US", 1)).toBe("41.1%");
    expect(formatPercent(3_000_000n, 3_000_000n)).toBe("100%");
  });

  it("says nothing sensible about a part of nothing", () => {
    expect(formatPercent(5n, 0n)).toBe("—");
    expect(formatPercent(Number.NaN)).toBe("—");
    expect(formatPercent(Number.POSITIVE_INFINITY)).toBe("—");
  });
});

describe("formatDateTime", () => {
  it("shows the UTC day and 24-hour time with the zone", () => {
    expect(formatDateTime("2026-03-01T14:05:59.000Z")).toBe("Mar 1, 2026, 14:05 UTC");
    expect(formatDateTime(new Date("2026-01-31T23:30:00.000Z"))).toBe("Jan 31, 2026, 23:30 UTC");
  });

  it("follows the locale and a given time zone", () => {
    expect(formatDateTime("2026-03-01T14:05:00.000Z", "de-DE")).toBe("1. März 2026, 14:05 UTC");
    expect(formatDateTime("2026-03-01T14:05:00.000Z", "en-US", "Europe/Paris")).toBe("Mar 1, 2026, 15:05 GMT+1");
  });
});

describe("relative dates", () => {
  const now = new Date("2026-02-17T22:00:00.000Z");

  it("counts whole UTC calendar days", () => {
    expect(formatRelativeDay("2026-02-17T01:00:00.000Z", now)).toBe("today");
    expect(formatRelativeDay("2026-02-18T00:00:00.000Z", now)).toBe("tomorrow"); // 2 hours away, next day
    expect(formatRelativeDay("2026-03-01T00:00:00.000Z", now)).toBe("in 12 days");
    expect(formatRelativeDay("2026-02-16T23:59:00.000Z", now)).toBe("yesterday");
    expect(formatRelativeDay("2026-02-14T12:00:00.000Z", now)).toBe("3 days ago");
  });

  it("puts the absolute date first", () => {
    expect(formatDateWithRelative("2026-03-01T00:00:00.000Z", now)).toBe("Mar 1, 2026 (in 12 days)");
  });

  it("names the UTC day for file names", () => {
    expect(isoDay(new Date("2026-03-01T23:59:59.999Z"))).toBe("2026-03-01");
  });
});

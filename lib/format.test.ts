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
  DEFAULT_LOCALE,
  dateTimeFormat,
  numberFormat,
  shownTokens,
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
    expect(formatTokens(mt, DEFAULT_LOCALE)).toBe(expected);
  });

  it("shows a minus sign for negative amounts, but never a negative zero", () => {
    expect(formatTokens(-4_650n, DEFAULT_LOCALE)).toBe("−4.7");
    expect(formatTokens(-100_500n, DEFAULT_LOCALE)).toBe("−101");
    expect(formatTokens(-49n, DEFAULT_LOCALE)).toBe("0");
  });

  it("takes the decimal strings and numbers the browser receives", () => {
    expect(formatTokens("1234567", DEFAULT_LOCALE)).toBe("1,235");
    expect(formatTokens("4650", DEFAULT_LOCALE)).toBe("4.7");
    expect(formatTokens(999, DEFAULT_LOCALE)).toBe("1");
  });

  it("follows the locale", () => {
    expect(formatTokens(1_234_567n, "de-DE")).toBe("1.235");
    expect(formatTokens(4_650n, "de-DE")).toBe("4,7");
  });

  it("refuses fractional millitokens", () => {
    expect(() => formatTokens(1.5, DEFAULT_LOCALE)).toThrow(RangeError);
  });
});

describe("formatMoney", () => {
  it("formats integer cents", () => {
    expect(formatMoney(900, "eur", DEFAULT_LOCALE)).toBe("€9.00");
    expect(formatMoney(123_456, "eur", DEFAULT_LOCALE)).toBe("€1,234.56");
    expect(formatMoney(5, "eur", DEFAULT_LOCALE)).toBe("€0.05");
    expect(formatMoney(0, "eur", DEFAULT_LOCALE)).toBe("€0.00");
  });

  it("takes the currency in lower case, as Stripe and the pricing config write it", () => {
    expect(formatMoney(1900, "usd", DEFAULT_LOCALE)).toBe("$19.00");
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
    expect(formatPricePer1000Tokens(cents, tokens, "eur", DEFAULT_LOCALE)).toBe(expected);
  });

  it("always shows two decimals and follows currency and locale", () => {
    expect(formatPricePer1000Tokens(1000, 1_000, "eur", DEFAULT_LOCALE)).toBe("€10.00");
    expect(formatPricePer1000Tokens(1900, 3_000, "usd", DEFAULT_LOCALE)).toBe("$6.33");
    expect(formatPricePer1000Tokens(1900, 3_000, "eur", "de-DE")).toBe("6,33\u00a0€");
  });
});

describe("formatDate", () => {
  it("shows the UTC calendar day, whatever the server's time zone", () => {
    expect(formatDate(new Date("2026-01-31T23:30:00.000Z"), DEFAULT_LOCALE, "UTC")).toBe("Jan 31, 2026");
    expect(formatDate(new Date("2026-02-01T00:30:00.000Z"), DEFAULT_LOCALE, "UTC")).toBe("Feb 1, 2026");
  });

  it("takes the ISO strings the browser receives", () => {
    expect(formatDate("2026-03-01T00:00:00.000Z", DEFAULT_LOCALE, "UTC")).toBe("Mar 1, 2026");
    // 23:00 in New York on Feb 28 is already Mar 1 in UTC.
    expect(formatDate("2026-02-28T23:00:00-05:00", DEFAULT_LOCALE, "UTC")).toBe("Mar 1, 2026");
  });

  it("follows the locale", () => {
    expect(formatDate("2026-03-01T00:00:00.000Z", "de-DE", "UTC")).toBe("01.03.2026");
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
    expect(formatTokensDetailed(mt, DEFAULT_LOCALE)).toBe(expected);
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
    expect(formatTokensWithUnit(mt, DEFAULT_LOCALE)).toBe(expected);
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
    expect(formatSignedTokens(mt, DEFAULT_LOCALE)).toBe(expected);
  });

  it("keeps the sign of a change too small to show at one decimal", () => {
    expect(formatSignedTokens(-1n, DEFAULT_LOCALE)).toBe("−<0.1 tokens");
    expect(formatSignedTokens(49n, DEFAULT_LOCALE)).toBe("+<0.1 tokens");
    expect(formatSignedTokens(-50n, DEFAULT_LOCALE)).toBe("−0.1 tokens");
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
    expect(formatCompactCount(999, DEFAULT_LOCALE)).toBe("999");
    expect(formatCompactCount(1_234, DEFAULT_LOCALE)).toBe("1.2K");
    expect(formatCompactCount(1_250_000n, DEFAULT_LOCALE)).toBe("1.3M");
  });

  it("groups whole counts", () => {
    expect(formatCount(1_234, DEFAULT_LOCALE)).toBe("1,234");
    expect(formatCount(1_234n, "de-DE")).toBe("1.234");
  });
});

describe("formatPercent", () => {
  it("formats a fraction", () => {
    expect(formatPercent(0.4234, DEFAULT_LOCALE)).toBe("42%");
    expect(formatPercent(0.4234, "en-US", 1)).toBe("42.3%");
    expect(formatPercent(1.5, DEFAULT_LOCALE)).toBe("150%");
    expect(formatPercent(0.4234, "de-DE", 1)).toBe("42,3\u00a0%");
  });

  it("takes a part of a whole in millitokens exactly", () => {
    expect(formatPercent(1_234_000n, 3_000_000n, DEFAULT_LOCALE)).toBe("41%");
    expect(formatPercent(1_234_000n, 3_000_000n, "en-US", 1)).toBe("41.1%");
    expect(formatPercent(3_000_000n, 3_000_000n, DEFAULT_LOCALE)).toBe("100%");
  });

  it("says nothing sensible about a part of nothing", () => {
    expect(formatPercent(5n, 0n, DEFAULT_LOCALE)).toBe("—");
    expect(formatPercent(Number.NaN, DEFAULT_LOCALE)).toBe("—");
    expect(formatPercent(Number.POSITIVE_INFINITY, DEFAULT_LOCALE)).toBe("—");
  });
});

describe("formatDateTime", () => {
  it("shows the UTC day and 24-hour time with the zone", () => {
    expect(formatDateTime("2026-03-01T14:05:59.000Z", DEFAULT_LOCALE, "UTC")).toBe("Mar 1, 2026, 14:05 UTC");
    expect(formatDateTime(new Date("2026-01-31T23:30:00.000Z"), DEFAULT_LOCALE, "UTC")).toBe("Jan 31, 2026, 23:30 UTC");
  });

  it("follows the locale and a given time zone", () => {
    expect(formatDateTime("2026-03-01T14:05:00.000Z", "de-DE", "UTC")).toBe("1. März 2026, 14:05 UTC");
    expect(formatDateTime("2026-03-01T14:05:00.000Z", "en-US", "Europe/Paris")).toBe("Mar 1, 2026, 15:05 GMT+1");
  });
});

describe("relative dates", () => {
  const now = new Date("2026-02-17T22:00:00.000Z");

  it("counts whole UTC calendar days", () => {
    expect(formatRelativeDay("2026-02-17T01:00:00.000Z", now, DEFAULT_LOCALE, "UTC")).toBe("today");
    expect(formatRelativeDay("2026-02-18T00:00:00.000Z", now, DEFAULT_LOCALE, "UTC")).toBe("tomorrow"); // 2 hours away, next day
    expect(formatRelativeDay("2026-03-01T00:00:00.000Z", now, DEFAULT_LOCALE, "UTC")).toBe("in 12 days");
    expect(formatRelativeDay("2026-02-16T23:59:00.000Z", now, DEFAULT_LOCALE, "UTC")).toBe("yesterday");
    expect(formatRelativeDay("2026-02-14T12:00:00.000Z", now, DEFAULT_LOCALE, "UTC")).toBe("3 days ago");
  });

  it("puts the absolute date first", () => {
    expect(formatDateWithRelative("2026-03-01T00:00:00.000Z", now, DEFAULT_LOCALE, "UTC")).toBe(
      "Mar 1, 2026 (in 12 days)",
    );
  });

  it("names the UTC day for file names", () => {
    expect(isoDay(new Date("2026-03-01T23:59:59.999Z"))).toBe("2026-03-01");
  });
});

describe("the user's locale and time zone (French, Europe/Paris)", () => {
  // What Intl prints: French groups with a narrow no-break space (U+202F) and puts a no-break
  // space (U+00A0) before the euro sign.
  it("formats money as French customers read it", () => {
    expect(formatMoney(900, "eur", "fr")).toBe("9,00\u00a0€");
    expect(formatMoney(123_456, "eur", "fr")).toBe("1\u202f234,56\u00a0€");
    expect(formatPricePer1000Tokens(9900, 35_000, "eur", "fr")).toBe("2,83\u00a0€");
  });

  it("formats money exactly from integer minor units, at any size and in zero-decimal currencies", () => {
    // 2^53 + 1 cents: a double would lose the last cent.
    expect(formatMoney(9_007_199_254_740_993n, "eur", "en")).toBe("€90,071,992,547,409.93");
    expect(formatMoney(-905, "eur", "en")).toBe("-€9.05");
    expect(formatMoney(1500, "jpy", "en")).toBe("¥1,500");
  });

  it("formats token amounts in the same number format", () => {
    expect(formatTokens(1_234_500_000n, "fr")).toBe("1\u202f234\u202f500");
    expect(formatTokensDetailed(1_234_500n, "fr")).toBe("1\u202f234,5");
    expect(formatTokens(4_650n, "fr")).toBe("4,7");
    expect(formatCount(12_500, "fr")).toBe("12\u202f500");
  });

  it("gives the shown number for ICU plurals", () => {
    expect(shownTokens(999n)).toBe(1);
    expect(shownTokens(4_650n)).toBe(4.7);
    expect(shownTokens(1_234_567n)).toBe(1235);
    expect(shownTokens(-4_650n)).toBe(4.7);
  });

  it("shows a date in the user's time zone: late evening UTC is the next day in Paris", () => {
    const lateUtc = "2026-03-01T23:30:00.000Z"; // 00:30 on 2 March in Paris (UTC+1)
    expect(formatDate(lateUtc, "fr", "UTC")).toBe("1 mars 2026");
    expect(formatDate(lateUtc, "fr", "Europe/Paris")).toBe("2 mars 2026");
    expect(formatDateTime(lateUtc, "fr", "Europe/Paris")).toBe("2 mars 2026, 00:30 UTC+1");
    expect(formatDateTime(lateUtc, "en", "UTC")).toBe("Mar 1, 2026, 23:30 UTC");
  });

  it("counts relative days in the user's time zone", () => {
    const now = new Date("2026-03-01T12:00:00.000Z");
    const lateUtc = "2026-03-01T23:30:00.000Z";
    expect(formatRelativeDay(lateUtc, now, "en", "UTC")).toBe("today");
    expect(formatRelativeDay(lateUtc, now, "fr", "Europe/Paris")).toBe("demain");
    expect(formatDateWithRelative(lateUtc, now, "fr", "Europe/Paris")).toBe("2 mars 2026 (demain)");
  });
});

describe("shared formatters", () => {
  it("hands out one formatter per locale and options, formatting as a new one would", () => {
    const a = numberFormat("fr", { maximumFractionDigits: 1 });
    expect(numberFormat("fr", { maximumFractionDigits: 1 })).toBe(a);
    expect(numberFormat("fr", { maximumFractionDigits: 0 })).not.toBe(a);
    expect(numberFormat("en-US", { maximumFractionDigits: 1 })).not.toBe(a);
    expect(a.format(1234.56)).toBe(new Intl.NumberFormat("fr", { maximumFractionDigits: 1 }).format(1234.56));
    const d = dateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" });
    expect(dateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" })).toBe(d);
    expect(dateTimeFormat("en-US", { dateStyle: "medium", timeZone: "Europe/Paris" })).not.toBe(d);
  });

  it("still rejects a locale Intl rejects, and caches nothing for it", () => {
    expect(() => numberFormat("not a locale!", {})).toThrow(RangeError);
    expect(() => formatCount(1, "not a locale!")).toThrow(RangeError);
  });

  it("keeps formatting right past its capacity (it is cleared, not grown)", () => {
    // More distinct keys than the cache holds: each call still formats correctly.
    for (let i = 0; i < 600; i++) expect(numberFormat("en-US", { maximumFractionDigits: i % 21 }).format(1)).toBe("1");
    for (let i = 0; i < 300; i++) expect(formatPercent(0.5, "en-US", i % 21)).toBe("50%");
  });
});

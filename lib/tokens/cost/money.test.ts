import { describe, expect, it } from "vitest";
import {
  ceilDiv,
  decimalTextOf,
  decimalToMicroUsd,
  InvalidPriceError,
  tokenCost,
  usdToMicroUsd,
  type TokenTerm,
} from "./money";

describe("usdToMicroUsd: a published dollar figure → integer micro-dollars, exactly", () => {
  it.each([
    // [$, µ$]                      hand-computed: $ × 1,000,000
    [0.25, 250_000], //             gpt-5-mini input per 1M
    [2, 2_000_000], //              gpt-5-mini output per 1M
    [0.03, 30_000], //              gpt-5-mini cached per 1M (0.03 × 1e6 = 30000.000000000004 in floats)
    [2.5, 2_500_000], //            gpt-4o input per 1M
    [1.25, 1_250_000], //           gpt-4o cached per 1M
    [0.006, 6_000], //              Whisper per minute
    [0.167, 167_000], //            gpt-image-1 high 1024²
    [0.00045, 450],
    [0.000001, 1], //               1 µ$: the smallest representable price
    [0, 0],
    [600, 600_000_000], //          o1-pro output per 1M
  ])("$%s = %s µ$", (usd, micro) => {
    expect(usdToMicroUsd(usd)).toBe(micro);
  });

  it.each([
    [0.0000015, "more than 6 decimals"], // 1.5 µ$: a fraction of a micro-dollar
    [1e-7, "more than 6 decimals"],
    [0.1234567, "more than 6 decimals"],
    [-1, "non-negative"],
    [Number.NaN, "finite"],
    [Number.POSITIVE_INFINITY, "finite"],
    [1e30, "too large"],
  ])("refuses $%s (%s)", (usd, why) => {
    expect(() => usdToMicroUsd(usd, "test")).toThrow(InvalidPriceError);
    expect(() => usdToMicroUsd(usd, "test")).toThrow(why);
  });
});

describe("decimalToMicroUsd: decimal TEXT → integer micro-dollars, digit by digit", () => {
  it.each<[string, bigint, number]>([
    // [text, per, µ$]                 hand-computed
    ["0.025", 1n, 25_000], //          gpt-5-mini cached input per 1M
    [".025", 1n, 25_000], //           as a minifier writes it
    ["25e-3", 1n, 25_000],
    ["2.5E1", 1n, 25_000_000],
    ["2e5", 1n, 200_000_000_000],
    ["0.000001", 1n, 1],
    ["0", 1n, 0],
    ["7.", 1n, 7_000_000],
    ["0.36", 3600n, 100], //           whisper-1: $0.36 an hour = 360,000 µ$ / 3,600 s
    ["0.27", 3600n, 75], //            gpt-transcribe: 270,000 / 3,600
  ])("%s per %s = %s µ$", (text, per, micro) => {
    expect(decimalToMicroUsd(text, "test", per)).toBe(micro);
  });

  it.each<[string, bigint, RegExp]>([
    ["0.0000015", 1n, /more than 6 decimals/],
    ["0.35", 3600n, /÷ 3600 is not a whole number of micro-dollars/], // 350,000 / 3,600 = 97.2…
    ["-1", 1n, /cannot read/],
    ["abc", 1n, /cannot read/],
    ["", 1n, /cannot read/],
    [".", 1n, /cannot read/],
    ["1e30", 1n, /too large/],
  ])("refuses %s per %s", (text, per, why) => {
    expect(() => decimalToMicroUsd(text, "test", per)).toThrow(InvalidPriceError);
    expect(() => decimalToMicroUsd(text, "test", per)).toThrow(why);
  });
});

describe("decimalTextOf: the decimal a number was written as", () => {
  it("is the source literal for figures of at most 15 significant digits", () => {
    expect(decimalTextOf(0.025)).toBe("0.025");
    // arithmetic leaves a float's noise (0.30000000000000004), which is refused, not rounded
    expect(() => decimalTextOf(0.1 + 0.2)).toThrow(/more than 15 significant digits/);
    expect(decimalTextOf(123456789.012345)).toBe("123456789.012345");
    expect(decimalTextOf(1e-7)).toBe("1e-7");
  });
});

describe("tokenCost: ceil(Σ count × µ$/1M ÷ 1,000,000), rounded up once per call", () => {
  it.each<[TokenTerm[], bigint, string]>([
    // [terms, µ$, hand computation]
    [[[1, 2_500_000]], 3n, "1 gpt-4o input token = 2.5 µ$ → 3"],
    [[[2, 2_500_000]], 5n, "2 × 2.5 = 5 µ$ exactly"],
    [
      [
        [1, 2_500_000],
        [1, 1_250_000],
      ],
      4n,
      "2.5 + 1.25 = 3.75 → 4 (per-term rounding would give 3 + 2 = 5)",
    ],
    [
      [
        [1, 2_500_000],
        [1, 2_500_000],
        [1, 2_500_000],
      ],
      8n,
      "3 × 2.5 = 7.5 → 8 (per-term: 9)",
    ],
    [
      [
        [0, 2_500_000],
        [0, 10_000_000],
      ],
      0n,
      "no tokens, no cost",
    ],
    [[[1_000_000, 1]], 1n, "1M tokens at 1 µ$ per 1M = 1 µ$"],
    [[[999_999, 1]], 1n, "0.999999 µ$ → 1"],
  ])("%j → %s (%s)", (terms, expected) => {
    expect(tokenCost(terms)).toBe(expected);
  });

  it("stays exact far beyond float precision", () => {
    // 10^12 tokens × 600,000,000 µ$/1M ÷ 1e6 = 6 × 10^14 µ$ (+1 token: + 600 µ$)
    expect(tokenCost([[1_000_000_000_001, 600_000_000]])).toBe(600_000_000_000_600n);
  });
});

describe("ceilDiv", () => {
  it("rounds up, exactly", () => {
    expect(ceilDiv(0n, 7n)).toBe(0n);
    expect(ceilDiv(7n, 7n)).toBe(1n);
    expect(ceilDiv(8n, 7n)).toBe(2n);
    expect(() => ceilDiv(1n, 0n)).toThrow(RangeError);
    expect(() => ceilDiv(-1n, 2n)).toThrow(RangeError);
  });
});

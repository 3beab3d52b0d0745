import { describe, expect, it } from "vitest";
import { MILLITOKENS_PER_TOKEN, millitokensToTokens, tokensToMillitokens } from "./units";

describe("tokensToMillitokens", () => {
  it("multiplies whole tokens by 1000, exactly", () => {
    expect(MILLITOKENS_PER_TOKEN).toBe(1000n);
    expect(tokensToMillitokens(100)).toBe(100_000n);
    expect(tokensToMillitokens(0)).toBe(0n);
    expect(tokensToMillitokens(35_000)).toBe(35_000_000n);
    expect(tokensToMillitokens(-3)).toBe(-3_000n);
    expect(tokensToMillitokens(9_007_199_254_740_993n)).toBe(9_007_199_254_740_993_000n);
  });

  it("refuses fractions and numbers beyond the safe integer range", () => {
    expect(() => tokensToMillitokens(1.5)).toThrow(new RangeError("tokens must be a safe integer, got 1.5"));
    expect(() => tokensToMillitokens(Number.NaN)).toThrow(RangeError);
    expect(() => tokensToMillitokens(2 ** 53)).toThrow(RangeError);
  });
});

describe("millitokensToTokens", () => {
  it("divides by 1000 for display", () => {
    expect(millitokensToTokens(4_650n)).toBe(4.65);
    expect(millitokensToTokens(1n)).toBe(0.001);
    expect(millitokensToTokens(12_500_000n)).toBe(12_500);
    expect(millitokensToTokens(-4_650n)).toBe(-4.65);
    expect(millitokensToTokens(0n)).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { lowBalance } from "./low-balance";

describe("lowBalance", () => {
  const allowance = 100_000n; // the free tier: 100 tokens

  it.each([
    [-5n, 10, "empty"],
    [0n, 10, "empty"],
    [1n, 10, "low"],
    [9_999n, 10, "low"],
    [10_000n, 10, null], // exactly 10 % is not below it
    [19_999n, 10, null], // amber in the sidebar (below 20 %), but no banner yet
    [24_999n, 25, "low"],
    [25_000n, 25, null],
  ] as const)("%s of 100,000 millitokens at %s %% → %s", (available, percent, expected) => {
    expect(lowBalance(available, allowance, percent)).toBe(expected);
  });

  it("0 % switches the low banner off; an empty balance still shows", () => {
    expect(lowBalance(1n, allowance, 0)).toBeNull();
    expect(lowBalance(0n, allowance, 0)).toBe("empty");
  });

  it("without a period allowance only an empty balance counts", () => {
    expect(lowBalance(1n, 0n, 10)).toBeNull();
  });
});

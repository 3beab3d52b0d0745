import { describe, expect, it } from "vitest";
import { balanceStatus } from "./status";

describe("balanceStatus", () => {
  const allowance = 100_000n; // the free tier: 100 tokens

  it.each([
    [0n, "empty"],
    [-1n, "empty"], // reserved beyond the balance: nothing available
    [1n, "low"],
    [19_999n, "low"],
    [20_000n, "healthy"], // exactly 20 % is no longer low
    [100_000n, "healthy"],
    [5_000_000n, "healthy"], // purchased tokens on top of the allowance
  ] as const)("%s of 100,000 millitokens available → %s", (available, expected) => {
    expect(balanceStatus(available, allowance)).toBe(expected);
  });

  it("scales the low threshold with the period allowance", () => {
    // Titan: 35,000 tokens a month → low below 7,000 tokens.
    expect(balanceStatus(6_999_999n, 35_000_000n)).toBe("low");
    expect(balanceStatus(7_000_000n, 35_000_000n)).toBe("healthy");
  });

  it("is never low without a period allowance, only empty or healthy", () => {
    expect(balanceStatus(1n, 0n)).toBe("healthy");
    expect(balanceStatus(0n, 0n)).toBe("empty");
  });
});

import { describe, expect, it } from "vitest";
import { balanceStatus, balanceStatusHint, lowThreshold } from "./status";
import en from "../../messages/en.json";
import fr from "../../messages/fr.json";

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

describe("lowThreshold", () => {
  it("is the first amount that is no longer low", () => {
    for (const allowance of [100_000n, 3_000_000n, 35_000_000n, 7n, 1n]) {
      const threshold = lowThreshold(allowance);
      expect(balanceStatus(threshold, allowance)).toBe("healthy");
      if (threshold > 1n) expect(balanceStatus(threshold - 1n, allowance)).toBe("low");
    }
  });

  it("is 20 % of the allowance, and 0 without one", () => {
    expect(lowThreshold(3_000_000n)).toBe(600_000n);
    expect(lowThreshold(7n)).toBe(2n); // 1.4 rounded up: 1 is low, 2 is not
    expect(lowThreshold(0n)).toBe(0n);
  });
});

describe("hints", () => {
  it("picks the sentence relative to the allowance only when there is one", () => {
    expect(balanceStatusHint("low", 3_000_000n)).toBe("low");
    expect(balanceStatusHint("healthy", 3_000_000n)).toBe("healthy");
    expect(balanceStatusHint("healthy", 0n)).toBe("healthyNoAllowance");
    expect(balanceStatusHint("empty", 3_000_000n)).toBe("empty");
  });

  it("names every status and hint in every catalogue, so colour is never the only signal", () => {
    for (const messages of [en, fr]) {
      expect(Object.keys(messages.balance.status).sort()).toEqual(["empty", "healthy", "low"]);
      expect(Object.keys(messages.balance.hint).sort()).toEqual(["empty", "healthy", "healthyNoAllowance", "low"]);
    }
  });
});

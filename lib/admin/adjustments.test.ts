import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adjustmentSchema, tokensToMillitokens } from "./adjustments";

const base = { userId: "u1", direction: "grant", reason: "goodwill", nonce: "5b0f4c52-9a4e-4b8e-8d7e-1f2a3b4c5d6e" };

describe("amounts in tokens → exact millitokens", () => {
  it.each([
    ["10", 10_000n],
    ["0.5", 500n],
    ["1.234", 1_234n],
    ["0.001", 1n],
    [" 7.10 ", 7_100n],
  ])("%j → %s", (amount, expected) => {
    expect(adjustmentSchema.parse({ ...base, amount }).amount).toBe(expected);
  });

  it.each(["", "0", "0.000", "-5", "1.2345", "1e3", "1,5", "abc", "10000000.001"])(
    "%j is refused with a message",
    (amount) => {
      const parsed = adjustmentSchema.safeParse({ ...base, amount });
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues[0]!.message.length).toBeGreaterThan(10);
    },
  );

  it("is exact for every whole and thousandth (no float on the way)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 0, max: 999 }), (whole, thousandths) => {
        const text = `${whole}.${String(thousandths).padStart(3, "0")}`;
        expect(tokensToMillitokens(text)).toBe(BigInt(whole) * 1000n + BigInt(thousandths));
      }),
    );
  });

  it("a reason is required and a nonce must be a form's", () => {
    expect(adjustmentSchema.safeParse({ ...base, amount: "1", reason: "   " }).success).toBe(false);
    expect(adjustmentSchema.safeParse({ ...base, amount: "1", reason: undefined }).success).toBe(false);
    expect(adjustmentSchema.safeParse({ ...base, amount: "1", nonce: "x" }).success).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { LedgerUsageError, requireKey, requireNonNegative, requirePositive, requireUuid } from "./errors";

describe("LedgerUsageError", () => {
  it("is a RangeError with its own name", () => {
    const e = new LedgerUsageError("bad");
    expect(e).toBeInstanceOf(RangeError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("LedgerUsageError");
    expect(e.message).toBe("bad");
  });
});

describe("requirePositive", () => {
  it("accepts 1n and more", () => {
    expect(() => requirePositive("amount", 1n)).not.toThrow();
    expect(() => requirePositive("amount", 2n ** 62n)).not.toThrow();
  });

  it.each([[0n], [-1n]])("refuses %s", (amount) => {
    expect(() => requirePositive("amount", amount)).toThrow(
      new LedgerUsageError(`amount must be > 0 millitokens, got ${amount}`),
    );
  });

  it.each([[1], ["1"], [null], [undefined], [1.5]])("refuses a non-bigint %s", (amount) => {
    expect(() => requirePositive("amount", amount as unknown as bigint)).toThrow(LedgerUsageError);
  });
});

describe("requireNonNegative", () => {
  it("accepts 0n", () => {
    expect(() => requireNonNegative("cost", 0n)).not.toThrow();
  });

  it("refuses -1n and non-bigints", () => {
    expect(() => requireNonNegative("cost", -1n)).toThrow(new LedgerUsageError("cost must be ≥ 0 millitokens, got -1"));
    expect(() => requireNonNegative("cost", 0 as unknown as bigint)).toThrow(LedgerUsageError);
  });
});

describe("requireKey", () => {
  it("accepts 1 to 200 characters", () => {
    expect(() => requireKey("key", "k")).not.toThrow();
    expect(() => requireKey("key", "k".repeat(200))).not.toThrow();
  });

  it.each([[""], ["k".repeat(201)], [undefined], [42]])("refuses %s", (key) => {
    expect(() => requireKey("key", key as unknown as string)).toThrow(LedgerUsageError);
  });
});

describe("requireUuid", () => {
  it("accepts a UUID in either case", () => {
    expect(() => requireUuid("reservationId", "01a2366e-4bbc-7735-b633-4bd739062525")).not.toThrow();
    expect(() => requireUuid("reservationId", "01A2366E-4BBC-7735-B633-4BD739062525")).not.toThrow();
  });

  it.each([["not-a-uuid"], ["01a2366e-4bbc-7735-b633-4bd73906252"], [""], [undefined], [7]])(
    "refuses %s, naming it",
    (id) => {
      expect(() => requireUuid("reservationId", id as unknown as string)).toThrow(
        new LedgerUsageError(`reservationId must be a UUID, got ${JSON.stringify(id)}`),
      );
    },
  );
});

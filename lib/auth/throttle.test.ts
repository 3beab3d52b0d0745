import { describe, expect, it } from "vitest";
import { LOCK_AFTER_ATTEMPTS, WINDOW_MS, lockDurationMs, throttleKey } from "./throttle";

describe("lockDurationMs", () => {
  it("does not lock before the fifth failure in a window", () => {
    expect(LOCK_AFTER_ATTEMPTS).toBe(5);
    expect([0, 1, 2, 3, 4].map(lockDurationMs)).toEqual([0, 0, 0, 0, 0]);
  });

  it("locks for 30 s at the fifth failure, doubling with each further one", () => {
    expect([5, 6, 7, 8, 9].map(lockDurationMs)).toEqual([30_000, 60_000, 120_000, 240_000, 480_000]);
  });

  it("never locks for longer than 15 minutes", () => {
    expect([10, 11, 20, 1_000].map(lockDurationMs)).toEqual([900_000, 900_000, 900_000, 900_000]);
    expect(WINDOW_MS).toBe(900_000);
  });
});

describe("throttleKey", () => {
  it("is the same for every spelling of one address", () => {
    expect(throttleKey("  Ada@Example.COM ")).toBe("email:ada@example.com");
    expect(throttleKey("ada@example.com")).toBe("email:ada@example.com");
  });
});

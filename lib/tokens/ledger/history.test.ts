import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, TRANSACTION_KINDS } from "./history";

const b64 = (text: string) => Buffer.from(text).toString("base64url");
const cursorOf = (value: unknown) => b64(JSON.stringify(value));

describe("encodeCursor / decodeCursor", () => {
  it("round-trips a row's position", () => {
    const row = { createdAt: new Date("2026-03-01T12:34:56.789Z"), id: 9_007_199_254_740_993n }; // > 2^53
    const cursor = encodeCursor(row);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/); // URL-safe, no padding
    expect(decodeCursor(cursor)).toEqual(row);
  });

  it("round-trips any position (property)", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("1970-01-01T00:00:00.000Z"),
          max: new Date("9999-12-31T23:59:59.999Z"),
          noInvalidDate: true,
        }),
        fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }),
        (createdAt, id) => {
          expect(decodeCursor(encodeCursor({ createdAt, id }))).toEqual({ createdAt, id });
        },
      ),
    );
  });

  it("keeps the position exact to the millisecond", () => {
    const a = encodeCursor({ createdAt: new Date("2026-03-01T00:00:00.001Z"), id: 1n });
    const b = encodeCursor({ createdAt: new Date("2026-03-01T00:00:00.002Z"), id: 1n });
    expect(a).not.toBe(b);
    expect(decodeCursor(a)?.createdAt.getTime()).toBe(Date.parse("2026-03-01T00:00:00.001Z"));
  });

  it.each([
    ["the empty string", ""],
    ["plain text", "hello world"],
    ["base64 of text", b64("hello")],
    ["base64 of null", cursorOf(null)],
    ["base64 of a number", cursorOf(42)],
    ["an object", cursorOf({ createdAt: "2026-01-01T00:00:00.000Z", id: "1" })],
    ["a one-element tuple", cursorOf(["2026-01-01T00:00:00.000Z"])],
    ["a three-element tuple", cursorOf(["2026-01-01T00:00:00.000Z", "1", "x"])],
    ["a numeric id", cursorOf(["2026-01-01T00:00:00.000Z", 1])],
    ["a negative id", cursorOf(["2026-01-01T00:00:00.000Z", "-1"])],
    ["a fractional id", cursorOf(["2026-01-01T00:00:00.000Z", "1.5"])],
    ["an id with SQL", cursorOf(["2026-01-01T00:00:00.000Z", "1 OR 1=1"])],
    ["an id beyond bigint", cursorOf(["2026-01-01T00:00:00.000Z", "9223372036854775808"])],
    ["a date that is not ISO", cursorOf(["March 1, 2026", "1"])],
    ["an impossible date", cursorOf(["2026-02-30T00:00:00.000Z", "1"])],
    ["a date with an offset", cursorOf(["2026-01-01T00:00:00+02:00", "1"])],
    ["swapped elements", cursorOf(["1", "2026-01-01T00:00:00.000Z"])],
    ["truncated cursor", encodeCursor({ createdAt: new Date("2026-03-01T00:00:00.000Z"), id: 5n }).slice(0, 20)],
  ])("decodes %s to null", (_what, cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });

  it("accepts the largest bigint id", () => {
    expect(decodeCursor(cursorOf(["2026-01-01T00:00:00.000Z", "9223372036854775807"]))?.id).toBe(
      9_223_372_036_854_775_807n,
    );
  });

  it("never throws on arbitrary input (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        expect(() => decodeCursor(s)).not.toThrow();
        expect(() => decodeCursor(b64(s))).not.toThrow();
      }),
    );
  });
});

describe("TRANSACTION_KINDS", () => {
  it("lists the eight kinds of the schema", () => {
    expect([...TRANSACTION_KINDS].sort()).toEqual(
      [
        "adjustment",
        "clawback",
        "consume",
        "expire_allowance",
        "grant_allowance",
        "grant_free",
        "grant_pack",
        "refund",
      ].sort(),
    );
  });
});

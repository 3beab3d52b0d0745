import { describe, expect, it } from "vitest";
import { addInterval, periodEndFromAnchor } from "./engine";
import { previousAttributes } from "./store";

const t = (iso: string) => Date.parse(iso) / 1000;

describe("addInterval", () => {
  it("adds months like Stripe, clamping to the end of shorter months", () => {
    expect(addInterval(t("2026-01-15T10:00:00Z"), { interval: "month", interval_count: 1 })).toBe(
      t("2026-02-15T10:00:00Z"),
    );
    expect(addInterval(t("2026-01-31T10:00:00Z"), { interval: "month", interval_count: 1 })).toBe(
      t("2026-02-28T10:00:00Z"),
    );
    expect(addInterval(t("2028-01-31T00:00:00Z"), { interval: "month", interval_count: 1 })).toBe(
      t("2028-02-29T00:00:00Z"),
    );
    expect(addInterval(t("2026-11-30T00:00:00Z"), { interval: "month", interval_count: 3 })).toBe(
      t("2027-02-28T00:00:00Z"),
    );
    expect(addInterval(t("2028-02-29T00:00:00Z"), { interval: "year", interval_count: 1 })).toBe(
      t("2029-02-28T00:00:00Z"),
    );
  });

  it("adds days and weeks exactly", () => {
    expect(addInterval(t("2026-03-01T00:00:00Z"), { interval: "day", interval_count: 2 })).toBe(
      t("2026-03-03T00:00:00Z"),
    );
    expect(addInterval(t("2026-03-01T00:00:00Z"), { interval: "week", interval_count: 1 })).toBe(
      t("2026-03-08T00:00:00Z"),
    );
  });
});

describe("previousAttributes", () => {
  it("lists the changed top-level fields with their old values", () => {
    const before = { id: "sub_1", object: "subscription", status: "active", metadata: { a: "1" }, cancel_at: null };
    const after = { id: "sub_1", object: "subscription", status: "past_due", metadata: { a: "1" }, cancel_at: 5 };
    expect(previousAttributes(before, after)).toEqual({ status: "active", cancel_at: null });
    expect(previousAttributes(before, { ...before })).toBeUndefined();
  });
});

describe("periodEndFromAnchor", () => {
  it("counts every period from the anchor, so a 31st anchor never drifts: Jan 31 → Feb 28 → Mar 31", () => {
    const anchor = t("2027-01-31T10:00:00Z");
    const month = { interval: "month", interval_count: 1 } as const;
    expect(periodEndFromAnchor(anchor, anchor, month)).toBe(t("2027-02-28T10:00:00Z"));
    expect(periodEndFromAnchor(anchor, t("2027-02-28T10:00:00Z"), month)).toBe(t("2027-03-31T10:00:00Z"));
    expect(periodEndFromAnchor(anchor, t("2027-03-31T10:00:00Z"), month)).toBe(t("2027-04-30T10:00:00Z"));
  });

  it("renews a yearly period a year on; a Feb 29 anchor gives Feb 28, then Feb 29 again in the next leap year", () => {
    const year = { interval: "year", interval_count: 1 } as const;
    const leap = t("2028-02-29T00:00:00Z");
    expect(periodEndFromAnchor(leap, leap, year)).toBe(t("2029-02-28T00:00:00Z"));
    expect(periodEndFromAnchor(leap, t("2031-02-28T00:00:00Z"), year)).toBe(t("2032-02-29T00:00:00Z"));
    expect(periodEndFromAnchor(t("2027-01-31T10:00:00Z"), t("2027-01-31T10:00:00Z"), year)).toBe(
      t("2028-01-31T10:00:00Z"),
    );
  });
});

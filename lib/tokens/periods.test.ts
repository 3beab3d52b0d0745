import { describe, expect, it } from "vitest";
import { addMonthsClamped, allowanceMonth, periodContaining } from "./periods";

const d = (iso: string) => new Date(iso);

describe("addMonthsClamped", () => {
  it.each([
    ["2026-01-15T10:00:00.000Z", 1, "2026-02-15T10:00:00.000Z"],
    ["2026-01-31T10:00:00.000Z", 1, "2026-02-28T10:00:00.000Z"],
    ["2028-01-31T10:00:00.000Z", 1, "2028-02-29T10:00:00.000Z"],
    ["2026-01-31T10:00:00.000Z", 2, "2026-03-31T10:00:00.000Z"],
    ["2026-03-31T23:59:59.999Z", 1, "2026-04-30T23:59:59.999Z"],
    ["2026-12-31T00:00:00.000Z", 1, "2027-01-31T00:00:00.000Z"],
    ["2026-05-31T00:00:00.000Z", -3, "2026-02-28T00:00:00.000Z"],
  ])("%s + %i months = %s", (anchor, months, expected) => {
    expect(addMonthsClamped(d(anchor), months).toISOString()).toBe(expected);
  });

  it("keeps the anchor's day when counting from the anchor, not from the previous period", () => {
    const anchor = d("2026-01-31T08:00:00.000Z");
    const starts = [0, 1, 2, 3].map((n) => addMonthsClamped(anchor, n).toISOString().slice(0, 10));
    expect(starts).toEqual(["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"]);
  });

  it("refuses fractional months", () => {
    expect(() => addMonthsClamped(d("2026-01-01T00:00:00Z"), 1.5)).toThrow(RangeError);
  });
});

describe("periodContaining", () => {
  const anchor = d("2026-01-31T08:00:00.000Z");

  it("finds the period of a moment inside it", () => {
    expect(periodContaining(anchor, d("2026-03-01T00:00:00.000Z"))).toEqual({
      start: d("2026-02-28T08:00:00.000Z"),
      end: d("2026-03-31T08:00:00.000Z"),
      index: 1,
    });
  });

  it("starts a new period exactly at its boundary", () => {
    expect(periodContaining(anchor, d("2026-03-31T08:00:00.000Z")).index).toBe(2);
    expect(periodContaining(anchor, d("2026-03-31T07:59:59.999Z")).index).toBe(1);
  });

  it("gives the first period for moments before the anchor", () => {
    expect(periodContaining(anchor, d("2025-12-01T00:00:00.000Z")).index).toBe(0);
  });
});

describe("allowanceMonth (the months of a yearly period)", () => {
  const anchor = new Date("2027-01-31T10:00:00.000Z");
  const year = { start: anchor, end: new Date("2028-01-31T10:00:00.000Z") };

  it("months start on the anchor day clamped to the month: Jan 31 → Feb 28 → Mar 31, never drifting", () => {
    expect(allowanceMonth(anchor, year, anchor)).toEqual({
      start: anchor,
      end: new Date("2027-02-28T10:00:00.000Z"),
    });
    expect(allowanceMonth(anchor, year, new Date("2027-03-01T00:00:00.000Z"))).toEqual({
      start: new Date("2027-02-28T10:00:00.000Z"),
      end: new Date("2027-03-31T10:00:00.000Z"),
    });
    expect(allowanceMonth(anchor, year, new Date("2027-04-30T10:00:00.000Z")).start).toEqual(
      new Date("2027-04-30T10:00:00.000Z"),
    );
  });

  it("is bounded by the period: the last month ends with the year, an instant outside moves to the nearest month", () => {
    expect(allowanceMonth(anchor, year, new Date("2028-03-01T00:00:00.000Z"))).toEqual({
      start: new Date("2027-12-31T10:00:00.000Z"),
      end: year.end,
    });
    expect(allowanceMonth(anchor, year, new Date("2026-01-01T00:00:00.000Z")).start).toEqual(anchor);
  });

  it("a leap-day anchor gives Feb 28 in other years; a monthly period is its own month", () => {
    const leap = new Date("2028-02-29T00:00:00.000Z");
    const next = { start: new Date("2029-02-28T00:00:00.000Z"), end: new Date("2030-02-28T00:00:00.000Z") };
    expect(allowanceMonth(leap, next, next.start).end).toEqual(new Date("2029-03-29T00:00:00.000Z"));
    const month = { start: anchor, end: new Date("2027-02-28T10:00:00.000Z") };
    expect(allowanceMonth(anchor, month, new Date("2027-02-10T00:00:00.000Z"))).toEqual(month);
  });
});

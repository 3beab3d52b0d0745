import { describe, expect, it } from "vitest";
import { lastDays, monthBounds, monthsBetween, utcDay, utcMonth } from "./days";
import { parseReportMonth } from "./month";

describe("UTC days", () => {
  it("buckets an instant by its UTC calendar day", () => {
    expect(utcDay(new Date("2026-11-24T23:59:59.999Z"))).toBe("2026-11-24");
    // 00:30 in Paris (UTC+1) is still the previous day in UTC
    expect(utcDay(new Date("2026-11-25T00:30:00.000+01:00"))).toBe("2026-11-24");
  });

  it("takes the last N days with today included", () => {
    // 30 days ending 2026-11-24: 2026-10-26 … 2026-11-24
    expect(lastDays(new Date("2026-11-24T23:59:59.999Z"), 30)).toEqual({
      firstDay: "2026-10-26",
      days: 30,
      from: new Date("2026-10-26T00:00:00.000Z"),
      to: new Date("2026-11-25T00:00:00.000Z"),
    });
    // 90 days ending 2026-03-01 (2026 is not a leap year): 2025-12-02 … 2026-03-01
    expect(lastDays(new Date("2026-03-01T00:00:00.000Z"), 90).firstDay).toBe("2025-12-02");
    expect(() => lastDays(new Date(), 0)).toThrow(RangeError);
  });

  it("bounds a month and lists months newest first", () => {
    expect(monthBounds("2026-12")).toEqual({
      start: new Date("2026-12-01T00:00:00.000Z"),
      end: new Date("2027-01-01T00:00:00.000Z"),
    });
    expect(utcMonth(new Date("2026-11-30T23:59:59.999Z"))).toBe("2026-11");
    expect(monthsBetween("2026-11", "2027-02")).toEqual(["2027-02", "2027-01", "2026-12", "2026-11"]);
    expect(monthsBetween("2026-11", "2026-11")).toEqual(["2026-11"]);
    expect(monthsBetween("2020-01", "2026-11", 3)).toEqual(["2026-11", "2026-10", "2026-09"]);
  });
});

describe("parseReportMonth", () => {
  const now = new Date("2026-11-24T10:00:00.000Z");

  it("accepts a past or the current month", () => {
    expect(parseReportMonth("2026-11", now)).toEqual({ ok: true, month: "2026-11" });
    expect(parseReportMonth("2025-01", now)).toEqual({ ok: true, month: "2025-01" });
  });

  it.each([
    [null, "month is required: month must be a calendar month as YYYY-MM, e.g. 2026-11"],
    ["", "month must be a calendar month as YYYY-MM, e.g. 2026-11"],
    ["2026-13", "month must be a calendar month as YYYY-MM, e.g. 2026-11"],
    ["2026-1", "month must be a calendar month as YYYY-MM, e.g. 2026-11"],
    ["2026-11-01", "month must be a calendar month as YYYY-MM, e.g. 2026-11"],
    ["1999-12", "month must be 2000-01 or later"],
    ["2026-12", "month must not be after the current month (2026-11)"],
  ])("refuses %j: %s", (value, message) => {
    expect(parseReportMonth(value, now)).toEqual({ ok: false, message });
  });
});

describe("parseUsageRange", () => {
  it("takes 30 or 90 and falls back to 30 for anything else", async () => {
    const { parseUsageRange } = await import("./range");
    expect(parseUsageRange("90")).toBe(90);
    expect(parseUsageRange("30")).toBe(30);
    for (const value of [undefined, "", "60", "90days", ["90", "30"], " 90"]) expect(parseUsageRange(value)).toBe(30);
  });
});

import { describe, expect, it } from "vitest";
import { dailyAverage, forecastRunOut, forecastWindow, type ForecastWindow } from "./forecast";

// Every expectation is computed by hand in the comment above it. 1 day = 86,400,000 ms.
const DAY = 86_400_000n;
const NOW = new Date("2026-11-20T12:00:00.000Z");
const PERIOD_END = new Date("2026-12-03T00:00:00.000Z");
const SEVEN_DAYS: ForecastWindow = { start: new Date("2026-11-13T12:00:00.000Z"), ms: 7n * DAY };

describe("forecastWindow", () => {
  it("is the last 7 days when the period began earlier", () => {
    // 2026-11-20T12:00 − 7 days = 2026-11-13T12:00, after the period start 2026-11-03.
    expect(forecastWindow(NOW, new Date("2026-11-03T00:00:00.000Z"))).toEqual({
      start: new Date("2026-11-13T12:00:00.000Z"),
      ms: 604_800_000n,
    });
  });

  it("is the period so far when it began less than 7 days ago", () => {
    // period start 2026-11-18T12:00 → 2 days = 172,800,000 ms
    expect(forecastWindow(NOW, new Date("2026-11-18T12:00:00.000Z"))).toEqual({
      start: new Date("2026-11-18T12:00:00.000Z"),
      ms: 172_800_000n,
    });
  });

  it("is never shorter than one day", () => {
    // 6 hours into the period: consumption since then, divided by one day (86,400,000 ms)
    expect(forecastWindow(NOW, new Date("2026-11-20T06:00:00.000Z"))).toEqual({
      start: new Date("2026-11-20T06:00:00.000Z"),
      ms: 86_400_000n,
    });
    // a period that starts after `now` (clock skew): an empty window of one day
    expect(forecastWindow(NOW, new Date("2026-11-21T00:00:00.000Z"))).toEqual({ start: NOW, ms: 86_400_000n });
  });
});

describe("dailyAverage (millitokens a day, half up)", () => {
  it.each([
    // 14,000,000 over 7 days = 2,000,000 a day
    [14_000_000n, 7n * DAY, 2_000_000n],
    // 3 over 2 days = 1.5 → 2
    [3n, 2n * DAY, 2n],
    // 7 over 3 days = 2.333… → 2
    [7n, 3n * DAY, 2n],
    // 5 over 2 days = 2.5 → 3
    [5n, 2n * DAY, 3n],
    // 1 over 7 days = 0.142… → 0
    [1n, 7n * DAY, 0n],
  ])("%s over %s ms → %s", (consumed, ms, expected) => {
    expect(dailyAverage(consumed, ms)).toBe(expected);
  });
});

describe("forecastRunOut", () => {
  it("says empty when nothing is available, whatever the rate", () => {
    expect(
      forecastRunOut({ now: NOW, available: 0n, consumed: 5n, window: SEVEN_DAYS, periodEnd: PERIOD_END }),
    ).toEqual({ kind: "empty" });
    expect(
      forecastRunOut({ now: NOW, available: -300n, consumed: 0n, window: SEVEN_DAYS, periodEnd: PERIOD_END }),
    ).toEqual({ kind: "empty" });
  });

  it("says no usage when nothing was consumed in the window", () => {
    expect(
      forecastRunOut({ now: NOW, available: 100_000n, consumed: 0n, window: SEVEN_DAYS, periodEnd: PERIOD_END }),
    ).toEqual({ kind: "no-usage", window: SEVEN_DAYS });
  });

  it("dates the run-out when it comes before the period ends", () => {
    // 2,000 tokens a day (14,000 in 7 days); 5,000 tokens left → 2.5 days → 2026-11-23T00:00
    expect(
      forecastRunOut({
        now: NOW,
        available: 5_000_000n,
        consumed: 14_000_000n,
        window: SEVEN_DAYS,
        periodEnd: PERIOD_END,
      }),
    ).toEqual({
      kind: "runs-out",
      window: SEVEN_DAYS,
      dailyAverage: 2_000_000n,
      at: new Date("2026-11-23T00:00:00.000Z"),
    });
  });

  it("says the balance outlasts the period when the run-out is at or after its end", () => {
    // the same 2.5 days, but the period ends in 1.5 days (2026-11-22T00:00)
    const soon = new Date("2026-11-22T00:00:00.000Z");
    expect(
      forecastRunOut({ now: NOW, available: 5_000_000n, consumed: 14_000_000n, window: SEVEN_DAYS, periodEnd: soon }),
    ).toEqual({
      kind: "outlasts-period",
      window: SEVEN_DAYS,
      dailyAverage: 2_000_000n,
      periodEnd: soon,
    });
    // exactly at the end: 4,000 tokens = 2 days = the 2 days left (2026-11-22T12:00)
    const twoDays = new Date("2026-11-22T12:00:00.000Z");
    expect(
      forecastRunOut({ now: NOW, available: 4_000_000n, consumed: 14_000_000n, window: SEVEN_DAYS, periodEnd: twoDays })
        .kind,
    ).toBe("outlasts-period");
    // one millitoken less: 3,999,999 × 604,800,000 ÷ 14,000,000 = 172,799,956.8 → 172,799,956 ms, before the end
    expect(
      forecastRunOut({
        now: NOW,
        available: 3_999_999n,
        consumed: 14_000_000n,
        window: SEVEN_DAYS,
        periodEnd: twoDays,
      }),
    ).toMatchObject({
      kind: "runs-out",
      at: new Date(NOW.getTime() + 172_799_956),
    });
  });

  it("extrapolates a short period's rate over at least a day, floored to the millisecond", () => {
    // 7 millitokens in a one-day window, 1 left: 86,400,000 ÷ 7 = 12,342,857.14… → 12,342,857 ms
    const oneDay = { start: new Date("2026-11-20T06:00:00.000Z"), ms: DAY };
    expect(forecastRunOut({ now: NOW, available: 1n, consumed: 7n, window: oneDay, periodEnd: PERIOD_END })).toEqual({
      kind: "runs-out",
      window: oneDay,
      dailyAverage: 7n,
      at: new Date(NOW.getTime() + 12_342_857),
    });
  });

  it("never builds a date from an astronomically long time left", () => {
    // 10^15 millitokens at 1 millitoken a week: ~1.9 × 10^13 years — simply more than the period
    const result = forecastRunOut({
      now: NOW,
      available: 10n ** 15n,
      consumed: 1n,
      window: SEVEN_DAYS,
      periodEnd: PERIOD_END,
    });
    expect(result).toMatchObject({ kind: "outlasts-period", dailyAverage: 0n });
  });
});

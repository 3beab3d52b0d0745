// When the balance runs out at the current rate. Pure and exact: amounts are BigInt millitokens and
// durations BigInt milliseconds; the only rounding is the final floor to a whole millisecond.
//
// The rate is the consumption of a recent window: the last 7 days, or the current period so far
// when it began less than 7 days ago (the allowance was just renewed, older use belongs to another
// period). The window is never taken shorter than one day, so a single call in the first minutes of
// a period does not predict the balance gone within the hour.
import { DAY_MS } from "./days";

export const FORECAST_WINDOW_DAYS = 7;
const WINDOW_MS = BigInt(FORECAST_WINDOW_DAYS * DAY_MS);
const MIN_WINDOW_MS = BigInt(DAY_MS);

export interface ForecastWindow {
  /** Consumption since this instant sets the rate. */
  start: Date;
  /** The length the consumption is divided by (≥ one day). */
  ms: bigint;
}

/** The window whose consumption sets the rate: max(now − 7 days, period start) → now, ≥ one day long. */
export function forecastWindow(now: Date, periodStart: Date): ForecastWindow {
  const sevenDaysAgo = now.getTime() - Number(WINDOW_MS);
  const start = new Date(Math.min(now.getTime(), Math.max(sevenDaysAgo, periodStart.getTime())));
  const elapsed = BigInt(now.getTime() - start.getTime());
  return { start, ms: elapsed > MIN_WINDOW_MS ? elapsed : MIN_WINDOW_MS };
}

export type Forecast =
  /** Nothing available to spend. */
  | { kind: "empty" }
  /** No consumption in the window: no rate to extrapolate. */
  | { kind: "no-usage"; window: ForecastWindow }
  /** At this rate the balance outlasts the current period (it ends, or renews, first). */
  | { kind: "outlasts-period"; window: ForecastWindow; dailyAverage: bigint; periodEnd: Date }
  /** At this rate the balance is gone at `at`, before the period ends. */
  | { kind: "runs-out"; window: ForecastWindow; dailyAverage: bigint; at: Date };

export interface ForecastInput {
  now: Date;
  /** Millitokens available now (allowance + purchased − held). */
  available: bigint;
  /** Millitokens consumed (charged) since `window.start`. */
  consumed: bigint;
  window: ForecastWindow;
  /** End of the current period (the next reset). */
  periodEnd: Date;
}

/** Average millitokens a day over the window, rounded half up. */
export function dailyAverage(consumed: bigint, windowMs: bigint): bigint {
  return (consumed * BigInt(DAY_MS) * 2n + windowMs) / (2n * windowMs);
}

export function forecastRunOut({ now, available, consumed, window, periodEnd }: ForecastInput): Forecast {
  if (available <= 0n) return { kind: "empty" };
  if (consumed <= 0n) return { kind: "no-usage", window };
  // Time left = available ÷ (consumed ÷ window) = available × window ÷ consumed, floored.
  const msLeft = (available * window.ms) / consumed;
  const average = dailyAverage(consumed, window.ms);
  const periodLeft = BigInt(periodEnd.getTime() - now.getTime());
  if (msLeft >= periodLeft) return { kind: "outlasts-period", window, dailyAverage: average, periodEnd };
  return { kind: "runs-out", window, dailyAverage: average, at: new Date(now.getTime() + Number(msLeft)) };
}

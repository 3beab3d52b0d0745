// Calendar arithmetic of the usage views, in UTC: day buckets ("YYYY-MM-DD") and report months
// ("YYYY-MM"). Pure; the SQL receives the bounds computed here, so one definition of a day holds.

export const DAY_MS = 86_400_000;

/** The UTC calendar day of an instant, "YYYY-MM-DD". */
export function utcDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** Midnight UTC starting the day of `instant`. */
export function startOfUtcDay(instant: Date): Date {
  return new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate()));
}

export interface DayWindow {
  /** First day, "YYYY-MM-DD". */
  firstDay: string;
  /** Number of days, today included. */
  days: number;
  /** Midnight UTC of the first day (inclusive). */
  from: Date;
  /** Midnight UTC after today (exclusive). */
  to: Date;
}

/** The last `days` UTC days ending with the day of `now` (today included). */
export function lastDays(now: Date, days: number): DayWindow {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`days must be a positive integer, got ${days}`);
  const to = new Date(startOfUtcDay(now).getTime() + DAY_MS);
  const from = new Date(to.getTime() - days * DAY_MS);
  return { firstDay: utcDay(from), days, from, to };
}

/** A report month "YYYY-MM" as its UTC bounds [start, end). The caller validated the format. */
export function monthBounds(month: string): { start: Date; end: Date } {
  const [year, monthNumber] = month.split("-").map(Number) as [number, number];
  return { start: new Date(Date.UTC(year, monthNumber - 1, 1)), end: new Date(Date.UTC(year, monthNumber, 1)) };
}

/** "YYYY-MM" of the UTC month of `instant`. */
export function utcMonth(instant: Date): string {
  return instant.toISOString().slice(0, 7);
}

/** The months from `first` to `last` (both "YYYY-MM", inclusive), newest first, at most `limit`. */
export function monthsBetween(first: string, last: string, limit = 24): string[] {
  const months: string[] = [];
  let { start } = monthBounds(last);
  const stop = monthBounds(first).start;
  while (start >= stop && months.length < limit) {
    months.push(utcMonth(start));
    start = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - 1, 1));
  }
  return months;
}

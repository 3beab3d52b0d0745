// Monthly periods anchored on a date (sign-up for the free tier). Period n starts n calendar months
// after the anchor, on the anchor's day of month clamped to the month's length (an anchor on the
// 31st gives Feb 28/29, then Mar 31 again), at the anchor's time of day, in UTC.

export function addMonthsClamped(anchor: Date, months: number): Date {
  if (!Number.isInteger(months)) throw new RangeError(`months must be an integer, got ${months}`);
  const year = anchor.getUTCFullYear();
  const month = anchor.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(
      year,
      month,
      Math.min(anchor.getUTCDate(), lastDay),
      anchor.getUTCHours(),
      anchor.getUTCMinutes(),
      anchor.getUTCSeconds(),
      anchor.getUTCMilliseconds(),
    ),
  );
}

/** The period containing `now` for an anchor: its start and the start of the next one. */
export function periodContaining(anchor: Date, now: Date): { start: Date; end: Date; index: number } {
  if (now < anchor) return { start: anchor, end: addMonthsClamped(anchor, 1), index: 0 };
  let index = (now.getUTCFullYear() - anchor.getUTCFullYear()) * 12 + (now.getUTCMonth() - anchor.getUTCMonth());
  if (addMonthsClamped(anchor, index) > now) index--;
  return { start: addMonthsClamped(anchor, index), end: addMonthsClamped(anchor, index + 1), index };
}

/**
 * The allowance month of a billing period that contains `at`: months start on the anchor's day
 * (Stripe's billing_cycle_anchor; clamped like `addMonthsClamped`), bounded by the period. For a
 * monthly period this is the whole period; a yearly one has twelve. An `at` outside the period is
 * moved to its nearest end (the first month, or the last).
 */
export function allowanceMonth(anchor: Date, period: { start: Date; end: Date }, at: Date): { start: Date; end: Date } {
  const last = new Date(period.end.getTime() - 1);
  const t = at < period.start ? period.start : at > last ? last : at;
  const month = periodContaining(anchor, t);
  return {
    start: month.start > period.start ? month.start : period.start,
    end: month.end < period.end ? month.end : period.end,
  };
}

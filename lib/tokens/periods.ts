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

// What a user's calls charged between two instants, at a cost bounded by the span's two partial
// days: the whole UTC days inside the span are read from the daily roll-up (`usage_daily`, one row
// per day × feature × model, kept by a trigger in the ledger's own transactions), and only the rows
// of the partial first and last days from the ledger. Exact: a roll-up row is the sum of the consume
// rows of its day, so the two parts add up to the sum over the span's rows.
import { Prisma } from "../../db/generated/client";
import { DAY_MS, startOfUtcDay, utcDay } from "./days";

/** The span [from, to) cut into whole UTC days and the ledger time ranges left at either end. */
export interface SpanSplit {
  /** Whole days [firstDay, endDay) ("YYYY-MM-DD"; empty when equal), read from the roll-up. */
  firstDay: string;
  endDay: string;
  /** Two half-open instant ranges read from the ledger rows (either may be empty). */
  head: { from: Date; to: Date };
  tail: { from: Date; to: Date };
}

/** Pure. `to` is exclusive; a span with `to <= from` is empty. */
export function splitSpan(from: Date, to: Date): SpanSplit {
  const midnightAfterFrom = startOfUtcDay(from).getTime() === from.getTime() ? from : nextMidnight(from);
  const midnightBeforeTo = startOfUtcDay(to);
  if (midnightAfterFrom >= midnightBeforeTo) {
    // No whole day inside: the span is read from the ledger alone.
    return { firstDay: utcDay(from), endDay: utcDay(from), head: { from, to }, tail: { from: to, to } };
  }
  return {
    firstDay: utcDay(midnightAfterFrom),
    endDay: utcDay(midnightBeforeTo),
    head: { from, to: midnightAfterFrom },
    tail: { from: midnightBeforeTo, to },
  };
}

/**
 * A scalar SQL expression: the millitokens charged to `userId` by consume rows created in
 * [from, to), as bigint. For composing into one statement (periodUsage reads two spans at once).
 */
export function chargedBetweenSql(userId: string, from: Date, to: Date): Prisma.Sql {
  const s = splitSpan(from, to);
  return Prisma.sql`(
    (SELECT coalesce(sum(charged), 0) FROM usage_daily
      WHERE user_id = ${userId} AND day >= ${s.firstDay}::date AND day < ${s.endDay}::date)
    + (SELECT coalesce(sum(-(allowance_delta + purchased_delta)), 0) FROM token_transactions
      WHERE user_id = ${userId} AND kind = 'consume'
        AND ((created_at >= ${s.head.from} AND created_at < ${s.head.to})
          OR (created_at >= ${s.tail.from} AND created_at < ${s.tail.to})))
  )::bigint`;
}

function nextMidnight(instant: Date): Date {
  return new Date(startOfUtcDay(instant).getTime() + DAY_MS);
}

// Consumption per UTC day over the last N days, by feature and by model: one SQL statement over the
// user's daily roll-up (`usage_daily`: one row per day × feature × model, kept in the ledger's own
// transactions), grouped with GROUPING SETS, joined to the list of days so a day without usage is
// present with zeros. Its cost grows with the days and keys shown, not with the calls made. Amounts
// are what was charged (the millitokens taken from the balance: −(allowance_delta + purchased_delta)),
// as BigInt.
import type { DbTx } from "../../db/client";
import { lastDays, utcDay } from "./days";

export type UsageDimension = "feature" | "model";

/** One dimension's daily series. Keys are ordered by total, largest first (ties by name). */
export interface UsageSeries {
  /** Feature slugs or model names; "" when a row names none. */
  keys: string[];
  /** Per key, in `keys` order: the total over the window. */
  totals: bigint[];
  /** One entry per day of the window, oldest first; `amounts` aligned with `keys` (0n when unused). */
  days: { day: string; amounts: bigint[]; total: bigint }[];
}

export interface DailyUsage {
  firstDay: string;
  /** Days in the window, today (UTC) included. */
  dayCount: number;
  byFeature: UsageSeries;
  byModel: UsageSeries;
  /** Charged millitokens over the whole window. */
  total: bigint;
}

interface Row {
  day: string;
  dimension: UsageDimension | null;
  key: string | null;
  charged: bigint;
}

export async function dailyUsage(
  tx: DbTx,
  userId: string,
  { days, now = new Date() }: { days: number; now?: Date },
): Promise<DailyUsage> {
  const window = lastDays(now, days);
  const rows = await tx.$queryRaw<Row[]>`
    WITH days AS (
      SELECT ${window.firstDay}::date + i AS day FROM generate_series(0, ${days}::int - 1) AS i
    ), grouped AS (
      SELECT day,
             CASE WHEN GROUPING(feature) = 0 THEN 'feature' ELSE 'model' END AS dimension,
             CASE WHEN GROUPING(feature) = 0 THEN feature ELSE model END AS key,
             sum(charged)::bigint AS charged
      FROM usage_daily
      WHERE user_id = ${userId} AND day >= ${window.firstDay}::date AND day < ${utcDay(window.to)}::date
      GROUP BY GROUPING SETS ((day, feature), (day, model))
    )
    SELECT to_char(days.day, 'YYYY-MM-DD') AS day, g.dimension, g.key, coalesce(g.charged, 0)::bigint AS charged
    FROM days LEFT JOIN grouped g ON g.day = days.day
    ORDER BY days.day, g.dimension, g.key`;

  const dayList = [...new Set(rows.map((r) => r.day))];
  const byFeature = series(dayList, rows, "feature");
  const byModel = series(dayList, rows, "model");
  return {
    firstDay: window.firstDay,
    dayCount: days,
    byFeature,
    byModel,
    total: byFeature.totals.reduce((sum, t) => sum + t, 0n),
  };
}

/** Pivots one dimension's (day, key, amount) rows into aligned per-day arrays, zeros filled. */
function series(dayList: string[], rows: Row[], dimension: UsageDimension): UsageSeries {
  const mine = rows.filter((r) => r.dimension === dimension && r.key !== null);
  const totalsByKey = new Map<string, bigint>();
  for (const r of mine) totalsByKey.set(r.key!, (totalsByKey.get(r.key!) ?? 0n) + r.charged);
  const keys = [...totalsByKey.keys()].sort((a, b) => {
    const [ta, tb] = [totalsByKey.get(a)!, totalsByKey.get(b)!];
    return ta === tb ? (a < b ? -1 : a > b ? 1 : 0) : ta > tb ? -1 : 1;
  });
  const index = new Map(keys.map((k, i) => [k, i]));
  const perDay = new Map(dayList.map((day) => [day, keys.map(() => 0n)]));
  for (const r of mine) perDay.get(r.day)![index.get(r.key!)!] = r.charged;
  return {
    keys,
    totals: keys.map((k) => totalsByKey.get(k)!),
    days: dayList.map((day) => {
      const amounts = perDay.get(day)!;
      return { day, amounts, total: amounts.reduce((sum, a) => sum + a, 0n) };
    }),
  };
}

// The monthly usage report: per UTC day × feature × model, what the calls used and cost, plus the
// month's totals — one SQL statement (GROUPING SETS with the grand total) over the user's consume
// rows. Counts come from the usage breakdown each consume row carries (lib/tokens/cost ledgerUsage;
// a request that made several provider calls has them summed, with `calls`). Exact throughout:
// integers as BigInt, seconds as a decimal string (they may be fractional), money in micro-dollars.
import type { DbTx } from "../../db/client";
import { Prisma } from "../../db/generated/client";
import { monthBounds } from "./days";

export interface ReportLine {
  /** Requests charged (consume rows). */
  calls: bigint;
  inputTokens: bigint;
  cachedInputTokens: bigint;
  outputTokens: bigint;
  audioInputTokens: bigint;
  audioOutputTokens: bigint;
  images: bigint;
  /** Audio seconds, exact decimal string ("0" when none). */
  seconds: string;
  /** Provider cost in micro-dollars. */
  costMicroUsd: bigint;
  /** Millitokens taken from the balance. */
  charged: bigint;
}

export interface ReportRow extends ReportLine {
  day: string;
  feature: string;
  model: string;
}

export interface UsageReport {
  month: string;
  rows: ReportRow[];
  totals: ReportLine;
}

type Raw = ReportLine & { day: string | null; feature: string | null; model: string | null; grand: boolean };

/** Sum of one integer count of the usage breakdowns (field names are constants of this module). */
const count = (field: string) => Prisma.raw(`coalesce(sum((usage->>'${field}')::bigint), 0)::bigint`);

export async function monthlyUsageReport(tx: DbTx, userId: string, month: string): Promise<UsageReport> {
  const { start, end } = monthBounds(month);
  const rows = await tx.$queryRaw<Raw[]>`
    WITH consumed AS (
       SELECT to_char((created_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS day, coalesce(feature, '') AS feature,
              coalesce(usage->>'model', '') AS model, usage, cost_micro_usd, -(allowance_delta + purchased_delta) AS charged
       FROM token_transactions
       WHERE user_id = ${userId} AND kind = 'consume' AND created_at >= ${start} AND created_at < ${end}
     )
     SELECT day, feature, model, GROUPING(day) = 1 AS grand,
            count(*)::bigint AS calls,
            ${count("inputTokens")} AS "inputTokens",
            ${count("cachedInputTokens")} AS "cachedInputTokens",
            ${count("outputTokens")} AS "outputTokens",
            ${count("audioInputTokens")} AS "audioInputTokens",
            ${count("audioOutputTokens")} AS "audioOutputTokens",
            ${count("images")} AS images,
            coalesce(sum((usage->>'seconds')::numeric), 0)::text AS seconds,
            coalesce(sum(cost_micro_usd), 0)::bigint AS "costMicroUsd",
            coalesce(sum(charged), 0)::bigint AS charged
     FROM consumed
     GROUP BY GROUPING SETS ((day, feature, model), ())
     ORDER BY grand, day, feature, model`;
  const line = ({
    calls,
    inputTokens,
    cachedInputTokens,
    outputTokens,
    audioInputTokens,
    audioOutputTokens,
    images,
    seconds,
    costMicroUsd,
    charged,
  }: Raw): ReportLine => ({
    calls,
    inputTokens,
    cachedInputTokens,
    outputTokens,
    audioInputTokens,
    audioOutputTokens,
    images,
    seconds,
    costMicroUsd,
    charged,
  });
  const grand = rows.find((r) => r.grand)!;
  return {
    month,
    rows: rows.filter((r) => !r.grand).map((r) => ({ day: r.day!, feature: r.feature!, model: r.model!, ...line(r) })),
    totals: line(grand),
  };
}

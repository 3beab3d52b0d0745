// The monthly usage report: per UTC day × feature × model, what the calls used and cost, plus the
// month's totals — one SQL statement (GROUPING SETS with the grand total) over the user's daily
// roll-up (`usage_daily`, whose rows are exactly the report's lines, summed from the consume rows in
// the ledger's own transactions). Counts come from the usage breakdown each consume row carries
// (lib/tokens/cost ledgerUsage; a request that made several provider calls has them summed, with
// `calls`). Exact throughout:
// integers as BigInt, seconds as a decimal string (they may be fractional), money in micro-dollars.
import type { DbTx } from "../../db/client";
import { monthBounds, utcDay } from "./days";

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

export async function monthlyUsageReport(tx: DbTx, userId: string, month: string): Promise<UsageReport> {
  const { start, end } = monthBounds(month);
  const rows = await tx.$queryRaw<Raw[]>`
    SELECT to_char(day, 'YYYY-MM-DD') AS day, feature, model, GROUPING(day) = 1 AS grand,
           coalesce(sum(calls), 0)::bigint AS calls,
           coalesce(sum(input_tokens), 0)::bigint AS "inputTokens",
           coalesce(sum(cached_input_tokens), 0)::bigint AS "cachedInputTokens",
           coalesce(sum(output_tokens), 0)::bigint AS "outputTokens",
           coalesce(sum(audio_input_tokens), 0)::bigint AS "audioInputTokens",
           coalesce(sum(audio_output_tokens), 0)::bigint AS "audioOutputTokens",
           coalesce(sum(images), 0)::bigint AS images,
           coalesce(sum(seconds), 0)::text AS seconds,
           coalesce(sum(cost_micro_usd), 0)::bigint AS "costMicroUsd",
           coalesce(sum(charged), 0)::bigint AS charged
    FROM usage_daily
    WHERE user_id = ${userId} AND day >= ${utcDay(start)}::date AND day < ${utcDay(end)}::date
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

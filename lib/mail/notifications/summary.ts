// The monthly summary (opt-in): once a new period has started, the last period's use by feature and
// what the new one starts with — one mail per user and period (key monthly_summary:<user>:<period
// start>). Run after the monthly reset (the cron route), it covers every period that started lately,
// whether the reset started it or Stripe's invoice.paid did first; a run again queues nothing new.
//
// The last period is taken as the calendar month before the current period's start (periods are
// monthly, lib/tokens/periods.ts; for an anchor on the 29th–31st the clamped month may differ from
// the real period by a day or two at most).
import type { Db } from "../../db/connect";
import { addMonthsClamped } from "../../tokens/periods";
import { MILLITOKENS_PER_TOKEN } from "../../tokens/units";
import { enqueueMail } from "../outbox";

/** A period that started longer ago than this gets no summary (the mail would be stale). */
export const SUMMARY_WINDOW_MS = 3 * 86_400_000;

const wholeTokens = (millitokens: bigint) => Number((millitokens > 0n ? millitokens : 0n) / MILLITOKENS_PER_TOKEN);

/** Queues the summaries due at `now`; returns how many were queued (not counting ones queued before). */
export async function queueMonthlySummaries(db: Db, now: Date = new Date()): Promise<number> {
  const since = new Date(now.getTime() - SUMMARY_WINDOW_MS);
  const due = await db.$queryRaw<{ userId: string; email: string; periodStart: Date; available: bigint }[]>`
    SELECT p.user_id AS "userId", u.email, b.period_start AS "periodStart",
           (b.allowance + b.purchased - b.reserved)::bigint AS available
    FROM notification_preferences p
    JOIN user_token_balance b ON b.user_id = p.user_id
    JOIN users u ON u.id = p.user_id
    WHERE p.monthly_summary AND b.period_start > ${since} AND b.period_start <= ${now}
      AND NOT EXISTS (
        SELECT 1 FROM mail_outbox m
        WHERE m.idempotency_key = 'monthly_summary:' || p.user_id || ':' || to_char(b.period_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;
  let queued = 0;
  for (const row of due) {
    const start = addMonthsClamped(row.periodStart, -1);
    const features = await db.$queryRaw<{ feature: string; used: bigint }[]>`
      SELECT coalesce(feature, 'other') AS feature, sum(-(allowance_delta + purchased_delta))::bigint AS used
      FROM token_transactions
      WHERE user_id = ${row.userId} AND kind = 'consume' AND created_at >= ${start} AND created_at < ${row.periodStart}
      GROUP BY 1 ORDER BY 2 DESC`;
    const total = features.reduce((sum, f) => sum + f.used, 0n);
    const ok = await enqueueMail(db, {
      to: row.email,
      userId: row.userId,
      template: "monthly_summary",
      data: {
        periodStart: start.toISOString(),
        periodEnd: row.periodStart.toISOString(),
        features: features.map((f) => ({ feature: f.feature, tokens: wholeTokens(f.used) })),
        totalTokens: wholeTokens(total),
        availableTokens: wholeTokens(row.available),
      },
      idempotencyKey: `monthly_summary:${row.userId}:${row.periodStart.toISOString()}`,
    });
    if (ok) queued++;
  }
  return queued;
}

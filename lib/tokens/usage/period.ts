// This period's use against the allowance, and the run-out forecast. The period is the balance
// row's (period_start → next_reset_at); the allowance is the plan's tokens per month, or the free
// tier's (accountSummary); "used" is what consume rows charged since the period started — allowance
// and purchased tokens alike, so it can exceed the allowance when packs paid for the rest.
import type { DbTx } from "../../db/client";
import { accountSummary } from "../account-summary";
import { forecastRunOut, forecastWindow, type Forecast } from "./forecast";
import { chargedBetweenSql } from "./span";

export interface PeriodUsage {
  periodStart: Date;
  periodEnd: Date;
  /** Millitokens granted each period (plan or free tier). */
  allowance: bigint;
  /** Millitokens charged since the period started. */
  used: bigint;
  /** Millitokens available now. */
  available: bigint;
  planName: string | null;
  forecast: Forecast;
}

/**
 * Null when the user has no token account. One read of the balance, one statement for the sums: the
 * roll-up's whole days plus the ledger rows of the partial days (lib/tokens/usage/span.ts).
 */
export async function periodUsage(tx: DbTx, userId: string, now: Date = new Date()): Promise<PeriodUsage | null> {
  const summary = await accountSummary(tx, userId);
  if (!summary) return null;
  const { periodStart, nextResetAt, available } = summary.balance;
  const window = forecastWindow(now, periodStart);
  // Rows are stamped to the millisecond, so "created at or before now" is "before now + 1 ms".
  const end = new Date(now.getTime() + 1);
  const [sums] = await tx.$queryRaw<{ used: bigint; recent: bigint }[]>`
    SELECT ${chargedBetweenSql(userId, periodStart, end)} AS used, ${chargedBetweenSql(userId, window.start, end)} AS recent`;
  return {
    periodStart,
    periodEnd: nextResetAt,
    allowance: summary.periodAllowance,
    used: sums!.used,
    available,
    planName: summary.planName,
    forecast: forecastRunOut({ now, available, consumed: sums!.recent, window, periodEnd: nextResetAt }),
  };
}

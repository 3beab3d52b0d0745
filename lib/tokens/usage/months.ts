// The months a user can download a usage report for: from the month their token account opened to
// the current one (UTC), newest first, at most two years.
import type { DbTx } from "../../db/client";
import { monthsBetween, utcMonth } from "./days";

export const REPORT_MONTHS_LIMIT = 24;

export async function reportMonths(tx: DbTx, userId: string, now: Date = new Date()): Promise<string[]> {
  const account = await tx.userTokenBalance.findUnique({ where: { userId }, select: { periodAnchor: true } });
  const current = utcMonth(now);
  const first = account ? utcMonth(account.periodAnchor) : current;
  return monthsBetween(first <= current ? first : current, current, REPORT_MONTHS_LIMIT);
}

// The balance as the browser receives it (initial render, GET /api/tokens/balance, each SSE event):
// JSON-safe — millitokens as decimal strings, never floats — and small.
import type { DbTx } from "../../db/client";
import { accountSummary, type AccountSummary } from "../account-summary";
import type { BalanceStatus } from "../status";

export interface LiveBalance {
  /** allowance + purchased − reserved, millitokens (may be negative, see the ledger's Balance). */
  available: string;
  allowance: string;
  purchased: string;
  /** Held by calls in flight. */
  reserved: string;
  status: BalanceStatus;
  /** The allowance granted each period (plan or free tier), millitokens: what "low" is relative to. */
  periodAllowance: string;
  planName: string | null;
  nextResetAt: string;
}

export function toLiveBalance(summary: AccountSummary): LiveBalance {
  const { balance } = summary;
  return {
    available: String(balance.available),
    allowance: String(balance.allowance),
    purchased: String(balance.purchased),
    reserved: String(balance.reserved),
    status: summary.status,
    periodAllowance: String(summary.periodAllowance),
    planName: summary.planName,
    nextResetAt: balance.nextResetAt.toISOString(),
  };
}

/** The user's live balance, or null when the user has no token account. */
export async function readLiveBalance(tx: DbTx, userId: string): Promise<LiveBalance | null> {
  const summary = await accountSummary(tx, userId);
  return summary ? toLiveBalance(summary) : null;
}

// One page of the transaction history as the subscription page shows it: each row in words, with
// its date, its signed change and the balance after it. Plain values only (safe to pass to a
// client component). In the words given (the user's language on their own page; English by default,
// as the admin pages show it).
import type { DbTx } from "../db/client";
import { formatTokensDetailed } from "../format";
import { history, type TransactionKind } from "../tokens/ledger";
import { describeRow, ENGLISH_WORDS, type HistoryWords } from "./describe";
import { toHistoryFilters, type HistoryParams } from "./filters";
import { loadPlanNames } from "./plans";

export const HISTORY_PAGE_SIZE = 25;

export interface HistoryEntry {
  id: string;
  createdAt: Date;
  kind: TransactionKind;
  kindLabel: string;
  title: string;
  details: string[];
  /** "−4.6 tokens" */
  amount: string;
  /** Signed millitokens, decimal string (for tests and data attributes). */
  amountMillitokens: string;
  /** Allowance + purchased after this row, one decimal: "2,995.4". */
  balanceAfter: string;
  /** The whole row in words. */
  text: string;
  /** The admin who made an adjustment (user id); null on every other row. */
  actorId: string | null;
}

export interface HistoryView {
  entries: HistoryEntry[];
  nextCursor: string | null;
}

export async function historyView(
  tx: DbTx,
  userId: string,
  params: HistoryParams,
  limit = HISTORY_PAGE_SIZE,
  words: HistoryWords = ENGLISH_WORDS,
): Promise<HistoryView> {
  const [planNames, page] = await Promise.all([
    loadPlanNames(tx),
    history(tx, userId, { cursor: params.cursor, limit, filters: toHistoryFilters(params) }),
  ]);
  return {
    nextCursor: page.nextCursor,
    entries: page.rows.map((row) => {
      const description = describeRow(row, planNames, words);
      return {
        id: row.id.toString(),
        createdAt: row.createdAt,
        kind: row.kind,
        kindLabel: words.t(`history.kind.${row.kind}`),
        title: description.title,
        details: description.details,
        amount: description.amount,
        amountMillitokens: (row.allowanceDelta + row.purchasedDelta).toString(),
        balanceAfter: formatTokensDetailed(row.allowanceAfter + row.purchasedAfter, words.locale),
        text: description.text,
        actorId: row.actorId,
      };
    }),
  };
}

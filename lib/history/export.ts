// The CSV export of a user's history: every row matching the filters, newest first, streamed page
// by page (keyset pagination, so each page is one index range scan and memory stays flat however
// long the history). Rows written while the export runs are newer than its first page and are not
// included; no row is ever skipped or repeated. The pages are read on the node-postgres pool, not
// through Prisma (see historyOnPool): that, and no Intl formatter built per row (lib/format.ts), is
// what keeps the server's memory the same for 10,000 rows as for 100,000 (bench:pages).
import type pg from "pg";
import type { DbTx } from "../db/client";
import { historyOnPool, type HistoryFilters } from "../tokens/ledger";
import { CSV_BOM, csvHeader, csvRow } from "./csv";
import { loadPlanNames } from "./plans";

export const EXPORT_PAGE_SIZE = 200;

export function historyCsvStream(
  { tx, pool }: { tx: DbTx; pool: Pick<pg.Pool, "query"> },
  userId: string,
  filters: HistoryFilters,
  { pageSize = EXPORT_PAGE_SIZE }: { pageSize?: number } = {},
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let planNames: Awaited<ReturnType<typeof loadPlanNames>> | null = null;
  let cursor: string | null = null;
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!planNames) {
        planNames = await loadPlanNames(tx);
        controller.enqueue(encoder.encode(CSV_BOM + csvHeader()));
        return;
      }
      if (done) return;
      const page = await historyOnPool(pool, userId, { cursor, limit: pageSize, filters });
      const resolver = planNames;
      if (page.rows.length) controller.enqueue(encoder.encode(page.rows.map((row) => csvRow(row, resolver)).join("")));
      cursor = page.nextCursor;
      if (!cursor) {
        done = true;
        controller.close();
      }
    },
  });
}

// history: a user's ledger, newest first, keyset-paginated on (created_at, id) — stable while new
// rows arrive, and each page one index range scan.
import { z } from "zod";
import type { DbTx } from "../../db/client";
import { Prisma } from "../../db/generated/client";
import { LEDGER_ROW, type LedgerRow, type TransactionKind } from "./types";

export const TRANSACTION_KINDS = [
  "grant_allowance",
  "grant_pack",
  "grant_free",
  "expire_allowance",
  "consume",
  "refund",
  "clawback",
  "adjustment",
] as const satisfies readonly TransactionKind[];

export interface HistoryFilters {
  kinds?: TransactionKind[];
  feature?: string;
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** Hide bookkeeping rows that moved nothing (an expiry of an empty allowance). Default true. */
  hideEmpty?: boolean;
}

export interface HistoryPage {
  rows: LedgerRow[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

const cursorSchema = z.tuple([z.iso.datetime(), z.string().regex(/^\d+$/)]);
const MAX_BIGINT = 2n ** 63n - 1n;

export function encodeCursor(row: Pick<LedgerRow, "createdAt" | "id">): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id.toString()])).toString("base64url");
}

/** Decodes a cursor; null when it is not one of ours (a 400 for the caller). */
export function decodeCursor(cursor: string): { createdAt: Date; id: bigint } | null {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    if (!parsed.success) return null;
    const id = BigInt(parsed.data[1]);
    // Ledger ids are Postgres bigints: a larger one is not ours (and would fail the query, not 400).
    return id <= MAX_BIGINT ? { createdAt: new Date(parsed.data[0]), id } : null;
  } catch {
    return null;
  }
}

export async function history(
  tx: DbTx,
  userId: string,
  { cursor, limit = 50, filters = {} }: { cursor?: string | null; limit?: number; filters?: HistoryFilters } = {},
): Promise<HistoryPage> {
  const size = Math.min(Math.max(Math.trunc(limit), 1), 200);
  const after = cursor ? decodeCursor(cursor) : null;
  if (cursor && !after) throw new RangeError("invalid history cursor");

  const conditions = [Prisma.sql`user_id = ${userId}`];
  if (after) conditions.push(Prisma.sql`(created_at, id) < (${after.createdAt}, ${after.id})`);
  if (filters.kinds?.length) conditions.push(Prisma.sql`kind::text IN (${Prisma.join(filters.kinds)})`);
  if (filters.feature) conditions.push(Prisma.sql`feature = ${filters.feature}`);
  if (filters.from) conditions.push(Prisma.sql`created_at >= ${filters.from}`);
  if (filters.to) conditions.push(Prisma.sql`created_at < ${filters.to}`);
  if (filters.hideEmpty ?? true) {
    conditions.push(
      Prisma.sql`NOT (allowance_delta = 0 AND purchased_delta = 0 AND shortfall = 0 AND kind = 'expire_allowance')`,
    );
  }

  const rows = await tx.$queryRaw<LedgerRow[]>`
    SELECT ${LEDGER_ROW} FROM token_transactions
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY created_at DESC, id DESC
    LIMIT ${size + 1}`;
  const page = rows.slice(0, size);
  return { rows: page, nextCursor: rows.length > size ? encodeCursor(page[page.length - 1]!) : null };
}

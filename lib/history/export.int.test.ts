// historyCsvStream over real Postgres with many rows: the export is streamed page by page with the
// consumer's backpressure (the first bytes leave before the last page is read, and a consumer that
// stops reading stops the queries), and the rows are complete, once each and in order across page
// boundaries, including runs of rows with equal created_at that straddle them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbTx } from "@/lib/db/client";
import pg from "pg";
import { history, historyOnPool, openAccount } from "@/lib/tokens/ledger";
import { parseCsv } from "@/test/history/fixtures";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { CSV_BOM, CSV_COLUMNS } from "./csv";
import { historyCsvStream } from "./export";

const ROWS = 2_000;
const PAGE = 50; // 41 pages: the seeded rows and the sign-up grant (its empty expiry is not shown)
const ID = CSV_COLUMNS.indexOf("id");

let t: TestDatabase;
let userId: string;

beforeAll(async () => {
  t = await createTestDatabase({ poolMax: 4 });
  userId = await t.db.$transaction(async (tx) => {
    const user = await tx.user.create({ data: { email: "many-rows@example.com" } });
    await openAccount(tx, {
      userId: user.id,
      now: new Date("2026-01-01T00:00:00Z"),
      freeTierMillitokens: 100_000n,
      pricingVersion: 1,
    });
    return user.id;
  });
  // Seven rows share each created_at, so ties fall across every page boundary of 50.
  await t.sql(
    `INSERT INTO token_transactions (user_id, kind, allowance_delta, purchased_delta, allowance_after, purchased_after,
       source_type, feature, idempotency_key, created_at)
     SELECT $1, 'consume', -1, 0, 100000 - g, 0, 'feature', 'chat', 'many:' || g,
            timestamptz '2026-02-01 00:00:00+00' + make_interval(secs => g / 7)
     FROM generate_series(1, ${ROWS}) g`,
    [userId],
  );
}, 60_000);

afterAll(async () => {
  await t?.drop();
});

/** The export's database handles on t, counting the history page queries run on the pool. */
function counting(): { handles: { tx: DbTx; pool: Pick<pg.Pool, "query"> }; pages: () => number } {
  let pages = 0;
  const pool = {
    query: ((text: string, values?: unknown[]) => {
      if (text.includes("FROM token_transactions")) pages++;
      return t.pool.query(text, values);
    }) as pg.Pool["query"],
  };
  return { handles: { tx: t.db, pool }, pages: () => pages };
}

async function expectedIds(): Promise<string[]> {
  const rows = await t.sql<{ id: string }>(
    `SELECT id::text AS id FROM token_transactions t
     WHERE user_id = $1 AND NOT (kind = 'expire_allowance' AND allowance_delta = 0 AND purchased_delta = 0 AND shortfall = 0)
     ORDER BY t.created_at DESC, t.id DESC`, // the export hides empty expiries; t.id: the bigint, not the alias
    [userId],
  );
  return rows.map((r) => r.id);
}

describe("historyCsvStream with many rows", () => {
  it("sends its first rows before it reads the last page, and reads no further while the consumer waits", async () => {
    const { handles, pages } = counting();
    const reader = historyCsvStream(handles, userId, {}, { pageSize: PAGE }).getReader();
    const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
    let text = "";
    while (!text.includes("\r\n", text.indexOf("\r\n") + 2)) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      text += decoder.decode(value, { stream: true });
    }
    // A row arrived after at most two pages were read (the one sent, one queued ahead)…
    expect(pages()).toBeLessThanOrEqual(2);
    // …and while nobody reads, no more pages are fetched: memory holds a page or two, not the history.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pages()).toBeLessThanOrEqual(2);

    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(pages()).toBe(Math.ceil((ROWS + 1) / PAGE));
    expect(text.startsWith(CSV_BOM)).toBe(true);
    const [header, ...rows] = parseCsv(text.slice(CSV_BOM.length));
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(rows.map((r) => r[ID])).toEqual(await expectedIds());
  });

  it("exports every row once, newest first, across page boundaries inside runs of equal created_at", async () => {
    for (const pageSize of [9, 200]) {
      const text = await new Response(historyCsvStream({ tx: t.db, pool: t.pool }, userId, {}, { pageSize })).text();
      const [, ...rows] = parseCsv(text.replace(CSV_BOM, ""));
      const ids = rows.map((r) => r[ID]!);
      expect(ids).toHaveLength(ROWS + 1);
      expect(new Set(ids).size).toBe(ROWS + 1);
      expect(ids).toEqual(await expectedIds());
    }
  });

  it("reads on the pool exactly the rows Prisma's history reads: same values, same types", async () => {
    // The newest row, with every optional column set (the ledger is append-only: a new row).
    await t.sql(
      `INSERT INTO token_transactions (user_id, kind, allowance_delta, purchased_delta, allowance_after, purchased_after,
         source_type, source_ref, feature, usage, cost_micro_usd, reason, idempotency_key, created_at)
       VALUES ($1, 'consume', -5, 0, 0, 0, 'feature', 'req_1', 'chat',
         '{"model":"gpt-5-mini","inputTokens":12,"outputTokens":3}', 4600, 'r', 'many:newest', now() + interval '1 day')`,
      [userId],
    );
    for (const filters of [{}, { kinds: ["consume" as const], feature: "chat" }, { hideEmpty: false }]) {
      let cursor: string | null = null;
      let pagesRead = 0;
      do {
        const viaPrisma = await history(t.db, userId, { cursor, limit: 200, filters });
        const viaPool = await historyOnPool(t.pool, userId, { cursor, limit: 200, filters });
        expect(viaPool).toEqual(viaPrisma);
        expect(typeof viaPool.rows[0]!.id).toBe("bigint");
        cursor = viaPool.nextCursor;
        pagesRead++;
      } while (cursor);
      expect(pagesRead).toBeGreaterThan(ROWS / 200);
    }
    const [newest] = (await historyOnPool(t.pool, userId, { limit: 1 })).rows;
    expect(newest).toMatchObject({
      costMicroUsd: 4600n,
      usage: { model: "gpt-5-mini", inputTokens: 12 },
      sourceRef: "req_1",
    });
    expect(newest!.createdAt).toBeInstanceOf(Date);
  });
});

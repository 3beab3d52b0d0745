import { describe, expect, it } from "vitest";
import { grant } from "./grant";
import { encodeCursor, history, type HistoryFilters } from "./history";
import { startPeriod } from "./period";
import { settle } from "./reservations";
import { holdOrThrow, pack, reserveInput, ledgerTestDatabase } from "@/test/ledger/helpers";
import type { LedgerRow } from "./types";

const f = ledgerTestDatabase();

/**
 * A user with a varied ledger: open (expiry of 0 + free grant), 6 packs, 6 calls over two features,
 * and a new period (a non-empty expiry + a grant). 2 + 6 + 6 + 2 = 16 rows, one of them empty.
 */
async function busyUser(): Promise<string> {
  const userId = await f.newAccount();
  for (let i = 0; i < 6; i++) {
    await grant(f.t.db, pack(userId, `checkout:h${i}-${userId}`, BigInt(i + 1) * 10_000n));
    const id = await holdOrThrow(f.t.db, reserveInput(userId, 5_000n, { feature: i % 2 ? "image" : "chat" }));
    await settle(f.t.db, { reservationId: id, cost: BigInt(i + 1) * 100n });
  }
  await startPeriod(f.t.db, {
    userId,
    periodStart: new Date("2026-02-28T08:00:00.000Z"),
    periodEnd: new Date("2026-03-31T08:00:00.000Z"),
    allowance: 100_000n,
  });
  return userId;
}

/** Every row of the user, newest first, straight from the table. */
async function allRows(
  userId: string,
): Promise<{ id: bigint; kind: string; feature: string | null; createdAt: Date; empty: boolean }[]> {
  const rows = await f.t.sql<{ id: string; kind: string; feature: string | null; created_at: Date; empty: boolean }>(
    `SELECT id::text, kind::text, feature, created_at,
            (allowance_delta = 0 AND purchased_delta = 0 AND shortfall = 0 AND kind = 'expire_allowance') AS empty
     FROM token_transactions WHERE user_id = $1 ORDER BY created_at DESC, id DESC`,
    [userId],
  );
  return rows.map((r) => ({
    id: BigInt(r.id),
    kind: r.kind,
    feature: r.feature,
    createdAt: r.created_at,
    empty: r.empty,
  }));
}

async function pageThrough(
  userId: string,
  limit: number,
  filters?: HistoryFilters,
  between?: (page: number) => Promise<void>,
) {
  const seen: LedgerRow[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const result = await history(f.t.db, userId, { cursor, limit, filters });
    expect(result.rows.length).toBeLessThanOrEqual(limit);
    seen.push(...result.rows);
    if (!result.nextCursor) return seen;
    expect(result.rows).toHaveLength(limit);
    cursor = result.nextCursor;
    await between?.(page);
  }
  throw new Error("history never ended");
}

const ids = (rows: { id: bigint }[]) => rows.map((r) => r.id);

describe("history", () => {
  it("lists the user's rows newest first, hiding the empty expiry by default", async () => {
    const userId = await busyUser();
    const all = await allRows(userId);
    expect(all).toHaveLength(16);
    const page = await history(f.t.db, userId, { limit: 50 });
    expect(page.nextCursor).toBeNull();
    expect(ids(page.rows)).toEqual(ids(all.filter((r) => !r.empty)));
    expect(page.rows).toHaveLength(15);
    // Newest first: the new period's grant is the first row, its (non-empty) expiry the second.
    expect(page.rows.slice(0, 2).map((r) => [r.kind, r.allowanceDelta])).toEqual([
      ["grant_allowance", 100_000n],
      ["expire_allowance", -(100_000n - 2_100n)],
    ]);
    expect(page.rows.at(-1)).toMatchObject({ kind: "grant_free", allowanceDelta: 100_000n });
    for (let i = 1; i < page.rows.length; i++) {
      const [a, b] = [page.rows[i - 1]!, page.rows[i]!];
      expect(a.createdAt > b.createdAt || (a.createdAt.getTime() === b.createdAt.getTime() && a.id > b.id)).toBe(true);
    }
  });

  it("shows the empty expiry rows with hideEmpty: false", async () => {
    const userId = await busyUser();
    const page = await history(f.t.db, userId, { limit: 50, filters: { hideEmpty: false } });
    expect(ids(page.rows)).toEqual(ids(await allRows(userId)));
    expect(page.rows.at(-1)).toMatchObject({ kind: "expire_allowance", allowanceDelta: 0n, purchasedDelta: 0n });
  });

  it.each([[1], [2], [3], [4], [7], [15], [16]])("covers every row exactly once in pages of %i", async (limit) => {
    const userId = await busyUser();
    const expected = ids((await allRows(userId)).filter((r) => !r.empty));
    const seen = await pageThrough(userId, limit);
    expect(ids(seen)).toEqual(expected);
    expect(new Set(ids(seen)).size).toBe(seen.length);
  });

  it("covers every row exactly once while new rows arrive between page fetches", async () => {
    const userId = await busyUser();
    const expected = ids(await allRows(userId));
    let added = 0;
    const seen = await pageThrough(userId, 3, { hideEmpty: false }, async (page) => {
      await grant(f.t.db, pack(userId, `checkout:late-${page}-${userId}`, 1_000n));
      const id = await holdOrThrow(f.t.db, reserveInput(userId, 1_000n));
      await settle(f.t.db, { reservationId: id, cost: 10n });
      added += 2;
    });
    expect(added).toBeGreaterThan(0);
    // The newer rows are above the first page; paging down shows exactly the rows that existed.
    expect(ids(seen)).toEqual(expected);
    expect((await allRows(userId)).length).toBe(expected.length + added);
    const fresh = await history(f.t.db, userId, { limit: 200, filters: { hideEmpty: false } });
    expect(fresh.rows).toHaveLength(expected.length + added);
  });

  it("filters by kinds", async () => {
    const userId = await busyUser();
    const all = await allRows(userId);
    const consume = await pageThrough(userId, 4, { kinds: ["consume"] });
    expect(ids(consume)).toEqual(ids(all.filter((r) => r.kind === "consume")));
    expect(consume).toHaveLength(6);
    const grants = await history(f.t.db, userId, { limit: 50, filters: { kinds: ["grant_pack", "grant_free"] } });
    expect(ids(grants.rows)).toEqual(ids(all.filter((r) => r.kind === "grant_pack" || r.kind === "grant_free")));
    // An empty list of kinds is no filter.
    expect((await history(f.t.db, userId, { limit: 50, filters: { kinds: [] } })).rows).toHaveLength(15);
  });

  it("filters by feature", async () => {
    const userId = await busyUser();
    const all = await allRows(userId);
    const image = await history(f.t.db, userId, { limit: 50, filters: { feature: "image" } });
    expect(ids(image.rows)).toEqual(ids(all.filter((r) => r.feature === "image")));
    expect(image.rows).toHaveLength(3);
    expect(image.rows.every((r) => r.kind === "consume" && r.feature === "image")).toBe(true);
    expect((await history(f.t.db, userId, { filters: { feature: "nope" } })).rows).toEqual([]);
  });

  it("filters by time: from inclusive, to exclusive", async () => {
    const userId = await busyUser();
    const all = (await allRows(userId)).filter((r) => !r.empty);
    const times = [...new Set(all.map((r) => r.createdAt.getTime()))].sort((a, b) => a - b);
    const from = new Date(times[Math.floor(times.length / 3)]!);
    const to = new Date(times[Math.floor((2 * times.length) / 3)]!);
    const expected = all.filter((r) => r.createdAt >= from && r.createdAt < to);
    const rows = await pageThrough(userId, 2, { from, to });
    expect(ids(rows)).toEqual(ids(expected));
    expect(ids(await pageThrough(userId, 5, { from }))).toEqual(ids(all.filter((r) => r.createdAt >= from)));
    expect(ids(await pageThrough(userId, 5, { to }))).toEqual(ids(all.filter((r) => r.createdAt < to)));
    expect((await history(f.t.db, userId, { filters: { from: to, to: from } })).rows).toEqual([]);
  });

  it("combines filters with paging", async () => {
    const userId = await busyUser();
    const all = await allRows(userId);
    const rows = await pageThrough(userId, 1, { kinds: ["consume"], feature: "chat" });
    expect(ids(rows)).toEqual(ids(all.filter((r) => r.kind === "consume" && r.feature === "chat")));
  });

  it("shows only the user's own rows", async () => {
    const a = await busyUser();
    const b = await f.newAccount();
    const page = await history(f.t.db, b, { limit: 200, filters: { hideEmpty: false } });
    expect(page.rows).toHaveLength(2);
    expect(page.rows.every((r) => r.userId === b)).toBe(true);
    // A's cursor used for b shows nothing of a's.
    const aFirst = await history(f.t.db, a, { limit: 1 });
    const bPage = await history(f.t.db, b, { cursor: aFirst.nextCursor, limit: 200, filters: { hideEmpty: false } });
    expect(bPage.rows.every((r) => r.userId === b)).toBe(true);
    expect(await history(f.t.db, "no-such-user")).toEqual({ rows: [], nextCursor: null });
  });

  it("clamps the page size to 1 … 200", async () => {
    const userId = await busyUser();
    expect((await history(f.t.db, userId, { limit: 0 })).rows).toHaveLength(1);
    expect((await history(f.t.db, userId, { limit: -5 })).rows).toHaveLength(1);
    expect((await history(f.t.db, userId, { limit: 2.9 })).rows).toHaveLength(2);
    const big = await history(f.t.db, userId, { limit: 10_000 });
    expect(big.rows).toHaveLength(15);
    expect(big.nextCursor).toBeNull();
  });

  it("the next cursor is the last row of the page", async () => {
    const userId = await busyUser();
    const page = await history(f.t.db, userId, { limit: 4 });
    expect(page.nextCursor).toBe(encodeCursor(page.rows[3]!));
  });

  it.each([
    ["garbage", "not a cursor"],
    [
      "a JSON object",
      Buffer.from(JSON.stringify({ createdAt: "2026-01-01T00:00:00.000Z", id: "1" })).toString("base64url"),
    ],
    [
      "a non-numeric id",
      Buffer.from(JSON.stringify(["2026-01-01T00:00:00.000Z", "1; DROP TABLE users"])).toString("base64url"),
    ],
    ["a bad date", Buffer.from(JSON.stringify(["yesterday", "1"])).toString("base64url")],
    [
      "an id beyond bigint",
      Buffer.from(JSON.stringify(["2026-01-01T00:00:00.000Z", "99999999999999999999999"])).toString("base64url"),
    ],
  ])("refuses %s as cursor with a RangeError", async (_what, cursor) => {
    const userId = await f.newAccount();
    await expect(history(f.t.db, userId, { cursor })).rejects.toThrow(new RangeError("invalid history cursor"));
  });
});

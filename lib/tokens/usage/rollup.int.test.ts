// The daily usage roll-up (`usage_daily`, migration usage_daily) over real Postgres: kept exact by
// the ledger's own writes — concurrent settles, a replayed settle, a rolled-back transaction, a bulk
// insert — and the span sums built on it equal a plain sum over the ledger rows for any two instants.
// ledger:verify reports a roll-up that drifted, and usage_daily_rebuild repairs it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Prisma } from "@/lib/db/generated/client";
import { grant, settle, verifyLedger } from "../ledger";
import { holdOrThrow, ledgerTestDatabase, pack, reserveInput } from "@/test/ledger/helpers";
import { text } from "@/test/usage/seed";
import { chargedBetweenSql } from "./span";

const f = ledgerTestDatabase();

interface RollupRow {
  day: string;
  feature: string;
  model: string;
  calls: string;
  charged: string;
  cost: string;
  input: string;
}

async function rollup(userId: string): Promise<RollupRow[]> {
  return f.t.sql<RollupRow>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, feature, model, calls::text, charged::text,
            cost_micro_usd::text AS cost, input_tokens::text AS input
     FROM usage_daily WHERE user_id = $1 ORDER BY day, feature, model`,
    [userId],
  );
}

async function chargedBetween(userId: string, from: Date, to: Date): Promise<bigint> {
  const [row] = await f.t.db.$queryRaw<{ charged: bigint }[]>(
    Prisma.sql`SELECT ${chargedBetweenSql(userId, from, to)} AS charged`,
  );
  return row!.charged;
}

/** The oracle: a plain sum over the user's consume rows in [from, to). */
async function ledgerSum(userId: string, from: Date, to: Date): Promise<bigint> {
  const [row] = await f.t.sql<{ charged: string }>(
    `SELECT coalesce(sum(-(allowance_delta + purchased_delta)), 0)::text AS charged FROM token_transactions
     WHERE user_id = $1 AND kind = 'consume' AND created_at >= $2 AND created_at < $3`,
    [userId, from, to],
  );
  return BigInt(row!.charged);
}

async function chargeNow(userId: string, cost: bigint, feature = "chat", model = "gpt-4o"): Promise<void> {
  const id = await holdOrThrow(f.t.db, reserveInput(userId, cost, { feature }));
  const settled = await settle(f.t.db, { reservationId: id, cost, usage: text(model, cost, 10, 5) });
  if (!settled.ok) throw new Error(`settle failed: ${settled.error.type}`);
}

const today = () => new Date().toISOString().slice(0, 10);

describe("the usage roll-up", () => {
  it("adds each settle to its day, feature and model, exactly under concurrent settles", async () => {
    const alice = await f.newAccount();
    const others = await Promise.all([1, 2, 3].map(() => f.newAccount()));
    // 30 settles of one user on one roll-up row, racing 3 other users' settles.
    await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => chargeNow(alice, BigInt(100 + i))),
      ...others.flatMap((u) => Array.from({ length: 5 }, () => chargeNow(u, 700n, "recipe-generator"))),
      chargeNow(alice, 2_000n, "recipe-generator", "gpt-4o-mini"),
    ]);
    const charged = Array.from({ length: 30 }, (_, i) => 100 + i).reduce((a, b) => a + b, 0);
    expect(await rollup(alice)).toEqual([
      {
        day: today(),
        feature: "chat",
        model: "gpt-4o",
        calls: "30",
        charged: String(charged),
        cost: String(charged),
        input: "300",
      },
      {
        day: today(),
        feature: "recipe-generator",
        model: "gpt-4o-mini",
        calls: "1",
        charged: "2000",
        cost: "2000",
        input: "10",
      },
    ]);
    for (const u of others) expect((await rollup(u)).map((r) => [r.calls, r.charged])).toEqual([["5", "3500"]]);
    expect((await verifyLedger(f.t.db, { userIds: [alice, ...others] })).mismatches).toEqual([]);
  });

  it("counts a settle once when it is replayed", async () => {
    const bob = await f.newAccount();
    const id = await holdOrThrow(f.t.db, reserveInput(bob, 900n));
    const input = { reservationId: id, cost: 900n, usage: text("gpt-4o", 900n, 10, 5) };
    await Promise.all([settle(f.t.db, input), settle(f.t.db, input), settle(f.t.db, input)]);
    await settle(f.t.db, input);
    expect((await rollup(bob)).map((r) => [r.calls, r.charged])).toEqual([["1", "900"]]);
  });

  it("rolls back with the ledger row: a settle in a failed transaction leaves no usage", async () => {
    const carol = await f.newAccount();
    const id = await holdOrThrow(f.t.db, reserveInput(carol, 500n));
    await expect(
      f.t.db.$transaction(async (tx) => {
        const settled = await settle(tx, { reservationId: id, cost: 500n, usage: text("gpt-4o", 500n, 10, 5) });
        expect(settled.ok).toBe(true);
        expect(await tx.usageDaily.count({ where: { userId: carol } })).toBe(1);
        throw new Error("the caller failed after the settle");
      }),
    ).rejects.toThrow("the caller failed");
    expect(await rollup(carol)).toEqual([]);
  });

  it("adds a bulk insert of several users and days in one statement", async () => {
    const [dave, erin] = await Promise.all([f.newAccount(), f.newAccount()]);
    await grant(f.t.db, pack(dave, `rollup-pack-${dave}`, 1_000_000n));
    await grant(f.t.db, pack(erin, `rollup-pack-${erin}`, 1_000_000n));
    await f.t.sql(
      `INSERT INTO token_transactions (user_id, kind, purchased_delta, allowance_after, purchased_after, feature, usage,
         cost_micro_usd, idempotency_key, created_at)
       SELECT u, 'consume', -1000, 0, 0, 'chat', '{"model":"gpt-4o","seconds":1.25}', 1000, 'bulk:' || u || ':' || g,
              timestamptz '2026-11-20T12:00:00Z' + (g % 3) * interval '1 day'
       FROM unnest($1::text[]) u, generate_series(1, 9) g`,
      [[dave, erin]],
    );
    const [seconds] = await f.t.sql<{ seconds: string }>(
      "SELECT sum(seconds)::text AS seconds FROM usage_daily WHERE user_id = $1",
      [dave],
    );
    expect(seconds!.seconds).toBe("11.25");
    for (const u of [dave, erin])
      expect((await rollup(u)).map((r) => [r.day, r.calls, r.charged])).toEqual([
        ["2026-11-20", "3", "3000"],
        ["2026-11-21", "3", "3000"],
        ["2026-11-22", "3", "3000"],
      ]);
  });

  it("sums any span [from, to) exactly as the ledger rows do", async () => {
    const frank = await f.newAccount();
    await grant(f.t.db, pack(frank, `rollup-pack-${frank}`, 100_000_000n));
    const start = Date.parse("2026-11-10T00:00:00.000Z");
    const span = 10 * 86_400_000;
    // 400 rows at pseudo-random instants over ten days, midnights and the last millisecond of a
    // day among them; amounts differ so a row counted twice or missed changes the sum.
    await f.t.sql(
      `INSERT INTO token_transactions (user_id, kind, purchased_delta, allowance_after, purchased_after, feature, usage,
         cost_micro_usd, idempotency_key, created_at)
       SELECT $1, 'consume', -(1000 + g), 0, 0, 'chat', '{"model":"gpt-4o"}', 1000 + g, 'span:' || $1 || ':' || g,
              to_timestamp(($2::bigint + CASE WHEN g % 50 = 0 THEN (g / 50) * 86400000
                                           WHEN g % 50 = 1 THEN (g / 50 + 1) * 86400000 - 1
                                           ELSE (g::bigint * 2654435761) % $3::bigint END) / 1000.0)
       FROM generate_series(1, 400) g`,
      [frank, start, span],
    );
    await f.t.sql(
      `UPDATE user_token_balance SET purchased = (SELECT sum(purchased_delta) FROM token_transactions WHERE user_id = $1)
       WHERE user_id = $1`,
      [frank],
    );
    expect((await verifyLedger(f.t.db, { userIds: [frank] })).mismatches).toEqual([]);
    const instant = fc.oneof(
      fc.integer({ min: -86_400_000, max: span + 86_400_000 }),
      fc.integer({ min: -1, max: 11 }).map((d) => d * 86_400_000), // a midnight
      fc.integer({ min: 0, max: 10 }).map((d) => d * 86_400_000 - 1), // the last millisecond of a day
    );
    await fc.assert(
      fc.asyncProperty(instant, instant, async (a, b) => {
        const [from, to] = [new Date(start + Math.min(a, b)), new Date(start + Math.max(a, b))];
        expect(await chargedBetween(frank, from, to)).toBe(await ledgerSum(frank, from, to));
      }),
      { numRuns: 300 },
    );
  });

  it("is reported by ledger:verify when it drifts, and rebuilt from the ledger", async () => {
    const gina = await f.newAccount();
    await chargeNow(gina, 1_500n);
    await chargeNow(gina, 2_500n, "transcribe", "gpt-4o-mini-transcribe");
    await f.t.sql("UPDATE usage_daily SET charged = charged + 1 WHERE user_id = $1 AND feature = 'chat'", [gina]);
    await f.t.sql("DELETE FROM usage_daily WHERE user_id = $1 AND feature = 'transcribe'", [gina]);
    expect((await verifyLedger(f.t.db, { userIds: [gina] })).mismatches).toEqual([
      { userId: gina, problem: "usage_rollup", expected: 4_000n, actual: 1_501n },
    ]);
    await f.t.sql("SELECT usage_daily_rebuild(ARRAY[$1])", [gina]);
    expect((await verifyLedger(f.t.db, { userIds: [gina] })).mismatches).toEqual([]);
    expect((await rollup(gina)).map((r) => [r.feature, r.charged])).toEqual([
      ["chat", "1500"],
      ["transcribe", "2500"],
    ]);
  });
});

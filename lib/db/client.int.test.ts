import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { openAccount, reserve, settle } from "../tokens/ledger";
import { LedgerPipeline } from "../tokens/ledger/pipeline";
import { createDb, createPool, databaseReachable, namedStatementsAllowed, type Db } from "./client";

let t: TestDatabase;
let single: Db; // one connection, so pg_prepared_statements shows the session that ran the ledger

beforeAll(async () => {
  t = await createTestDatabase();
  // The server itself (a pooler would hand each statement another session): a fact of PostgreSQL's.
  single = createDb(t.directUrl, 1);
});
afterAll(async () => {
  await single?.$disconnect();
  await t?.drop();
});

const prepared = async () =>
  (
    await single.$queryRaw<
      { name: string; statement: string }[]
    >`SELECT name, statement FROM pg_prepared_statements ORDER BY name`
  ).filter((s) => s.name.startsWith("tg_"));

it("prepares the marked ledger statements once per connection, and leaves other queries unnamed", async () => {
  const userId = await single.$transaction(async (tx) => {
    const user = await tx.user.create({ data: { email: "prepared@example.com" } });
    await openAccount(tx, { userId: user.id, now: new Date(), freeTierMillitokens: 100_000n, pricingVersion: 1 });
    return user.id;
  });
  expect(await prepared()).toEqual([]);

  for (let i = 0; i < 3; i++) {
    const held = await reserve(single, { userId, amount: 1_000n, feature: "x", requestId: `p-${i}`, ttlMs: 60_000 });
    if (!held.ok) throw new Error(held.error.type);
    expect((await settle(single, { reservationId: held.reservation.id, cost: 500n })).ok).toBe(true);
  }
  const statements = await prepared();
  // reserve and settle are both a call of ledger_apply: one statement, prepared once however often it ran
  expect(statements).toHaveLength(1);
  expect(statements.every((s) => s.statement.startsWith("/* tollgate:prepared */"))).toBe(true);
  expect((await single.userTokenBalance.findUniqueOrThrow({ where: { userId } })).allowance).toBe(98_500n);
});

it("tells whether the database answers, without throwing", async () => {
  expect(await databaseReachable(single)).toBe(true);
  const unreachable = createDb("postgresql://postgres:postgres@127.0.0.1:1/nowhere", 1);
  try {
    expect(await databaseReachable(unreachable)).toBe(false);
  } finally {
    await unreachable.$disconnect();
  }
});

it("names nothing on a pool made with preparedStatements off (DATABASE_PREPARED_STATEMENTS=off), the ledger pipeline's statement included", async () => {
  const pool = createPool(t.directUrl, 1, undefined, { preparedStatements: false });
  const unnamed = createDb(pool);
  try {
    expect(namedStatementsAllowed(pool)).toBe(false);
    const userId = await unnamed.$transaction(async (tx) => {
      const user = await tx.user.create({ data: { email: "unnamed@example.com" } });
      await openAccount(tx, { userId: user.id, now: new Date(), freeTierMillitokens: 100_000n, pricingVersion: 1 });
      return user.id;
    });
    const pipeline = new LedgerPipeline({ pool, db: unnamed });
    const held = await pipeline.reserve({ userId, amount: 1_000n, feature: "x", requestId: "u-1", ttlMs: 60_000 });
    if (!held.ok) throw new Error(held.error.type);
    expect((await pipeline.settle({ userId, reservationId: held.reservation.id, cost: 500n })).ok).toBe(true);
    expect((await reserve(unnamed, { userId, amount: 1n, feature: "x", requestId: "u-2", ttlMs: 60_000 })).ok).toBe(
      true,
    );
    const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_prepared_statements");
    expect(rows[0]!.n).toBe(0);
  } finally {
    await unnamed.$disconnect();
    await pool.end();
  }
});

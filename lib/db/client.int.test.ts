import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { openAccount, reserve, settle } from "../tokens/ledger";
import { createDb, databaseReachable, type Db } from "./client";

let t: TestDatabase;
let single: Db; // one connection, so pg_prepared_statements shows the session that ran the ledger

beforeAll(async () => {
  t = await createTestDatabase();
  single = createDb(t.url, 1);
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

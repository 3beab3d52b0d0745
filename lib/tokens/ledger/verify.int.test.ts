// Each test that corrupts something repairs it before it ends, so the whole database is clean
// between tests (the first assertion of every test checks that).
import { beforeEach, describe, expect, it } from "vitest";
import { adjust, clawback } from "./corrections";
import { grant } from "./grant";
import { startPeriod } from "./period";
import { release, reserve, settle, sweepExpiredReservations } from "./reservations";
import { holdOrThrow, pack, reserveInput, ledgerTestDatabase } from "@/test/ledger/helpers";
import { verifyLedger } from "./verify";

const f = ledgerTestDatabase();

beforeEach(async () => {
  expect((await verifyLedger(f.t.db)).mismatches).toEqual([]);
});

/** A user who did a bit of everything, with one call still in flight. */
async function activeUser(): Promise<string> {
  const userId = await f.newAccount();
  await grant(f.t.db, pack(userId, `checkout:${userId}`, 1_000_000n));
  const a = await holdOrThrow(f.t.db, reserveInput(userId, 150_000n));
  await settle(f.t.db, { reservationId: a, cost: 123_456n });
  const b = await holdOrThrow(f.t.db, reserveInput(userId, 10_000n));
  await release(f.t.db, b);
  await holdOrThrow(f.t.db, reserveInput(userId, 20_000n)); // in flight
  await startPeriod(f.t.db, {
    userId,
    periodStart: new Date("2026-02-28T08:00:00.000Z"),
    periodEnd: new Date("2026-03-31T08:00:00.000Z"),
    allowance: 500_000n,
  });
  await clawback(f.t.db, { userId, amount: 100_000n, idempotencyKey: `refund:${userId}` });
  const admin = await f.t.db.user.create({ data: { email: `verify-admin-${userId}@example.com`, role: "admin" } });
  await adjust(f.t.db, {
    userId,
    amount: -1_234n,
    reason: "test",
    actorId: admin.id,
    idempotencyKey: `adjust:${userId}`,
  });
  return userId;
}

async function corrupt(sql: string, params: unknown[], undo: string, check: () => Promise<void>) {
  await f.t.sql(sql, params);
  try {
    await check();
  } finally {
    await f.t.sql(undo, params);
  }
}

describe("verifyLedger", () => {
  it("finds nothing wrong after every kind of operation", async () => {
    const users = [await activeUser(), await activeUser(), await f.newAccount()];
    const result = await verifyLedger(f.t.db);
    expect(result.mismatches).toEqual([]);
    const [{ n }] = (await f.t.sql<{ n: number }>("SELECT count(*)::int AS n FROM user_token_balance")) as [
      { n: number },
    ];
    expect(result.usersChecked).toBe(n);
    expect(await verifyLedger(f.t.db, { userIds: users })).toEqual({ usersChecked: 3, mismatches: [] });
  });

  it("reports a purchased balance that drifted from its rows, naming the user, expected and actual", async () => {
    const userId = await activeUser();
    const { purchased } = await f.buckets(userId);
    // 1_000_000 bought − 23_456 (the call's 123_456 beyond the 100_000 allowance) − 100_000 clawed back.
    expect(purchased).toBe(876_544n);
    await corrupt(
      "UPDATE user_token_balance SET purchased = purchased + 1 WHERE user_id = $1",
      [userId],
      "UPDATE user_token_balance SET purchased = purchased - 1 WHERE user_id = $1",
      async () => {
        expect((await verifyLedger(f.t.db)).mismatches).toEqual([
          { userId, problem: "purchased_sum", expected: 876_544n, actual: 876_545n },
        ]);
      },
    );
  });

  it("reports an allowance drift as allowance_sum", async () => {
    const userId = await activeUser();
    await corrupt(
      "UPDATE user_token_balance SET allowance = allowance - 7 WHERE user_id = $1",
      [userId],
      "UPDATE user_token_balance SET allowance = allowance + 7 WHERE user_id = $1",
      async () => {
        expect((await verifyLedger(f.t.db)).mismatches).toEqual([
          { userId, problem: "allowance_sum", expected: 498_766n, actual: 498_759n },
        ]);
      },
    );
  });

  it("reports a reserved drift as reserved_sum", async () => {
    const userId = await activeUser();
    await corrupt(
      "UPDATE user_token_balance SET reserved = reserved + 5 WHERE user_id = $1",
      [userId],
      "UPDATE user_token_balance SET reserved = reserved - 5 WHERE user_id = $1",
      async () => {
        expect((await verifyLedger(f.t.db)).mismatches).toEqual([
          { userId, problem: "reserved_sum", expected: 20_000n, actual: 20_005n },
        ]);
      },
    );
  });

  it("reports a hold that vanished without its tokens returning (reserved_sum)", async () => {
    const userId = await activeUser();
    await corrupt(
      "UPDATE token_reservations SET status = 'released' WHERE user_id = $1 AND status = 'held'",
      [userId],
      "UPDATE token_reservations SET status = 'held' WHERE user_id = $1 AND status = 'released' AND amount = 20000",
      async () => {
        expect((await verifyLedger(f.t.db)).mismatches).toEqual([
          { userId, problem: "reserved_sum", expected: 0n, actual: 20_000n },
        ]);
      },
    );
  });

  it("reports a negative bucket (were the CHECK constraint ever lost)", async () => {
    const userId = await f.newAccount();
    await f.t.sql("ALTER TABLE user_token_balance DROP CONSTRAINT user_token_balance_purchased_nonneg");
    try {
      await corrupt(
        "UPDATE user_token_balance SET purchased = -3 WHERE user_id = $1",
        [userId],
        "UPDATE user_token_balance SET purchased = 0 WHERE user_id = $1",
        async () => {
          expect((await verifyLedger(f.t.db, { userIds: [userId] })).mismatches).toEqual([
            { userId, problem: "negative_bucket", expected: 0n, actual: -3n },
            { userId, problem: "purchased_sum", expected: 0n, actual: -3n },
          ]);
        },
      );
    } finally {
      await f.t.sql(
        'ALTER TABLE user_token_balance ADD CONSTRAINT user_token_balance_purchased_nonneg CHECK ("purchased" >= 0)',
      );
    }
  });

  it("reports ledger rows of a user without a balance", async () => {
    const user = await f.newUser();
    await f.t.sql(
      `INSERT INTO token_transactions (user_id, kind, allowance_delta, purchased_delta, allowance_after, purchased_after, idempotency_key)
       VALUES ($1, 'grant_pack', 0, 4200, 0, 4200, $2)`,
      [user, `orphan:${user}`],
    );
    try {
      expect((await verifyLedger(f.t.db)).mismatches).toEqual([
        { userId: user, problem: "ledger_without_balance", expected: 0n, actual: 4_200n },
      ]);
      expect((await verifyLedger(f.t.db, { userIds: [user] })).mismatches).toHaveLength(1);
    } finally {
      // Repair: the balance the row belongs to (ledger rows cannot be deleted).
      await f.t.sql(
        "INSERT INTO user_token_balance (user_id, purchased, period_start, next_reset_at, period_anchor) VALUES ($1, 4200, now(), now(), now())",
        [user],
      );
    }
  });

  it("checks only the users in scope", async () => {
    const bad = await activeUser();
    const good = await activeUser();
    await corrupt(
      "UPDATE user_token_balance SET purchased = purchased + 1 WHERE user_id = $1",
      [bad],
      "UPDATE user_token_balance SET purchased = purchased - 1 WHERE user_id = $1",
      async () => {
        expect(await verifyLedger(f.t.db, { userIds: [good] })).toEqual({ usersChecked: 1, mismatches: [] });
        const both = await verifyLedger(f.t.db, { userIds: [good, bad] });
        expect(both.usersChecked).toBe(2);
        expect(both.mismatches).toEqual([
          { userId: bad, problem: "purchased_sum", expected: 876_544n, actual: 876_545n },
        ]);
        expect(await verifyLedger(f.t.db, { userIds: ["no-such-user"] })).toEqual({ usersChecked: 0, mismatches: [] });
        expect(await verifyLedger(f.t.db, { userIds: [] })).toEqual({ usersChecked: 0, mismatches: [] });
      },
    );
  });

  it("lists every problem of every user, ordered by user then problem", async () => {
    const [x, y] = [await f.newAccount(), await f.newAccount()].sort();
    await f.t.sql(
      "UPDATE user_token_balance SET allowance = allowance + 1, purchased = purchased + 2, reserved = reserved + 3 WHERE user_id = ANY($1)",
      [[x, y]],
    );
    try {
      const { mismatches } = await verifyLedger(f.t.db, { userIds: [x!, y!] });
      expect(mismatches.map((m) => [m.userId, m.problem])).toEqual([
        [x, "allowance_sum"],
        [x, "purchased_sum"],
        [x, "reserved_sum"],
        [y, "allowance_sum"],
        [y, "purchased_sum"],
        [y, "reserved_sum"],
      ]);
    } finally {
      await f.t.sql(
        "UPDATE user_token_balance SET allowance = allowance - 1, purchased = purchased - 2, reserved = reserved - 3 WHERE user_id = ANY($1)",
        [[x, y]],
      );
    }
  });

  it("stays clean through a sweep of expired holds and the settle of one of them", async () => {
    const userId = await f.newAccount();
    const now = new Date("2001-01-01T00:00:00.000Z");
    const id = await holdOrThrow(f.t.db, reserveInput(userId, 40_000n, { now, ttlMs: 1 }));
    await sweepExpiredReservations(f.t.db, new Date(now.getTime() + 1));
    expect((await verifyLedger(f.t.db, { userIds: [userId] })).mismatches).toEqual([]);
    await settle(f.t.db, { reservationId: id, cost: 40_000n });
    expect((await reserve(f.t.db, reserveInput(userId, 60_001n))).ok).toBe(false);
    expect((await verifyLedger(f.t.db, { userIds: [userId] })).mismatches).toEqual([]);
  });
});

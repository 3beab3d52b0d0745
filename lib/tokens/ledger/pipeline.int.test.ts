// The ledger pipeline over real Postgres: calls sent together give exactly what each gives alone;
// concurrency never spends a token twice — within a batch, across lanes, across processes (two
// pipelines), and against the ledger's other writers; a batch that fails as a whole is retried call
// by call, so one call's failure is only its own.
import pg from "pg";
import { describe, expect, it } from "vitest";
import { callKey, runCall, reserveCall, settleCall } from "./apply";
import { adjust, clawback } from "./corrections";
import { grant } from "./grant";
import { startPeriod } from "./period";
import { LedgerPipeline } from "./pipeline";
import { reserve, sweepExpiredReservations } from "./reservations";
import { ledgerTestDatabase, nextRequestId, pack, reserveInput } from "@/test/ledger/helpers";
import { verifyLedger } from "./verify";

const f = ledgerTestDatabase({ poolMax: 20 });

const pipeline = (options: { lanes?: number; maxBatch?: number; lockTimeoutMs?: number } = {}) =>
  new LedgerPipeline({ pool: f.t.pool, db: f.t.db, ...options });
const clean = async (...userIds: string[]) => expect((await verifyLedger(f.t.db, { userIds })).mismatches).toEqual([]);

describe("ledger pipeline: one call", () => {
  it("reserves, settles and releases with the same results as the operations alone", async () => {
    const p = pipeline();
    const userId = await f.newAccount(); // 100_000 allowance
    await grant(f.t.db, pack(userId, `checkout:${userId}`, 50_000n));

    const held = await p.reserve(reserveInput(userId, 30_000n));
    if (!held.ok) throw new Error(held.error.type);
    expect([held.duplicate, held.available, held.reservation.status, held.reservation.userId]).toEqual([
      false,
      120_000n,
      "held",
      userId,
    ]);
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 50_000n, reserved: 30_000n });

    // A charge above the allowance: allowance first, then purchased.
    const usage = { model: "gpt-5-mini", inputTokens: 12, outputTokens: 8 };
    const big = await p.reserve(reserveInput(userId, 110_000n));
    if (!big.ok) throw new Error(big.error.type);
    const s = await p.settle({ reservationId: big.reservation.id, userId, cost: 105_000n, usage, pricingVersion: 1 });
    if (!s.ok) throw new Error(s.error.type);
    expect([s.charged, s.shortfall, s.duplicate]).toEqual([105_000n, 0n, false]);
    expect(s.row).toMatchObject({
      userId,
      kind: "consume",
      allowanceDelta: -100_000n,
      purchasedDelta: -5_000n,
      allowanceAfter: 0n,
      purchasedAfter: 45_000n,
      costMicroUsd: 105_000n,
      usage,
      pricingVersion: 1,
      sourceType: "request",
      sourceRef: big.reservation.requestId,
      idempotencyKey: `call:${big.reservation.requestId}`,
    });
    expect(s.balance).toEqual({ allowance: 0n, purchased: 45_000n, reserved: 30_000n, available: 15_000n });

    const r = await p.release({ reservationId: held.reservation.id, userId });
    expect(r).toEqual({
      ok: true,
      released: true,
      balance: { allowance: 0n, purchased: 45_000n, reserved: 0n, available: 45_000n },
    });
    expect(await f.reservationStatus(held.reservation.id)).toBe("released");
    await clean(userId);
  });

  it("answers repeats, closed and unknown reservations and refusals as the operations alone do", async () => {
    const p = pipeline();
    const userId = await f.newAccount();
    const input = reserveInput(userId, 60_000n);
    const first = await p.reserve(input);
    if (!first.ok) throw new Error(first.error.type);
    // The same request again: the first reservation, nothing more held.
    const again = await p.reserve(input);
    expect(again.ok && [again.duplicate, again.reservation.id]).toEqual([true, first.reservation.id]);
    // A different request that the rest cannot cover: refused with what is available, nothing held.
    expect(await p.reserve(reserveInput(userId, 50_000n))).toEqual({
      ok: false,
      error: { type: "InsufficientTokens", required: 50_000n, available: 40_000n },
    });
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 60_000n });

    const settled = await p.settle({ reservationId: first.reservation.id, userId, cost: 10_000n });
    const twice = await p.settle({ reservationId: first.reservation.id, userId, cost: 10_000n });
    if (!settled.ok || !twice.ok) throw new Error("settle failed");
    expect([twice.duplicate, twice.row.id, twice.charged]).toEqual([true, settled.row.id, 10_000n]);
    expect(await p.release({ reservationId: first.reservation.id, userId })).toEqual({
      ok: true,
      released: false,
      balance: null,
    });

    const unknown = "00000000-0000-4000-8000-000000000000";
    expect(await p.settle({ reservationId: unknown, userId, cost: 1n })).toEqual({
      ok: false,
      error: { type: "ReservationNotFound", reservationId: unknown },
    });
    expect(await p.release({ reservationId: unknown, userId })).toEqual({
      ok: false,
      error: { type: "ReservationNotFound", reservationId: unknown },
    });
    const nobody = await f.newUser();
    expect(await p.reserve(reserveInput(nobody, 1n))).toEqual({
      ok: false,
      error: { type: "AccountNotFound", userId: nobody },
    });
    // Another user's request id is refused, not handed over.
    const other = await f.newAccount();
    expect(await p.reserve({ ...input, userId: other })).toEqual({
      ok: false,
      error: { type: "IdempotencyKeyReused", key: input.requestId, ownerUserId: userId },
    });
    expect(await f.buckets(userId)).toEqual({ allowance: 90_000n, purchased: 0n, reserved: 0n });
    expect(await f.buckets(other)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
    await clean(userId, other);
  });

  it("a settle whose call key was already used charges nothing and leaves its reservation held", async () => {
    const p = pipeline();
    const userId = await f.newAccount();
    const held = await p.reserve(reserveInput(userId, 20_000n));
    if (!held.ok) throw new Error(held.error.type);
    // Something else wrote a row under this call's key (the key is the charge's identity).
    const taken = await grant(f.t.db, {
      userId,
      bucket: "purchased",
      kind: "grant_pack",
      amount: 5_000n,
      idempotencyKey: callKey(held.reservation.requestId),
    });
    if (!taken.ok) throw new Error(taken.error.type);
    const s = await p.settle({ reservationId: held.reservation.id, userId, cost: 7_000n });
    expect(s.ok && [s.duplicate, s.row.id]).toEqual([true, taken.row.id]);
    expect(await f.reservationStatus(held.reservation.id)).toBe("held");
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 5_000n, reserved: 20_000n });
    await clean(userId);
  });

  it("a call applied twice (its first answer lost) answers with its first result", async () => {
    const userId = await f.newAccount();
    const hold = reserveCall(reserveInput(userId, 20_000n));
    const first = await runCall(f.t.db, hold);
    const repeat = await runCall(f.t.db, hold);
    if (!first.ok || !repeat.ok) throw new Error("refused");
    expect([repeat.duplicate, repeat.reservation.id]).toEqual([true, first.reservation.id]);
    const charge = settleCall({ reservationId: first.reservation.id, cost: 7_000n });
    const a = await runCall(f.t.db, charge);
    const b = await runCall(f.t.db, charge);
    if (!a.ok || !b.ok) throw new Error("settle failed");
    expect([b.duplicate, b.row.id]).toEqual([true, a.row.id]);
    expect(await f.buckets(userId)).toEqual({ allowance: 93_000n, purchased: 0n, reserved: 0n });
    await clean(userId);
  });
});

describe("ledger pipeline: many calls", () => {
  it("commits calls that arrive together in one statement", async () => {
    const p = pipeline({ lanes: 1, maxBatch: 128 });
    const users = await Promise.all(Array.from({ length: 10 }, () => f.newAccount()));
    const results = await Promise.all(
      users.flatMap((userId) => Array.from({ length: 10 }, () => p.reserve(reserveInput(userId, 1_000n)))),
    );
    expect(results.every((r) => r.ok && !r.duplicate)).toBe(true);
    const stats = p.stats();
    // All made in one turn of the event loop: one statement, one commit.
    expect([stats.calls, stats.statements]).toEqual([100, 1]);
    for (const userId of users)
      expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 10_000n });
    await clean(...users);
  });

  it("keeps each user's calls in arrival order with several lanes: the first that fit are held, the later refused", async () => {
    const p = pipeline({ lanes: 4, maxBatch: 7 });
    const users: string[] = [];
    for (let i = 0; i < 6; i++) users.push(await f.newAccount({ free: 10_000n }));
    // 30 holds of 1_000 per user, interleaved across users, all made in one turn of the event loop.
    const calls = Array.from({ length: 30 }, (_, i) =>
      users.map((userId) => p.reserve(reserveInput(userId, 1_000n)).then((r) => [userId, i, r.ok] as const)),
    ).flat();
    const outcomes = await Promise.all(calls);
    for (const userId of users) {
      const held = outcomes.filter(([u]) => u === userId).map(([, i, ok]) => (ok ? i : -1));
      expect(held).toEqual(Array.from({ length: 30 }, (_, i) => (i < 10 ? i : -1)));
    }
    expect(p.stats().failedBatches).toBe(0);
  });

  it("sends at most maxBatch calls a statement, the rest in the statements after it", async () => {
    const p = pipeline({ lanes: 1, maxBatch: 10 });
    const userId = await f.newAccount();
    const results = await Promise.all(Array.from({ length: 25 }, () => p.reserve(reserveInput(userId, 1_000n))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(p.stats()).toMatchObject({ calls: 25, statements: 3, failedBatches: 0 });
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 25_000n });
    await clean(userId);
  });

  it("refuses a malformed reservation id before anything is sent", async () => {
    const p = pipeline();
    const userId = await f.newAccount();
    await expect(p.settle({ reservationId: "not-a-uuid", userId, cost: 1n })).rejects.toThrow(
      /reservationId must be a UUID/,
    );
    await expect(p.release({ reservationId: "not-a-uuid", userId })).rejects.toThrow(/reservationId must be a UUID/);
    expect(p.stats().statements).toBe(0);
  });

  it.each([1, 2])(
    "1,000 concurrent reserve+settle pairs on a balance that covers exactly 500, %i lanes: 500 succeed, 500 are refused",
    async (lanes) => {
      const p = pipeline({ lanes });
      const userId = await f.newAccount(); // 100_000 allowance
      await grant(f.t.db, pack(userId, `checkout:${userId}`, 400_000n)); // + 400_000 purchased = 500 × 1_000
      const outcomes = await Promise.all(
        Array.from({ length: 1_000 }, async (_, i) => {
          const r = await p.reserve(reserveInput(userId, 1_000n, { requestId: `pipe-pair-${userId}-${i}` }));
          if (!r.ok) return r.error.type;
          const s = await p.settle({ reservationId: r.reservation.id, userId, cost: 1_000n });
          if (!s.ok) throw new Error(`settle failed: ${s.error.type}`);
          expect([s.charged, s.shortfall, s.duplicate]).toEqual([1_000n, 0n, false]);
          return "settled";
        }),
      );
      expect(outcomes.filter((o) => o === "settled")).toHaveLength(500);
      expect(outcomes.filter((o) => o === "InsufficientTokens")).toHaveLength(500);
      expect(await f.buckets(userId)).toEqual({ allowance: 0n, purchased: 0n, reserved: 0n });
      const [consumed] = await f.t.sql(
        `SELECT count(*)::int AS rows, sum(allowance_delta + purchased_delta)::text AS taken, sum(shortfall)::text AS shortfall
       FROM token_transactions WHERE user_id = $1 AND kind = 'consume'`,
        [userId],
      );
      expect(consumed).toEqual({ rows: 500, taken: "-500000", shortfall: "0" });
      expect(p.stats().statements).toBeLessThan(p.stats().calls / 4); // batched, not one by one
      await clean(userId);
    },
    60_000,
  );

  it.each([
    [1, 1],
    [2, 2],
    [4, 2],
  ])(
    "two processes' pipelines (%i and %i lanes) on the same users never deadlock and never overspend",
    async (x, y) => {
      // Two pipelines = two server processes: their batches lock the same balance rows, in the same
      // (user id) order, so they wait for each other but never deadlock (a deadlock would fail a batch
      // after deadlock_timeout and show as a retried batch). With several lanes a process has several
      // batches in flight at once, of disjoint users, each in the same order; and the lanes of two
      // processes with different lane counts share users in any pattern.
      const a = pipeline({ lanes: x });
      const b = pipeline({ lanes: y });
      const users = await Promise.all(Array.from({ length: 4 }, () => f.newAccount())); // 100 × 1_000 each
      const calls = Array.from({ length: 600 }, async (_, i) => {
        const p = i % 2 ? a : b;
        const userId = users[(i * 7) % users.length]!;
        const r = await p.reserve(reserveInput(userId, 1_000n));
        if (!r.ok) return r.error.type;
        const s = await p.settle({ reservationId: r.reservation.id, userId, cost: 1_000n });
        if (!s.ok) throw new Error(s.error.type);
        return "settled";
      });
      const outcomes = await Promise.all(calls);
      expect(outcomes.filter((o) => o === "settled")).toHaveLength(400);
      expect(outcomes.filter((o) => o === "InsufficientTokens")).toHaveLength(200);
      expect([a.stats().failedBatches, b.stats().failedBatches]).toEqual([0, 0]);
      for (const userId of users)
        expect(await f.buckets(userId)).toEqual({ allowance: 0n, purchased: 0n, reserved: 0n });
      await clean(...users);
    },
    60_000,
  );

  it("stays consistent beside the ledger's other writers (grants, a new period, corrections, sweeps)", async () => {
    const p = pipeline();
    const userId = await f.newAccount();
    const admin = await f.newUser();
    await grant(f.t.db, pack(userId, `checkout:base-${userId}`, 300_000n));
    const past = new Date(Date.now() - 3_600_000);
    let charged = 0n;
    let settledCount = 0;
    const calls = Array.from({ length: 200 }, async (_, i) => {
      const amount = BigInt(1 + (i % 9)) * 1_000n;
      // A third reserve "an hour ago" with a short time to live: the sweeps may expire them first.
      const r = await p.reserve(
        reserveInput(userId, amount, i % 3 === 0 ? { now: past, ttlMs: 1_000, requestId: nextRequestId("pipe") } : {}),
      );
      if (!r.ok) {
        expect(r.error.type).toBe("InsufficientTokens");
        return;
      }
      if (i % 7 === 0) {
        await p.release({ reservationId: r.reservation.id, userId });
        return;
      }
      const cost = i % 5 === 0 ? amount * 3n : amount - 1n;
      const s = await p.settle({ reservationId: r.reservation.id, userId, cost });
      if (!s.ok) throw new Error(`settle failed: ${s.error.type}`);
      expect(s.charged + s.shortfall).toBe(cost);
      charged += s.charged;
      settledCount++;
    });
    const others = [
      ...Array.from({ length: 20 }, (_, i) => grant(f.t.db, pack(userId, `checkout:pipe-${i}-${userId}`, 5_000n))),
      ...Array.from({ length: 3 }, () =>
        startPeriod(f.t.db, {
          userId,
          periodStart: new Date("2026-02-28T08:00:00.000Z"),
          periodEnd: new Date("2026-03-31T08:00:00.000Z"),
          allowance: 150_000n,
        }),
      ),
      ...Array.from({ length: 4 }, () => sweepExpiredReservations(f.t.db, new Date(), { batchSize: 5 })),
      ...Array.from({ length: 2 }, () =>
        clawback(f.t.db, { userId, amount: 20_000n, idempotencyKey: `refund:pipe-${userId}` }),
      ),
      ...Array.from({ length: 4 }, (_, i) =>
        adjust(f.t.db, {
          userId,
          amount: i % 2 ? 3_000n : -3_000n,
          reason: "load",
          actorId: admin,
          idempotencyKey: `adjust:pipe-${i}-${userId}`,
        }),
      ),
    ];
    const settled = await Promise.allSettled([...calls, ...others]);
    expect(settled.filter((s) => s.status === "rejected")).toEqual([]);
    expect(
      await f.t.sql("SELECT count(*)::int AS n FROM token_reservations WHERE user_id = $1 AND status = 'held'", [
        userId,
      ]),
    ).toEqual([{ n: 0 }]);
    expect((await f.buckets(userId)).reserved).toBe(0n);
    const [consumed] = await f.t.sql<{ rows: number; taken: string }>(
      `SELECT count(*)::int AS rows, coalesce(-sum(allowance_delta + purchased_delta), 0)::text AS taken
       FROM token_transactions WHERE user_id = $1 AND kind = 'consume'`,
      [userId],
    );
    expect([consumed!.rows, BigInt(consumed!.taken)]).toEqual([settledCount, charged]);
    expect(settledCount).toBeGreaterThan(50);
    await clean(userId);
  }, 60_000);
});

describe("ledger pipeline: failures", () => {
  it("a batch that fails as a whole is retried call by call: only the failing call fails, and it leaves nothing behind", async () => {
    // A fault for one feature's reservations, as a broken row or a constraint would raise.
    await f.t.sql(`
      CREATE FUNCTION test_refuse_feature() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused by the test for feature %', NEW.feature; END $$;
      CREATE TRIGGER test_refuse_feature BEFORE INSERT ON token_reservations
        FOR EACH ROW WHEN (NEW.feature = 'explodes') EXECUTE FUNCTION test_refuse_feature();`);
    try {
      const p = pipeline({ lanes: 1 });
      const users = await Promise.all(Array.from({ length: 3 }, () => f.newAccount()));
      const calls = [
        ...users.flatMap((userId) => Array.from({ length: 5 }, () => p.reserve(reserveInput(userId, 1_000n)))),
        p.reserve(reserveInput(users[1]!, 1_000n, { feature: "explodes" })),
      ];
      const results = await Promise.allSettled(calls);
      const rejected = results.filter((r) => r.status === "rejected");
      expect(rejected).toHaveLength(1);
      expect(String((rejected[0] as PromiseRejectedResult).reason)).toMatch(/refused by the test for feature explodes/);
      expect(results.filter((r) => r.status === "fulfilled" && r.value.ok)).toHaveLength(15);
      expect(p.stats().failedBatches).toBe(1);
      expect(p.stats().callsAlone).toBe(16);
      // The failed call held nothing; the others hold exactly their own.
      expect(await f.buckets(users[0]!)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 5_000n });
      expect(await f.buckets(users[1]!)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 5_000n });
      expect(await f.buckets(users[2]!)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 5_000n });
      await clean(...users);
    } finally {
      await f.t.sql("DROP TRIGGER test_refuse_feature ON token_reservations; DROP FUNCTION test_refuse_feature();");
    }
  });

  it("a row lock held elsewhere holds up only its user: the batch gives up after the lock timeout, the others go on", async () => {
    const p = pipeline({ lanes: 1, lockTimeoutMs: 50 });
    const [locked, other, later] = await Promise.all([f.newAccount(), f.newAccount(), f.newAccount()]);
    // Another transaction (a billing handler, say) holds the locked user's balance row.
    const holder = new pg.Client({ connectionString: f.t.url });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT 1 FROM user_token_balance WHERE user_id = $1 FOR UPDATE", [locked]);
      const started = Date.now();
      let lockedDone = false;
      const first = p.reserve(reserveInput(locked, 1_000n)).finally(() => (lockedDone = true));
      const sameBatch = await p.reserve(reserveInput(other, 1_000n));
      expect(sameBatch.ok).toBe(true);
      // The lane is free again: a new user's call goes through it at once.
      const next = await p.reserve(reserveInput(later, 1_000n));
      expect(next.ok).toBe(true);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(p.stats()).toMatchObject({ failedBatches: 1, callsAlone: 2 });
      // The locked user's calls wait — the new one beside the lane, not in it.
      const second = p.reserve(reserveInput(locked, 2_000n));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(lockedDone).toBe(false);
      expect(p.stats().callsAlone).toBe(3);
      await holder.query("COMMIT");
      const [a, b] = await Promise.all([first, second]);
      expect([a.ok, b.ok]).toEqual([true, true]);
      expect(await f.buckets(locked)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 3_000n });
      expect(await f.buckets(other)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 1_000n });
      // Once its calls are done, the user is back in the lane.
      const back = await p.reserve(reserveInput(locked, 1_000n));
      expect(back.ok).toBe(true);
      expect(p.stats().callsAlone).toBe(3);
      await clean(locked, other, later);
    } finally {
      await holder.end();
    }
  });

  it("reserves for a single call exactly as reserve() does inside a transaction", async () => {
    const userId = await f.newAccount();
    const result = await f.t.db.$transaction(async (tx) => {
      const r = await reserve(tx, reserveInput(userId, 40_000n));
      const again = await reserve(tx, reserveInput(userId, 70_000n));
      return [r.ok, again.ok ? "held" : again.error.type];
    });
    expect(result).toEqual([true, "InsufficientTokens"]);
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 40_000n });
  });
});

describe("ledger pipeline: session versions", () => {
  it("a revoked hold in a batch is refused alone; the other calls of the statement hold", async () => {
    const [alice, bob] = await Promise.all([f.newAccount(), f.newAccount()]);
    await f.t.sql("UPDATE users SET session_version = 3 WHERE id = $1", [bob]);
    const p = pipeline({ lanes: 1 });
    const results = await Promise.all([
      p.reserve(reserveInput(alice, 1_000n, { sessionVersion: 0 })),
      p.reserve(reserveInput(bob, 1_000n, { sessionVersion: 2 })), // revoked
      p.reserve(reserveInput(bob, 1_000n, { sessionVersion: 3 })),
      p.reserve(reserveInput(alice, 1_000n)),
    ]);
    expect(results.map((r) => (r.ok ? "held" : r.error.type))).toEqual(["held", "SessionRevoked", "held", "held"]);
    expect(p.stats().statements).toBe(1);
    expect((await f.buckets(alice)).reserved).toBe(2_000n);
    expect((await f.buckets(bob)).reserved).toBe(1_000n);
    await clean(alice, bob);
  });
});

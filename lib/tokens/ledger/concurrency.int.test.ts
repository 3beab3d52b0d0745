// Many calls at once on one user: the ledger never lets a token be spent twice, never goes
// negative, and stays equal to the sum of its rows.
import { describe, expect, it } from "vitest";
import { adjust, clawback } from "./corrections";
import { grant } from "./grant";
import { allowanceKey, expiryKey, startPeriod } from "./period";
import { release, reserve, settle, sweepExpiredReservations } from "./reservations";
import { allowanceGrant, nextRequestId, pack, reserveInput, ledgerTestDatabase } from "@/test/ledger/helpers";
import { verifyLedger } from "./verify";

const f = ledgerTestDatabase({ poolMax: 40 });

const clean = async (...userIds: string[]) => expect((await verifyLedger(f.t.db, { userIds })).mismatches).toEqual([]);

describe("concurrency", () => {
  it("1,000 concurrent reserve+settle pairs on a balance that covers exactly 500: 500 succeed, 500 are refused", async () => {
    const userId = await f.newAccount(); // 100_000 allowance
    await grant(f.t.db, pack(userId, `checkout:${userId}`, 400_000n)); // + 400_000 purchased = 500 × 1_000

    const started = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: 1_000 }, async (_, i) => {
        const r = await reserve(f.t.db, reserveInput(userId, 1_000n, { requestId: `pair-${userId}-${i}` }));
        if (!r.ok) return r.error.type;
        const s = await settle(f.t.db, { reservationId: r.reservation.id, cost: 1_000n });
        if (!s.ok) throw new Error(`settle failed: ${s.error.type}`);
        expect([s.charged, s.shortfall, s.duplicate]).toEqual([1_000n, 0n, false]);
        return "settled";
      }),
    );
    const elapsed = Date.now() - started;

    expect(outcomes.filter((o) => o === "settled")).toHaveLength(500);
    expect(outcomes.filter((o) => o === "InsufficientTokens")).toHaveLength(500);
    expect(await f.buckets(userId)).toEqual({ allowance: 0n, purchased: 0n, reserved: 0n });
    await clean(userId);
    const [counts] = await f.t.sql(
      `SELECT count(*)::int AS rows, sum(allowance_delta)::text AS allowance, sum(purchased_delta)::text AS purchased,
              sum(shortfall)::text AS shortfall
       FROM token_transactions WHERE user_id = $1 AND kind = 'consume'`,
      [userId],
    );
    expect(counts).toEqual({ rows: 500, allowance: "-100000", purchased: "-400000", shortfall: "0" });
    expect(
      await f.t.sql("SELECT status::text, count(*)::int AS n FROM token_reservations WHERE user_id = $1 GROUP BY 1", [
        userId,
      ]),
    ).toEqual([{ status: "settled", n: 500 }]);
    // Aim: a few seconds (generous timeout below for slow machines).
    expect(elapsed).toBeLessThan(60_000);
  }, 60_000);

  it("the same grant key fired 50 times at once has one effect", async () => {
    const userId = await f.newAccount();
    const key = `invoice:in_storm_${userId}`;
    const results = await Promise.all(
      Array.from({ length: 50 }, () => grant(f.t.db, allowanceGrant(userId, key, 1_000_000n))),
    );
    expect(results.filter((r) => r.ok && !r.duplicate)).toHaveLength(1);
    expect(results.filter((r) => r.ok && r.duplicate)).toHaveLength(49);
    expect(new Set(results.map((r) => r.ok && r.row.id)).size).toBe(1);
    expect(await f.countKey(key)).toBe(1);
    expect(await f.buckets(userId)).toEqual({ allowance: 1_100_000n, purchased: 0n, reserved: 0n });
    await clean(userId);
  }, 60_000);

  it("mixed concurrent load on one user (reserves, settles, releases, grants, a new period, corrections, sweeps) stays consistent", async () => {
    const userId = await f.newAccount();
    const admin = await f.newUser();
    await grant(f.t.db, pack(userId, `checkout:base-${userId}`, 300_000n));
    const past = new Date(Date.now() - 3_600_000);
    const periodStart = new Date("2026-02-28T08:00:00.000Z");

    const settles: { cost: bigint; charged: bigint; shortfall: bigint }[] = [];
    const calls = Array.from({ length: 200 }, async (_, i) => {
      const amount = BigInt(1 + (i % 9)) * 1_000n;
      // A third of the calls reserve "an hour ago" with a short time to live: the sweeps may expire
      // them while they run, and their settle must still charge once.
      const r = await reserve(
        f.t.db,
        reserveInput(
          userId,
          amount,
          i % 3 === 0
            ? { now: past, ttlMs: 1_000, requestId: nextRequestId("mixed") }
            : { requestId: nextRequestId("mixed") },
        ),
      );
      if (!r.ok) {
        expect(r.error.type).toBe("InsufficientTokens");
        return;
      }
      if (i % 7 === 0) {
        await release(f.t.db, r.reservation.id);
        return;
      }
      const cost = i % 5 === 0 ? amount * 3n : i % 5 === 1 ? 0n : amount - 1n;
      const s = await settle(f.t.db, { reservationId: r.reservation.id, cost });
      if (!s.ok) throw new Error(`settle failed: ${s.error.type}`);
      expect(s.charged + s.shortfall).toBe(cost);
      settles.push({ cost, charged: s.charged, shortfall: s.shortfall });
      // A retry of the settle, racing the others, changes nothing.
      const again = await settle(f.t.db, { reservationId: r.reservation.id, cost });
      expect(again.ok && [again.duplicate, again.charged]).toEqual([true, s.charged]);
    });
    const others = [
      ...Array.from({ length: 20 }, (_, i) => grant(f.t.db, pack(userId, `checkout:mixed-${i}-${userId}`, 5_000n))),
      ...Array.from({ length: 5 }, () => grant(f.t.db, pack(userId, `checkout:mixed-dup-${userId}`, 7_000n))),
      ...Array.from({ length: 5 }, () =>
        startPeriod(f.t.db, {
          userId,
          periodStart,
          periodEnd: new Date("2026-03-31T08:00:00.000Z"),
          allowance: 150_000n,
        }),
      ),
      ...Array.from({ length: 6 }, () => sweepExpiredReservations(f.t.db, new Date(), { batchSize: 5 })),
      ...Array.from({ length: 3 }, () =>
        clawback(f.t.db, { userId, amount: 20_000n, idempotencyKey: `refund:mixed-${userId}` }),
      ),
      ...Array.from({ length: 4 }, (_, i) =>
        adjust(f.t.db, {
          userId,
          amount: i % 2 ? 3_000n : -3_000n,
          reason: "load",
          actorId: admin,
          idempotencyKey: `adjust:mixed-${i}-${userId}`,
        }),
      ),
    ];
    const settled = await Promise.allSettled([...calls, ...others]);
    const failures = settled.filter((s) => s.status === "rejected");
    expect(failures).toEqual([]);

    // Every call settled or released its hold (or the sweep expired it first): nothing is left held.
    expect(
      await f.t.sql("SELECT count(*)::int AS n FROM token_reservations WHERE user_id = $1 AND status = 'held'", [
        userId,
      ]),
    ).toEqual([{ n: 0 }]);
    const b = await f.buckets(userId);
    expect(b.allowance >= 0n && b.purchased >= 0n).toBe(true);
    expect(b.reserved).toBe(0n);
    await clean(userId);

    // Exactly one new period, one duplicate-key pack, one clawback.
    expect(await f.countKey(allowanceKey(userId, periodStart))).toBe(1);
    expect(await f.countKey(expiryKey(userId, periodStart))).toBe(1);
    expect(await f.countKey(`checkout:mixed-dup-${userId}`)).toBe(1);
    expect(await f.countKey(`refund:mixed-${userId}`)).toBe(1);

    // Every consume row is one settle, and together they took exactly what the settles charged.
    const [consumed] = await f.t.sql<{ rows: number; taken: string; shortfall: string }>(
      `SELECT count(*)::int AS rows, coalesce(-sum(allowance_delta + purchased_delta), 0)::text AS taken,
              coalesce(sum(shortfall), 0)::text AS shortfall
       FROM token_transactions WHERE user_id = $1 AND kind = 'consume'`,
      [userId],
    );
    expect(consumed!.rows).toBe(settles.length);
    expect(BigInt(consumed!.taken)).toBe(settles.reduce((n, s) => n + s.charged, 0n));
    expect(BigInt(consumed!.shortfall)).toBe(settles.reduce((n, s) => n + s.shortfall, 0n));
    expect(settles.length).toBeGreaterThan(50);
  }, 60_000);

  it("concurrent reserves of many users against each other never cross balances", async () => {
    const users = await Promise.all(Array.from({ length: 5 }, () => f.newAccount()));
    const results = await Promise.all(
      users.flatMap((userId) => Array.from({ length: 30 }, () => reserve(f.t.db, reserveInput(userId, 5_000n)))),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(5 * 20);
    for (const userId of users)
      expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 100_000n });
    await clean(...users);
  }, 60_000);
});

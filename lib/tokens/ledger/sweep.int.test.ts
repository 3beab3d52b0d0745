// The sweep works over the whole database, so every test here starts from no held reservation at
// all (beforeEach sweeps everything) and places its holds with reserve's `now` + ttlMs.
import { beforeEach, describe, expect, it } from "vitest";
import { release, reserve, settle, sweepExpiredReservations } from "./reservations";
import { holdOrThrow, reserveInput, ledgerTestDatabase } from "@/test/ledger/helpers";
import { verifyLedger } from "./verify";

const f = ledgerTestDatabase({ poolMax: 20 });

const T = new Date("2030-06-01T12:00:00.000Z");
const at = (ms: number) => new Date(T.getTime() + ms);
const END_OF_TIME = new Date("9999-01-01T00:00:00.000Z");

beforeEach(async () => {
  await sweepExpiredReservations(f.t.db, END_OF_TIME);
  expect(await f.t.sql("SELECT count(*)::int AS n FROM token_reservations WHERE status = 'held'")).toEqual([{ n: 0 }]);
});

const hold = (userId: string, amount: bigint, ttlMs: number, now = T) =>
  holdOrThrow(f.t.db, reserveInput(userId, amount, { now, ttlMs }));

describe("sweepExpiredReservations", () => {
  it("with a userId, expires only that user's due holds and leaves everyone else's alone", async () => {
    const a = await f.newAccount();
    const b = await f.newAccount();
    const aDue = await hold(a, 10_000n, 1_000);
    const aLater = await hold(a, 3_000n, 60_000);
    const bDue = await hold(b, 7_000n, 1_000);

    expect(await sweepExpiredReservations(f.t.db, at(5_000), { userId: a })).toEqual({
      expired: 1,
      amount: 10_000n,
      ran: true,
    });
    expect(await Promise.all([aDue, aLater, bDue].map(f.reservationStatus))).toEqual(["expired", "held", "held"]);
    expect(await f.buckets(a)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 3_000n });
    expect(await f.buckets(b)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 7_000n });
    // Nothing due any more for a: a second call changes nothing.
    expect(await sweepExpiredReservations(f.t.db, at(5_000), { userId: a })).toEqual({
      expired: 0,
      amount: 0n,
      ran: true,
    });
    expect((await verifyLedger(f.t.db)).mismatches).toEqual([]);
  });

  it("expires only the holds whose time to live has passed (expires_at ≤ now), and returns their sum", async () => {
    const a = await f.newAccount();
    const b = await f.newAccount();
    const due1 = await hold(a, 10_000n, 1_000);
    const due2 = await hold(a, 2_500n, 5_000); // expires exactly at the sweep's now
    const due3 = await hold(b, 7_000n, 2_000);
    const later1 = await hold(a, 20_000n, 5_001);
    const later2 = await hold(b, 1_000n, 60_000);

    expect(await sweepExpiredReservations(f.t.db, at(5_000))).toEqual({ expired: 3, amount: 19_500n, ran: true });
    expect(await Promise.all([due1, due2, due3, later1, later2].map(f.reservationStatus))).toEqual([
      "expired",
      "expired",
      "expired",
      "held",
      "held",
    ]);
    // Each user's `reserved` dropped by the sum of their expired holds.
    expect(await f.buckets(a)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 20_000n });
    expect(await f.buckets(b)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 1_000n });
    expect((await verifyLedger(f.t.db, { userIds: [a, b] })).mismatches).toEqual([]);
    // No ledger row: nothing was spent.
    expect(await f.rowCount(a)).toBe(2);

    // A second sweep at the same moment finds nothing more.
    expect(await sweepExpiredReservations(f.t.db, at(5_000))).toEqual({ expired: 0, amount: 0n, ran: true });
    expect(await sweepExpiredReservations(f.t.db, at(60_000))).toEqual({ expired: 2, amount: 21_000n, ran: true });
    expect(await f.buckets(a)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
    expect(await f.buckets(b)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
  });

  it("records the sweep's now as the finish time", async () => {
    const a = await f.newAccount();
    const id = await hold(a, 1_000n, 1_000);
    await sweepExpiredReservations(f.t.db, at(3_000));
    const [row] = await f.t.sql<{ finished_at: Date }>(
      "SELECT finished_at FROM token_reservations WHERE id = $1::uuid",
      [id],
    );
    expect(row!.finished_at).toEqual(at(3_000));
  });

  it("leaves settled and released reservations alone", async () => {
    const a = await f.newAccount();
    const settled = await hold(a, 10_000n, 1_000);
    const released = await hold(a, 10_000n, 1_000);
    const held = await hold(a, 10_000n, 1_000);
    await settle(f.t.db, { reservationId: settled, cost: 4_000n });
    await release(f.t.db, released);
    expect(await sweepExpiredReservations(f.t.db, at(1_000))).toEqual({ expired: 1, amount: 10_000n, ran: true });
    expect(await Promise.all([settled, released, held].map(f.reservationStatus))).toEqual([
      "settled",
      "released",
      "expired",
    ]);
    expect(await f.buckets(a)).toEqual({ allowance: 96_000n, purchased: 0n, reserved: 0n });
    expect((await verifyLedger(f.t.db, { userIds: [a] })).mismatches).toEqual([]);
  });

  it("works through all due holds in batches", async () => {
    const a = await f.newAccount();
    const b = await f.newAccount();
    for (let i = 0; i < 5; i++) await hold(i % 2 ? a : b, BigInt(i + 1) * 1_000n, 1_000 + i);
    const notDue = await hold(a, 9_000n, 10_000);
    expect(await sweepExpiredReservations(f.t.db, at(2_000), { batchSize: 2 })).toEqual({
      expired: 5,
      amount: 15_000n,
      ran: true,
    });
    expect(await f.buckets(a)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 9_000n });
    expect(await f.buckets(b)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
    expect(await f.reservationStatus(notDue)).toBe("held");
  });

  it("handles a batch size that divides the due holds exactly", async () => {
    const a = await f.newAccount();
    for (let i = 0; i < 4; i++) await hold(a, 1_000n, 1_000);
    expect(await sweepExpiredReservations(f.t.db, at(1_000), { batchSize: 2 })).toEqual({
      expired: 4,
      amount: 4_000n,
      ran: true,
    });
    expect(await f.buckets(a)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
  });

  it("expires each reservation once when sweeps run concurrently, and never drives `reserved` below 0", async () => {
    const users = [await f.newAccount(), await f.newAccount(), await f.newAccount()];
    let total = 0n;
    for (let i = 0; i < 60; i++) {
      const amount = BigInt(1 + (i % 7)) * 100n;
      total += amount;
      await hold(users[i % 3]!, amount, 1_000 + (i % 10));
    }
    const results = await Promise.all(
      Array.from({ length: 8 }, () => sweepExpiredReservations(f.t.db, at(10_000), { batchSize: 7 })),
    );
    expect(results.reduce((n, r) => n + r.expired, 0)).toBe(60);
    expect(results.reduce((n, r) => n + r.amount, 0n)).toBe(total);
    for (const u of users) expect(await f.buckets(u)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
    expect(
      await f.t.sql(
        "SELECT status::text, count(*)::int AS n FROM token_reservations WHERE user_id = ANY($1) GROUP BY 1",
        [users],
      ),
    ).toEqual([{ status: "expired", n: 60 }]);
    expect((await verifyLedger(f.t.db, { userIds: users })).mismatches).toEqual([]);
  });

  it("a reservation whose process died is released by the sweep after its time to live", async () => {
    const a = await f.newAccount();
    // The call's process reserves, then dies: it never settles nor releases.
    const r = await reserve(f.t.db, reserveInput(a, 80_000n, { now: T, ttlMs: 30_000 }));
    expect(r.ok).toBe(true);
    expect(await reserve(f.t.db, reserveInput(a, 20_001n, { now: at(1) }))).toMatchObject({
      ok: false,
      error: { type: "InsufficientTokens" },
    });

    expect(await sweepExpiredReservations(f.t.db, at(29_999))).toEqual({ expired: 0, amount: 0n, ran: true });
    expect(await f.buckets(a)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 80_000n });

    expect(await sweepExpiredReservations(f.t.db, at(30_000))).toEqual({ expired: 1, amount: 80_000n, ran: true });
    expect(await f.buckets(a)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
    expect(r.ok && (await f.reservationStatus(r.reservation.id))).toBe("expired");
    // The tokens are available again.
    expect((await reserve(f.t.db, reserveInput(a, 100_000n))).ok).toBe(true);
  });

  it("does nothing when no hold is due", async () => {
    expect(await sweepExpiredReservations(f.t.db, at(0))).toEqual({ expired: 0, amount: 0n, ran: true });
  });
});

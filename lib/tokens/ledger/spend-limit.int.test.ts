// The spend limit in the ledger itself, over real Postgres: `ledger_apply`'s reserve refuses a hold
// that would take what is charged + held this period past `spend_cap` (SpendLimitReached, nothing
// held), on the single-call path and through the pipeline, also under 50 concurrent holds; a settle
// counts exactly what it charged, a release gives its room back, a new period starts the count again.
import { describe, expect, it } from "vitest";
import { holdOrThrow, ledgerTestDatabase, pack, reserveInput, TOKEN } from "@/test/ledger/helpers";
import { grant } from "./grant";
import { startPeriod } from "./period";
import { LedgerPipeline } from "./pipeline";
import { release, reserve, settle } from "./reservations";
import { verifyLedger } from "./verify";
import { readSpendLimit, setAdminSpendLimit, setOwnSpendLimit } from "../spend-limit";
import { getActivePricing } from "../pricing-config";
import { resetMonthlyTokens } from "../reset/monthly-reset";

const f = ledgerTestDatabase({ poolMax: 30 });

const clean = async (...userIds: string[]) => expect((await verifyLedger(f.t.db, { userIds })).mismatches).toEqual([]);

/** An account with 100 tokens of allowance and 2,000 purchased, capped at `cap` millitokens. */
async function capped(cap: bigint | null): Promise<string> {
  const userId = await f.newAccount();
  await grant(f.t.db, pack(userId, `checkout:${userId}`));
  expect(await setOwnSpendLimit(f.t.db, userId, cap)).toEqual({ ok: true });
  return userId;
}

async function spend(userId: string) {
  const limit = await readSpendLimit(f.t.db, userId);
  return { cap: limit!.cap, spent: limit!.spent, held: limit!.held };
}

describe("the spend limit on the single-call path", () => {
  it("holds up to the cap exactly, then refuses with the cap, what is charged and what is held; nothing held", async () => {
    const userId = await capped(10n * TOKEN);
    const first = await holdOrThrow(f.t.db, reserveInput(userId, 6n * TOKEN));
    await holdOrThrow(f.t.db, reserveInput(userId, 4n * TOKEN)); // 6 + 4 = the cap: fits exactly
    const refused = await reserve(f.t.db, reserveInput(userId, 1n));
    expect(refused).toEqual({
      ok: false,
      error: {
        type: "SpendLimitReached",
        required: 1n,
        cap: 10_000n,
        spent: 0n,
        held: 10_000n,
        available: 2_100_000n - 10_000n,
      },
    });
    expect(await f.buckets(userId)).toMatchObject({ reserved: 10_000n });
    expect(await f.t.db.tokenReservation.count({ where: { userId } })).toBe(2);

    // Settled for less than its hold: the count grows by the charge, and the rest is room again.
    const s = await settle(f.t.db, { reservationId: first, cost: 2_500n });
    expect(s.ok && s.spend).toEqual({ cap: 10_000n, spent: 2_500n });
    expect(await spend(userId)).toEqual({ cap: 10_000n, spent: 2_500n, held: 4_000n });
    await holdOrThrow(f.t.db, reserveInput(userId, 3_500n)); // 2,500 + 4,000 + 3,500 = 10,000
    expect((await reserve(f.t.db, reserveInput(userId, 1n))).ok).toBe(false);
    await clean(userId);
  });

  it("tells the cap apart from a lack of tokens: InsufficientTokens when the cap would allow the hold", async () => {
    const userId = await f.newAccount(); // 100 tokens, no pack
    await setOwnSpendLimit(f.t.db, userId, 1_000n * TOKEN);
    const r = await reserve(f.t.db, reserveInput(userId, 101n * TOKEN));
    expect(r.ok === false && r.error).toEqual({ type: "InsufficientTokens", required: 101_000n, available: 100_000n });
  });

  it("a release gives the cap back; a cap below what is spent refuses everything; no cap refuses nothing", async () => {
    const userId = await capped(5n * TOKEN);
    const held = await holdOrThrow(f.t.db, reserveInput(userId, 5n * TOKEN));
    expect((await reserve(f.t.db, reserveInput(userId, 1n))).ok).toBe(false);
    const released = await release(f.t.db, held);
    expect(released.ok && released.released).toBe(true);
    const again = await holdOrThrow(f.t.db, reserveInput(userId, 5n * TOKEN));
    await settle(f.t.db, { reservationId: again, cost: 5n * TOKEN });
    expect(await spend(userId)).toEqual({ cap: 5_000n, spent: 5_000n, held: 0n });

    await setOwnSpendLimit(f.t.db, userId, 2n * TOKEN); // below what is spent
    const r = await reserve(f.t.db, reserveInput(userId, 1n));
    expect(r.ok === false && r.error.type).toBe("SpendLimitReached");
    expect(r.ok === false && r.error.type === "SpendLimitReached" && [r.error.cap, r.error.spent]).toEqual([
      2_000n,
      5_000n,
    ]);

    await setOwnSpendLimit(f.t.db, userId, null);
    await holdOrThrow(f.t.db, reserveInput(userId, 500n * TOKEN));
    await clean(userId);
  });

  it("counts exactly what a settle charged: a cost above the hold, and a shortfall that was not charged", async () => {
    const userId = await f.newAccount({ free: 10_000n }); // 10 tokens, nothing else
    await setOwnSpendLimit(f.t.db, userId, 1_000n * TOKEN);
    const a = await holdOrThrow(f.t.db, reserveInput(userId, 2_000n));
    await settle(f.t.db, { reservationId: a, cost: 3_000n }); // above its hold: 3,000 charged
    expect((await spend(userId)).spent).toBe(3_000n);
    const b = await holdOrThrow(f.t.db, reserveInput(userId, 1_000n));
    const s = await settle(f.t.db, { reservationId: b, cost: 50_000n }); // 7,000 left: 43,000 short
    expect(s.ok && [s.charged, s.shortfall, s.spend]).toEqual([7_000n, 43_000n, { cap: 1_000_000n, spent: 10_000n }]);
    const [sum] = await f.t.sql<{ charged: string }>(
      "SELECT (-sum(allowance_delta + purchased_delta))::text AS charged FROM token_transactions WHERE user_id = $1 AND kind = 'consume'",
      [userId],
    );
    expect(BigInt(sum!.charged)).toBe((await spend(userId)).spent);
    // A duplicate settle charges nothing more.
    await settle(f.t.db, { reservationId: b, cost: 50_000n });
    expect((await spend(userId)).spent).toBe(10_000n);
    await clean(userId);
  });

  it("a settle whose hold was lost (a crash) still counts what it charged", async () => {
    const userId = await capped(10n * TOKEN);
    const input = reserveInput(userId, 2n * TOKEN);
    const held = await reserve(f.t.db, input);
    if (!held.ok) throw new Error("not held");
    // The hold vanishes as a crash would take it: the reservation row and its `reserved` together.
    await f.t.sql("DELETE FROM token_reservations WHERE id = $1::uuid", [held.reservation.id]);
    await f.t.sql("UPDATE user_token_balance SET reserved = reserved - $2 WHERE user_id = $1", [userId, 2_000]);
    const s = await settle(f.t.db, { reservationId: held.reservation.id, cost: 1_500n, held: held.reservation });
    expect(s.ok && [s.charged, s.spend]).toEqual([1_500n, { cap: 10_000n, spent: 1_500n }]);
    expect(await spend(userId)).toEqual({ cap: 10_000n, spent: 1_500n, held: 0n });
    await clean(userId);
  });

  it("a new period starts the count again (the cap stays), and a hold in flight still counts", async () => {
    const userId = await capped(10n * TOKEN);
    const a = await holdOrThrow(f.t.db, reserveInput(userId, 8n * TOKEN));
    await settle(f.t.db, { reservationId: a, cost: 8n * TOKEN });
    const inFlight = await holdOrThrow(f.t.db, reserveInput(userId, 1n * TOKEN));
    expect((await reserve(f.t.db, reserveInput(userId, 2n * TOKEN))).ok).toBe(false);

    const started = await startPeriod(f.t.db, {
      userId,
      periodStart: new Date("2026-02-28T08:00:00.000Z"),
      periodEnd: new Date("2026-03-31T08:00:00.000Z"),
      allowance: 100_000n,
    });
    expect(started.ok).toBe(true);
    expect(await spend(userId)).toEqual({ cap: 10_000n, spent: 0n, held: 1_000n });
    await holdOrThrow(f.t.db, reserveInput(userId, 9n * TOKEN)); // 1 held + 9 = the cap
    expect((await reserve(f.t.db, reserveInput(userId, 1n))).ok).toBe(false);
    // The call in flight settles into the new period's count.
    await settle(f.t.db, { reservationId: inFlight, cost: 600n });
    expect((await spend(userId)).spent).toBe(600n);
    await clean(userId);
  });
});

describe("the monthly reset", () => {
  it("starts the count again for each account it starts a period for, and leaves the others' counts", async () => {
    const due = await capped(10n * TOKEN); // signed up 2026-01-31: its free month ends 2026-02-28
    const notDue = await f.newAccount({ now: new Date("2026-02-20T08:00:00.000Z") }); // its month ends 2026-03-20
    for (const userId of [due, notDue]) {
      await setOwnSpendLimit(f.t.db, userId, 10n * TOKEN);
      const id = await holdOrThrow(f.t.db, reserveInput(userId, 3n * TOKEN));
      await settle(f.t.db, { reservationId: id, cost: 3n * TOKEN });
    }
    const pricing = await getActivePricing(f.t.db);
    const summary = await resetMonthlyTokens(
      f.t.db,
      { connectionString: f.t.url, pricing },
      { now: new Date("2026-03-01T00:00:00.000Z"), renewalGraceMs: 0 },
    );
    expect(summary.periodsStarted).toBeGreaterThanOrEqual(1);
    expect(await spend(due)).toEqual({ cap: 10_000n, spent: 0n, held: 0n });
    expect(await spend(notDue)).toEqual({ cap: 10_000n, spent: 3_000n, held: 0n });
    await clean(due, notDue);
  });
});

describe("the spend limit under concurrency", () => {
  it("50 concurrent holds through the pipeline against a cap that fits 20: 20 held, 30 refused by the cap, never past it", async () => {
    const userId = await capped(20n * TOKEN);
    const pipeline = new LedgerPipeline({ pool: f.t.pool, db: f.t.db, lanes: 2 });
    const results = await Promise.all(
      Array.from({ length: 50 }, () => pipeline.reserve(reserveInput(userId, 1n * TOKEN))),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(20);
    expect(results.filter((r) => !r.ok && r.error.type === "SpendLimitReached")).toHaveLength(30);
    expect(await spend(userId)).toEqual({ cap: 20_000n, spent: 0n, held: 20_000n });

    // Settling them (for a little less) and holding 50 more at once, mixed: still never past the cap.
    const held = results.flatMap((r) => (r.ok ? [r.reservation] : []));
    const mixed = await Promise.all([
      ...held.map((h) => pipeline.settle({ reservationId: h.id, userId, cost: 900n })),
      ...Array.from({ length: 50 }, () => pipeline.reserve(reserveInput(userId, 1n * TOKEN))),
    ]);
    const after = await spend(userId);
    expect(after.spent).toBe(18_000n);
    expect(after.spent + after.held).toBeLessThanOrEqual(20_000n);
    const newHolds = mixed.slice(held.length).filter((r) => r.ok).length;
    expect(after.held).toBe(BigInt(newHolds) * TOKEN);
    expect(newHolds).toBeLessThanOrEqual(2); // 2,000 of room left at most
    await clean(userId);
  }, 60_000);

  it("50 concurrent single-call holds of different sizes: what is held never passes the cap", async () => {
    const userId = await capped(25n * TOKEN);
    const sizes = Array.from({ length: 50 }, (_, i) => BigInt(1 + (i % 4)) * TOKEN);
    const results = await Promise.all(sizes.map((amount) => reserve(f.t.db, reserveInput(userId, amount))));
    const heldSum = results.reduce((sum, r, i) => (r.ok ? sum + sizes[i]! : sum), 0n);
    expect(heldSum).toBeLessThanOrEqual(25_000n);
    expect(heldSum).toBeGreaterThanOrEqual(22_000n); // the refused ones were refused for lack of room
    expect((await spend(userId)).held).toBe(heldSum);
    for (const r of results) if (!r.ok) expect(r.error.type).toBe("SpendLimitReached");
    await clean(userId);
  }, 60_000);
});

describe("who may change a cap", () => {
  it("an admin's cap cannot be raised, lowered or removed by the user; the admin can lift it", async () => {
    const userId = await capped(50n * TOKEN);
    const admin = await f.newUser();
    expect(await setAdminSpendLimit(f.t.db, { userId, adminId: admin, cap: 5n * TOKEN })).toEqual({ ok: true });
    for (const cap of [null, 6n * TOKEN, 1n * TOKEN])
      expect(await setOwnSpendLimit(f.t.db, userId, cap)).toEqual({ ok: false, error: "set_by_admin" });
    expect(await readSpendLimit(f.t.db, userId)).toMatchObject({ cap: 5_000n, setByAdmin: admin });
    expect(await setAdminSpendLimit(f.t.db, { userId, adminId: admin, cap: null })).toEqual({ ok: true });
    expect(await readSpendLimit(f.t.db, userId)).toMatchObject({ cap: null, setByAdmin: null });
    expect(await setOwnSpendLimit(f.t.db, userId, 7n * TOKEN)).toEqual({ ok: true });
    expect(await setOwnSpendLimit(f.t.db, "no-such-user", null)).toEqual({ ok: false, error: "no_account" });
  });
});

import { describe, expect, it } from "vitest";
import { LedgerUsageError } from "./errors";
import { grant } from "./grant";
import { callKey } from "./apply";
import { release, reserve, settle, sweepExpiredReservations } from "./reservations";
import { holdOrThrow, nextRequestId, pack, reserveInput, ledgerTestDatabase } from "@/test/ledger/helpers";
import { verifyLedger } from "./verify";

const f = ledgerTestDatabase({ poolMax: 25 });

const clean = async (...userIds: string[]) => expect((await verifyLedger(f.t.db, { userIds })).mismatches).toEqual([]);

/** A user with allowance 100_000n and `purchased` millitokens bought. */
async function account(purchased = 0n): Promise<string> {
  const userId = await f.newAccount();
  if (purchased > 0n) {
    const r = await grant(f.t.db, pack(userId, `checkout:${userId}`, purchased));
    if (!r.ok) throw new Error("grant failed");
  }
  return userId;
}

async function consumeRows(userId: string) {
  return f.t.sql<{ allowance_delta: string; purchased_delta: string; shortfall: string; cost: string | null }>(
    `SELECT allowance_delta::text, purchased_delta::text, shortfall::text, cost_micro_usd::text AS cost
     FROM token_transactions WHERE user_id = $1 AND kind = 'consume' ORDER BY id`,
    [userId],
  );
}

describe("reserve", () => {
  it("holds exactly the amount and returns what stays available", async () => {
    const userId = await account(5_000n);
    const input = reserveInput(userId, 42_001n, { feature: "summarize" });
    const r = await reserve(f.t.db, input);
    expect(r).toEqual({
      ok: true,
      duplicate: false,
      available: 62_999n,
      reservation: {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        userId,
        amount: 42_001n,
        feature: "summarize",
        requestId: input.requestId,
        status: "held",
        pricingVersion: 1,
        expiresAt: expect.any(Date),
      },
    });
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 5_000n, reserved: 42_001n });
    // A hold is not a ledger row: no token moved.
    expect(await f.rowCount(userId)).toBe(3);
    await clean(userId);
  });

  it("places expiresAt at now + ttlMs", async () => {
    const userId = await account();
    const now = new Date("2026-02-01T00:00:00.000Z");
    const r = await reserve(f.t.db, reserveInput(userId, 1_000n, { now, ttlMs: 90_000 }));
    expect(r.ok && r.reservation.expiresAt).toEqual(new Date("2026-02-01T00:01:30.000Z"));
    const [row] = await f.t.sql<{ expires_at: Date }>("SELECT expires_at FROM token_reservations WHERE id = $1::uuid", [
      r.ok ? r.reservation.id : "",
    ]);
    expect(row!.expires_at).toEqual(new Date("2026-02-01T00:01:30.000Z"));
  });

  it("refuses with InsufficientTokens {required, available} and holds nothing", async () => {
    const userId = await account(5_000n);
    const before = await f.t.sql("SELECT count(*)::int AS n FROM token_reservations WHERE user_id = $1", [userId]);
    expect(await reserve(f.t.db, reserveInput(userId, 105_001n))).toEqual({
      ok: false,
      error: { type: "InsufficientTokens", required: 105_001n, available: 105_000n },
    });
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 5_000n, reserved: 0n });
    expect(await f.t.sql("SELECT count(*)::int AS n FROM token_reservations WHERE user_id = $1", [userId])).toEqual(
      before,
    );
  });

  it("accepts an exact fit, then refuses one millitoken more", async () => {
    const userId = await account(5_000n);
    const r = await reserve(f.t.db, reserveInput(userId, 105_000n));
    expect(r.ok && r.available).toBe(0n);
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 5_000n, reserved: 105_000n });
    expect(await reserve(f.t.db, reserveInput(userId, 1n))).toEqual({
      ok: false,
      error: { type: "InsufficientTokens", required: 1n, available: 0n },
    });
  });

  it("counts other holds: available = allowance + purchased − reserved", async () => {
    const userId = await account(20_000n);
    await holdOrThrow(f.t.db, reserveInput(userId, 70_000n));
    await holdOrThrow(f.t.db, reserveInput(userId, 30_000n));
    expect(await reserve(f.t.db, reserveInput(userId, 20_001n))).toEqual({
      ok: false,
      error: { type: "InsufficientTokens", required: 20_001n, available: 20_000n },
    });
    const last = await reserve(f.t.db, reserveInput(userId, 20_000n));
    expect(last.ok && last.available).toBe(0n);
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 20_000n, reserved: 120_000n });
    await clean(userId);
  });

  it("returns the same reservation for a retry with the same request id, and holds once", async () => {
    const userId = await account();
    const input = reserveInput(userId, 30_000n);
    const first = await reserve(f.t.db, input);
    const retry = await reserve(f.t.db, input);
    // A retry with another amount is still the same call.
    const changed = await reserve(f.t.db, { ...input, amount: 1_000n });
    expect(first.ok && first.duplicate).toBe(false);
    expect(retry).toEqual({
      ok: true,
      duplicate: true,
      reservation: first.ok && first.reservation,
      available: 70_000n,
    });
    expect(changed).toEqual({
      ok: true,
      duplicate: true,
      reservation: first.ok && first.reservation,
      available: 70_000n,
    });
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 30_000n });
    await clean(userId);
  });

  it("returns the same reservation for a retry even when the first hold took everything", async () => {
    const userId = await account();
    const input = reserveInput(userId, 100_000n);
    const first = await reserve(f.t.db, input);
    expect(first.ok && first.available).toBe(0n);
    const retry = await reserve(f.t.db, input);
    expect(retry).toEqual({ ok: true, duplicate: true, reservation: first.ok && first.reservation, available: 0n });
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 100_000n });
  });

  it("returns the same (settled) reservation for a retry after the call was settled", async () => {
    const userId = await account();
    const input = reserveInput(userId, 100_000n);
    const first = await reserve(f.t.db, input);
    await settle(f.t.db, { reservationId: first.ok ? first.reservation.id : "", cost: 100_000n });
    const retry = await reserve(f.t.db, input);
    expect(retry).toEqual({
      ok: true,
      duplicate: true,
      reservation: { ...(first.ok && first.reservation), status: "settled" },
      available: 0n,
    });
    expect(await f.buckets(userId)).toEqual({ allowance: 0n, purchased: 0n, reserved: 0n });
    await clean(userId);
  });

  it("holds once when the same request id is reserved 20 times at once", async () => {
    const userId = await account();
    const input = reserveInput(userId, 10_000n);
    const results = await Promise.all(Array.from({ length: 20 }, () => reserve(f.t.db, input)));
    expect(results.filter((r) => r.ok && !r.duplicate)).toHaveLength(1);
    expect(results.filter((r) => r.ok && r.duplicate)).toHaveLength(19);
    expect(new Set(results.map((r) => r.ok && r.reservation.id)).size).toBe(1);
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 10_000n });
    await clean(userId);
  });

  it("holds once when the same request id for everything available is reserved 20 times at once", async () => {
    const userId = await account();
    const input = reserveInput(userId, 100_000n);
    // Open the pool's connections first, so that the 20 statements really overlap.
    await Promise.all(Array.from({ length: 25 }, () => f.t.db.$queryRaw`SELECT 1 AS one FROM pg_sleep(0.05)`));
    const results = await Promise.all(Array.from({ length: 20 }, () => reserve(f.t.db, input)));
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.filter((r) => r.ok && !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.ok && r.reservation.id)).size).toBe(1);
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 100_000n });
    await clean(userId);
  });

  it("reports IdempotencyKeyReused for another user's request id, and holds nothing for them", async () => {
    const owner = await account();
    const other = await account();
    const input = reserveInput(owner, 10_000n);
    await reserve(f.t.db, input);
    expect(await reserve(f.t.db, { ...input, userId: other })).toEqual({
      ok: false,
      error: { type: "IdempotencyKeyReused", key: input.requestId, ownerUserId: owner },
    });
    // Also when the other user could not cover the amount anyway.
    expect(await reserve(f.t.db, { ...input, userId: other, amount: 999_999n })).toEqual({
      ok: false,
      error: { type: "IdempotencyKeyReused", key: input.requestId, ownerUserId: owner },
    });
    expect(await f.buckets(other)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
    expect(await f.buckets(owner)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 10_000n });
  });

  it("reports AccountNotFound for a user without a token account", async () => {
    expect(await reserve(f.t.db, reserveInput("no-such-user", 1_000n))).toEqual({
      ok: false,
      error: { type: "AccountNotFound", userId: "no-such-user" },
    });
    const user = await f.newUser();
    expect(await reserve(f.t.db, reserveInput(user, 1_000n))).toEqual({
      ok: false,
      error: { type: "AccountNotFound", userId: user },
    });
    expect(await f.t.sql("SELECT count(*)::int AS n FROM token_reservations WHERE user_id = $1", [user])).toEqual([
      { n: 0 },
    ]);
  });

  it("refuses bad input with LedgerUsageError", async () => {
    const userId = await account();
    for (const bad of [
      reserveInput(userId, 0n),
      reserveInput(userId, -5n),
      reserveInput(userId, 5n, { requestId: "" }),
      reserveInput(userId, 5n, { ttlMs: 0 }),
      reserveInput(userId, 5n, { ttlMs: 1.5 }),
    ]) {
      await expect(reserve(f.t.db, bad)).rejects.toBeInstanceOf(LedgerUsageError);
    }
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
  });
});

describe("settle", () => {
  it("burns the allowance first, then purchased tokens", async () => {
    const userId = await account(2_000_000n);
    const input = reserveInput(userId, 150_000n, { feature: "chat" });
    const id = await holdOrThrow(f.t.db, input);
    const r = await settle(f.t.db, { reservationId: id, cost: 150_000n });
    expect(r).toEqual({
      ok: true,
      duplicate: false,
      charged: 150_000n,
      shortfall: 0n,
      balance: { allowance: 0n, purchased: 1_950_000n, reserved: 0n, available: 1_950_000n },
      row: {
        id: expect.any(BigInt),
        userId,
        kind: "consume",
        allowanceDelta: -100_000n,
        purchasedDelta: -50_000n,
        allowanceAfter: 0n,
        purchasedAfter: 1_950_000n,
        shortfall: 0n,
        sourceType: "request",
        sourceRef: input.requestId,
        feature: "chat",
        pricingVersion: 1,
        usage: null,
        costMicroUsd: 150_000n,
        actorId: null,
        reason: null,
        idempotencyKey: callKey(input.requestId),
        createdAt: expect.any(Date),
      },
      // No cap; the period's spend grew by what was charged.
      spend: { cap: null, spent: 150_000n },
    });
    expect(await f.buckets(userId)).toEqual({ allowance: 0n, purchased: 1_950_000n, reserved: 0n });
    expect(await f.reservationStatus(id)).toBe("settled");
    await clean(userId);
  });

  it("takes only the allowance while it covers the cost", async () => {
    const userId = await account(2_000_000n);
    const id = await holdOrThrow(f.t.db, reserveInput(userId, 100_000n));
    const r = await settle(f.t.db, { reservationId: id, cost: 100_000n });
    expect(r.ok && [r.row.allowanceDelta, r.row.purchasedDelta]).toEqual([-100_000n, 0n]);
    expect(await f.buckets(userId)).toEqual({ allowance: 0n, purchased: 2_000_000n, reserved: 0n });
  });

  it("returns the rest of the hold when the cost is below it", async () => {
    const userId = await account();
    const id = await holdOrThrow(f.t.db, reserveInput(userId, 50_000n));
    const r = await settle(f.t.db, { reservationId: id, cost: 20_001n });
    expect(r.ok && { charged: r.charged, shortfall: r.shortfall, balance: r.balance }).toEqual({
      charged: 20_001n,
      shortfall: 0n,
      balance: { allowance: 79_999n, purchased: 0n, reserved: 0n, available: 79_999n },
    });
    expect(await f.buckets(userId)).toEqual({ allowance: 79_999n, purchased: 0n, reserved: 0n });
    await clean(userId);
  });

  it("takes the extra from what is available when the cost exceeds the hold", async () => {
    const userId = await account(10_000n);
    const id = await holdOrThrow(f.t.db, reserveInput(userId, 10_000n));
    const r = await settle(f.t.db, { reservationId: id, cost: 105_000n });
    expect(
      r.ok && { charged: r.charged, shortfall: r.shortfall, a: r.row.allowanceDelta, p: r.row.purchasedDelta },
    ).toEqual({
      charged: 105_000n,
      shortfall: 0n,
      a: -100_000n,
      p: -5_000n,
    });
    expect(await f.buckets(userId)).toEqual({ allowance: 0n, purchased: 5_000n, reserved: 0n });
    await clean(userId);
  });

  it("charges everything there is and records the exact shortfall when the cost exceeds the whole balance", async () => {
    const userId = await account(20_000n);
    const id = await holdOrThrow(f.t.db, reserveInput(userId, 10_000n));
    const r = await settle(f.t.db, { reservationId: id, cost: 250_001n });
    expect(r.ok && { charged: r.charged, shortfall: r.shortfall, balance: r.balance }).toEqual({
      charged: 120_000n,
      shortfall: 130_001n,
      balance: { allowance: 0n, purchased: 0n, reserved: 0n, available: 0n },
    });
    expect(await consumeRows(userId)).toEqual([
      { allowance_delta: "-100000", purchased_delta: "-20000", shortfall: "130001", cost: "250001" },
    ]);
    expect(await f.buckets(userId)).toEqual({ allowance: 0n, purchased: 0n, reserved: 0n });
    await clean(userId);
  });

  it("never spends another call's hold to cover an overshoot", async () => {
    const userId = await account();
    const a = await holdOrThrow(f.t.db, reserveInput(userId, 40_000n));
    const b = await holdOrThrow(f.t.db, reserveInput(userId, 10_000n));
    // b may use its own 10_000 plus the 50_000 nobody holds — not a's 40_000.
    const rb = await settle(f.t.db, { reservationId: b, cost: 1_000_000n });
    expect(rb.ok && { charged: rb.charged, shortfall: rb.shortfall, balance: rb.balance }).toEqual({
      charged: 60_000n,
      shortfall: 940_000n,
      balance: { allowance: 40_000n, purchased: 0n, reserved: 40_000n, available: 0n },
    });
    await clean(userId);
    // a's hold is still fully there.
    const ra = await settle(f.t.db, { reservationId: a, cost: 40_000n });
    expect(ra.ok && { charged: ra.charged, shortfall: ra.shortfall }).toEqual({ charged: 40_000n, shortfall: 0n });
    expect(await f.buckets(userId)).toEqual({ allowance: 0n, purchased: 0n, reserved: 0n });
    await clean(userId);
  });

  it("writes a consume row of 0 for a call that cost nothing, and returns the hold", async () => {
    const userId = await account();
    const id = await holdOrThrow(f.t.db, reserveInput(userId, 7_000n));
    const r = await settle(f.t.db, { reservationId: id, cost: 0n });
    expect(r.ok && { charged: r.charged, shortfall: r.shortfall }).toEqual({ charged: 0n, shortfall: 0n });
    expect(await consumeRows(userId)).toEqual([
      { allowance_delta: "0", purchased_delta: "0", shortfall: "0", cost: "0" },
    ]);
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
  });

  it("stores the usage breakdown, the cost in micro-dollars and the pricing version", async () => {
    const userId = await account();
    const id = await holdOrThrow(f.t.db, reserveInput(userId, 9_000n, { feature: "vision", pricingVersion: 1 }));
    const usage = {
      model: "gpt-x",
      inputTokens: 1200,
      cachedInputTokens: 200,
      outputTokens: 345,
      images: 1,
      streamed: true,
      note: null,
    };
    const r = await settle(f.t.db, { reservationId: id, cost: 8_765n, usage });
    expect(
      r.ok && { usage: r.row.usage, cost: r.row.costMicroUsd, feature: r.row.feature, v: r.row.pricingVersion },
    ).toEqual({
      usage,
      cost: 8_765n,
      feature: "vision",
      v: 1,
    });
    const [row] = await f.t.sql<{ usage: unknown; cost: string; pricing_version: number }>(
      "SELECT usage, cost_micro_usd::text AS cost, pricing_version FROM token_transactions WHERE user_id = $1 AND kind = 'consume'",
      [userId],
    );
    expect(row).toEqual({ usage, cost: "8765", pricing_version: 1 });
  });

  it("returns the first charge when settled twice, with one row", async () => {
    const userId = await account();
    const id = await holdOrThrow(f.t.db, reserveInput(userId, 9_000n));
    const first = await settle(f.t.db, { reservationId: id, cost: 8_000n });
    const again = await settle(f.t.db, { reservationId: id, cost: 9_000n });
    expect(first.ok && first.duplicate).toBe(false);
    expect(again).toEqual({
      ok: true,
      duplicate: true,
      row: first.ok && first.row,
      charged: 8_000n,
      shortfall: 0n,
      balance: { allowance: 92_000n, purchased: 0n, reserved: 0n, available: 92_000n },
      spend: null, // the duplicate charged nothing now
    });
    expect(await consumeRows(userId)).toHaveLength(1);
    expect(await f.buckets(userId)).toEqual({ allowance: 92_000n, purchased: 0n, reserved: 0n });
    await clean(userId);
  });

  it("reports the same charged and shortfall on a duplicate of a short settle", async () => {
    const userId = await account();
    const id = await holdOrThrow(f.t.db, reserveInput(userId, 9_000n));
    const first = await settle(f.t.db, { reservationId: id, cost: 150_000n });
    const again = await settle(f.t.db, { reservationId: id, cost: 150_000n });
    expect(first.ok && [first.charged, first.shortfall]).toEqual([100_000n, 50_000n]);
    expect(again.ok && [again.duplicate, again.charged, again.shortfall]).toEqual([true, 100_000n, 50_000n]);
  });

  it("charges once when the same reservation is settled 20 times at once", async () => {
    const userId = await account();
    const id = await holdOrThrow(f.t.db, reserveInput(userId, 9_000n));
    const results = await Promise.all(
      Array.from({ length: 20 }, () => settle(f.t.db, { reservationId: id, cost: 3_000n })),
    );
    expect(results.filter((r) => r.ok && !r.duplicate)).toHaveLength(1);
    expect(results.filter((r) => r.ok && r.duplicate)).toHaveLength(19);
    expect(await consumeRows(userId)).toHaveLength(1);
    expect(await f.buckets(userId)).toEqual({ allowance: 97_000n, purchased: 0n, reserved: 0n });
    await clean(userId);
  });

  it("refuses a released reservation (ReservationClosed) and writes nothing", async () => {
    const userId = await account();
    const id = await holdOrThrow(f.t.db, reserveInput(userId, 9_000n));
    await release(f.t.db, id);
    expect(await settle(f.t.db, { reservationId: id, cost: 1_000n })).toEqual({
      ok: false,
      error: { type: "ReservationClosed", reservationId: id, status: "released" },
    });
    expect(await consumeRows(userId)).toEqual([]);
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
  });

  it("reports ReservationNotFound for an unknown id", async () => {
    const id = "00000000-0000-4000-8000-000000000000";
    expect(await settle(f.t.db, { reservationId: id, cost: 1_000n })).toEqual({
      ok: false,
      error: { type: "ReservationNotFound", reservationId: id },
    });
  });

  it("refuses a negative cost with LedgerUsageError", async () => {
    const userId = await account();
    const id = await holdOrThrow(f.t.db, reserveInput(userId, 9_000n));
    await expect(settle(f.t.db, { reservationId: id, cost: -1n })).rejects.toBeInstanceOf(LedgerUsageError);
    expect(await f.reservationStatus(id)).toBe("held");
  });

  it("still charges a call the sweep already expired, from what is available, without returning the hold twice", async () => {
    const userId = await account();
    const now = new Date("2001-05-01T00:00:00.000Z");
    const id = await holdOrThrow(f.t.db, reserveInput(userId, 30_000n, { now, ttlMs: 1_000 }));
    const other = await holdOrThrow(f.t.db, reserveInput(userId, 50_000n)); // expires in a minute from now
    const swept = await sweepExpiredReservations(f.t.db, new Date(now.getTime() + 1_000));
    expect(swept.expired).toBeGreaterThanOrEqual(1);
    expect(await f.reservationStatus(id)).toBe("expired");
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 50_000n });

    // The call finished after all: 60_000 are owed, but only 50_000 are free (the other hold stays).
    const r = await settle(f.t.db, { reservationId: id, cost: 60_000n });
    expect(r.ok && { charged: r.charged, shortfall: r.shortfall, balance: r.balance, duplicate: r.duplicate }).toEqual({
      charged: 50_000n,
      shortfall: 10_000n,
      balance: { allowance: 50_000n, purchased: 0n, reserved: 50_000n, available: 0n },
      duplicate: false,
    });
    expect(await f.reservationStatus(id)).toBe("settled");
    expect(await f.reservationStatus(other)).toBe("held");
    await clean(userId);
    const again = await settle(f.t.db, { reservationId: id, cost: 60_000n });
    expect(again.ok && again.duplicate).toBe(true);
    expect(await f.buckets(userId)).toEqual({ allowance: 50_000n, purchased: 0n, reserved: 50_000n });
  });
});

describe("release", () => {
  it("returns the whole hold, once", async () => {
    const userId = await account();
    const id = await holdOrThrow(f.t.db, reserveInput(userId, 33_333n));
    expect(await release(f.t.db, id)).toEqual({
      ok: true,
      released: true,
      balance: { allowance: 100_000n, purchased: 0n, reserved: 0n, available: 100_000n },
    });
    expect(await f.reservationStatus(id)).toBe("released");
    expect(await release(f.t.db, id)).toEqual({ ok: true, released: false, balance: null });
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
    expect(await f.rowCount(userId)).toBe(2);
    await clean(userId);
  });

  it("changes nothing for a settled reservation", async () => {
    const userId = await account();
    const id = await holdOrThrow(f.t.db, reserveInput(userId, 10_000n));
    await settle(f.t.db, { reservationId: id, cost: 4_000n });
    expect(await release(f.t.db, id)).toEqual({ ok: true, released: false, balance: null });
    expect(await f.buckets(userId)).toEqual({ allowance: 96_000n, purchased: 0n, reserved: 0n });
    expect(await f.reservationStatus(id)).toBe("settled");
  });

  it("releases once when released 20 times at once", async () => {
    const userId = await account();
    const keep = await holdOrThrow(f.t.db, reserveInput(userId, 1_000n));
    const id = await holdOrThrow(f.t.db, reserveInput(userId, 10_000n));
    const results = await Promise.all(Array.from({ length: 20 }, () => release(f.t.db, id)));
    expect(results.filter((r) => r.ok && r.released)).toHaveLength(1);
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 1_000n });
    expect(await f.reservationStatus(keep)).toBe("held");
    await clean(userId);
  });

  it("reports ReservationNotFound for an unknown id", async () => {
    const id = "00000000-0000-4000-8000-00000000abcd";
    expect(await release(f.t.db, id)).toEqual({ ok: false, error: { type: "ReservationNotFound", reservationId: id } });
  });

  it("lets the released tokens be reserved again", async () => {
    const userId = await account();
    const id = await holdOrThrow(f.t.db, reserveInput(userId, 100_000n));
    expect((await reserve(f.t.db, reserveInput(userId, 1n))).ok).toBe(false);
    await release(f.t.db, id);
    const again = await reserve(f.t.db, reserveInput(userId, 100_000n, { requestId: nextRequestId("again") }));
    expect(again.ok).toBe(true);
  });
});

describe("reserve checks the caller's session version in its own statement", () => {
  const version = async (userId: string) =>
    (await f.t.db.user.findUniqueOrThrow({ where: { id: userId }, select: { sessionVersion: true } })).sessionVersion;

  it("holds while the version is the user's current one, and refuses a revoked one, holding nothing", async () => {
    const userId = await account();
    const current = await version(userId);
    const held = await reserve(f.t.db, reserveInput(userId, 1_000n, { sessionVersion: current }));
    expect(held.ok).toBe(true);
    await f.t.sql("UPDATE users SET session_version = session_version + 1 WHERE id = $1", [userId]);
    const before = await f.buckets(userId);
    const refused = await reserve(f.t.db, reserveInput(userId, 1_000n, { sessionVersion: current }));
    expect(refused).toEqual({ ok: false, error: { type: "SessionRevoked", userId } });
    expect(await f.buckets(userId)).toEqual(before);
    expect(await f.t.db.tokenReservation.count({ where: { userId } })).toBe(1);
    // A token issued after the revocation holds again; a caller that checked itself passes none.
    expect((await reserve(f.t.db, reserveInput(userId, 1_000n, { sessionVersion: current + 1 }))).ok).toBe(true);
    expect((await reserve(f.t.db, reserveInput(userId, 1_000n))).ok).toBe(true);
    await clean(userId);
  });

  it("refuses a revoked session before the balance: a user who cannot pay still gets SessionRevoked", async () => {
    const userId = await account();
    await f.t.sql("UPDATE users SET session_version = 7 WHERE id = $1", [userId]);
    const r = await reserve(f.t.db, reserveInput(userId, 10n ** 12n, { sessionVersion: 6 }));
    expect(r).toEqual({ ok: false, error: { type: "SessionRevoked", userId } });
  });

  it("refuses a malformed version before anything is sent", async () => {
    const userId = await account();
    await expect(reserve(f.t.db, reserveInput(userId, 1_000n, { sessionVersion: -1 }))).rejects.toThrow(
      LedgerUsageError,
    );
    await expect(reserve(f.t.db, reserveInput(userId, 1_000n, { sessionVersion: 1.5 }))).rejects.toThrow(
      LedgerUsageError,
    );
  });
});

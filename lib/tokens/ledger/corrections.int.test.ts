import { describe, expect, it } from "vitest";
import { adjust, clawback, type AdjustInput, type ClawbackInput } from "./corrections";
import { LedgerUsageError } from "./errors";
import { grant } from "./grant";
import { startPeriod } from "./period";
import { reserve, settle } from "./reservations";
import { holdOrThrow, pack, reserveInput, ledgerTestDatabase } from "@/test/ledger/helpers";
import { verifyLedger } from "./verify";

const f = ledgerTestDatabase();

const clean = async (...userIds: string[]) => expect((await verifyLedger(f.t.db, { userIds })).mismatches).toEqual([]);

/** Allowance 100_000n, purchased as given. */
async function account(purchased = 0n): Promise<string> {
  const userId = await f.newAccount();
  if (purchased > 0n) await grant(f.t.db, pack(userId, `checkout:${userId}`, purchased));
  return userId;
}

let admin: string | undefined;
async function adminId(): Promise<string> {
  admin ??= (
    await f.t.db.user.create({ data: { email: `corrections-admin-${Date.now()}@example.com`, role: "admin" } })
  ).id;
  return admin;
}

const claw = (userId: string, amount: bigint, key = `refund:ch_${userId}`): ClawbackInput => ({
  userId,
  amount,
  idempotencyKey: key,
  sourceType: "stripe_refund",
  sourceRef: "ch_123",
  reason: "refunded pack",
});

async function adj(userId: string, amount: bigint, key = `adjust:${userId}:${amount}`): Promise<AdjustInput> {
  return { userId, amount, reason: "  support ticket 7  ", actorId: await adminId(), idempotencyKey: key };
}

describe("clawback", () => {
  it("takes the whole pack back from purchased when it is all still there; the allowance is untouched", async () => {
    const userId = await account(2_000_000n);
    const r = await clawback(f.t.db, claw(userId, 2_000_000n));
    expect(r).toEqual({
      ok: true,
      duplicate: false,
      taken: 2_000_000n,
      shortfall: 0n,
      row: expect.objectContaining({
        kind: "clawback",
        allowanceDelta: 0n,
        purchasedDelta: -2_000_000n,
        allowanceAfter: 100_000n,
        purchasedAfter: 0n,
        shortfall: 0n,
        sourceType: "stripe_refund",
        sourceRef: "ch_123",
        reason: "refunded pack",
        idempotencyKey: `refund:ch_${userId}`,
      }),
    });
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
    await clean(userId);
  });

  it("from the allowance: takes min(amount, allowance, maxTake), purchased untouched, the rest is shortfall", async () => {
    const userId = await account(2_000_000n);
    const id = await holdOrThrow(f.t.db, reserveInput(userId, 30_001n));
    await settle(f.t.db, { reservationId: id, cost: 30_001n }); // allowance 69_999 left
    const r = await clawback(f.t.db, {
      ...claw(userId, 100_000n, `refund:ch_a_${userId}:100000`),
      bucket: "allowance",
    });
    expect(r).toMatchObject({ ok: true, duplicate: false, taken: 69_999n, shortfall: 30_001n });
    expect(r.ok && r.row).toMatchObject({
      allowanceDelta: -69_999n,
      purchasedDelta: 0n,
      allowanceAfter: 0n,
      purchasedAfter: 2_000_000n,
    });
    expect(await f.buckets(userId)).toEqual({ allowance: 0n, purchased: 2_000_000n, reserved: 0n });
    // The same key again: the first result, nothing more taken.
    expect(
      await clawback(f.t.db, { ...claw(userId, 100_000n, `refund:ch_a_${userId}:100000`), bucket: "allowance" }),
    ).toMatchObject({ duplicate: true, taken: 69_999n });

    const other = await account();
    const capped = await clawback(f.t.db, { ...claw(other, 50_000n), bucket: "allowance", maxTake: 20_000n });
    expect(capped).toMatchObject({ ok: true, taken: 20_000n, shortfall: 30_000n });
    const none = await clawback(f.t.db, {
      ...claw(other, 10_000n, `refund:ch_b_${other}`),
      bucket: "allowance",
      maxTake: 0n,
    });
    expect(none).toMatchObject({ ok: true, taken: 0n, shortfall: 10_000n });
    expect(await f.buckets(other)).toEqual({ allowance: 80_000n, purchased: 0n, reserved: 0n });
    await clean(userId, other);
  });

  it("takes min(amount, purchased) and records the rest as shortfall", async () => {
    const userId = await account(2_000_000n);
    // Spend 100_000 of allowance and 1_300_001 of the pack.
    const id = await holdOrThrow(f.t.db, reserveInput(userId, 1_400_001n));
    await settle(f.t.db, { reservationId: id, cost: 1_400_001n });
    expect(await f.buckets(userId)).toEqual({ allowance: 0n, purchased: 699_999n, reserved: 0n });

    const r = await clawback(f.t.db, claw(userId, 2_000_000n));
    expect(
      r.ok && { taken: r.taken, shortfall: r.shortfall, a: r.row.allowanceDelta, p: r.row.purchasedDelta },
    ).toEqual({
      taken: 699_999n,
      shortfall: 1_300_001n,
      a: 0n,
      p: -699_999n,
    });
    expect(await f.buckets(userId)).toEqual({ allowance: 0n, purchased: 0n, reserved: 0n });
    await clean(userId);
  });

  it("never touches the allowance, even when purchased is empty", async () => {
    const userId = await account();
    const r = await clawback(f.t.db, claw(userId, 50_000n));
    expect(r.ok && [r.taken, r.shortfall]).toEqual([0n, 50_000n]);
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
    await clean(userId);
  });

  it("is idempotent: a retry returns the first result and takes nothing more", async () => {
    const userId = await account(3_000_000n);
    const first = await clawback(f.t.db, claw(userId, 2_000_000n));
    const retry = await clawback(f.t.db, claw(userId, 2_000_000n));
    expect(retry).toEqual({ ok: true, duplicate: true, row: first.ok && first.row, taken: 2_000_000n, shortfall: 0n });
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 1_000_000n, reserved: 0n });
    const storm = await Promise.all(
      Array.from({ length: 10 }, () => clawback(f.t.db, claw(userId, 2_000_000n, `dispute:dp_${userId}`))),
    );
    expect(storm.filter((r) => r.ok && !r.duplicate)).toHaveLength(1);
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
    expect(await f.countKey(`dispute:dp_${userId}`)).toBe(1);
    await clean(userId);
  });

  it("takes tokens held by a call in flight; that call then settles with a shortfall", async () => {
    const userId = await account(50_000n);
    const id = await holdOrThrow(f.t.db, reserveInput(userId, 120_000n));
    const r = await clawback(f.t.db, claw(userId, 50_000n));
    expect(r.ok && r.taken).toBe(50_000n);
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 120_000n });
    await clean(userId);
    const s = await settle(f.t.db, { reservationId: id, cost: 120_000n });
    expect(s.ok && [s.charged, s.shortfall]).toEqual([100_000n, 20_000n]);
    expect(await f.buckets(userId)).toEqual({ allowance: 0n, purchased: 0n, reserved: 0n });
    await clean(userId);
  });

  it("reports AccountNotFound and IdempotencyKeyReused", async () => {
    const user = await f.newUser();
    expect(await clawback(f.t.db, claw(user, 1n))).toEqual({
      ok: false,
      error: { type: "AccountNotFound", userId: user },
    });
    const owner = await account(10_000n);
    const other = await account(10_000n);
    await clawback(f.t.db, claw(owner, 1_000n, `refund:shared-${owner}`));
    expect(await clawback(f.t.db, claw(other, 1_000n, `refund:shared-${owner}`))).toEqual({
      ok: false,
      error: { type: "IdempotencyKeyReused", key: `refund:shared-${owner}`, ownerUserId: owner },
    });
    expect(await f.buckets(other)).toEqual({ allowance: 100_000n, purchased: 10_000n, reserved: 0n });
  });

  it.each([[0n], [-5n]])("refuses an amount of %s with LedgerUsageError", async (amount) => {
    const userId = await account(10_000n);
    await expect(clawback(f.t.db, claw(userId, amount))).rejects.toBeInstanceOf(LedgerUsageError);
    await expect(clawback(f.t.db, { ...claw(userId, 5n), idempotencyKey: "" })).rejects.toBeInstanceOf(
      LedgerUsageError,
    );
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 10_000n, reserved: 0n });
  });
});

describe("adjust", () => {
  it("adds a positive amount to purchased tokens, recording the admin and the trimmed reason", async () => {
    const userId = await account(1_000n);
    const r = await adjust(f.t.db, await adj(userId, 25_000n));
    expect(r).toEqual({
      ok: true,
      duplicate: false,
      row: expect.objectContaining({
        kind: "adjustment",
        allowanceDelta: 0n,
        purchasedDelta: 25_000n,
        allowanceAfter: 100_000n,
        purchasedAfter: 26_000n,
        sourceType: "admin",
        reason: "support ticket 7",
        actorId: await adminId(),
      }),
    });
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 26_000n, reserved: 0n });
    const [row] = await f.t.sql(
      "SELECT reason, actor_id FROM token_transactions WHERE user_id = $1 AND kind = 'adjustment'",
      [userId],
    );
    expect(row).toEqual({ reason: "support ticket 7", actor_id: await adminId() });
    await clean(userId);
  });

  it("takes a negative amount from the allowance first, then from purchased tokens", async () => {
    const userId = await account(50_000n);
    const small = await adjust(f.t.db, await adj(userId, -40_000n));
    expect(small.ok && [small.row.allowanceDelta, small.row.purchasedDelta]).toEqual([-40_000n, 0n]);
    const big = await adjust(f.t.db, await adj(userId, -70_000n));
    expect(
      big.ok && [big.row.allowanceDelta, big.row.purchasedDelta, big.row.allowanceAfter, big.row.purchasedAfter],
    ).toEqual([-60_000n, -10_000n, 0n, 40_000n]);
    expect(await f.buckets(userId)).toEqual({ allowance: 0n, purchased: 40_000n, reserved: 0n });
    await clean(userId);
  });

  it("never refuses a credit, even when what is available is below 0 (held allowance expired)", async () => {
    const userId = await account();
    await holdOrThrow(f.t.db, reserveInput(userId, 60_000n));
    // A new period without allowance expires the 100_000 the call holds 60_000 of: available −60_000.
    await startPeriod(f.t.db, {
      userId,
      periodStart: new Date("2026-02-28T08:00:00.000Z"),
      periodEnd: new Date("2026-03-31T08:00:00.000Z"),
      allowance: 0n,
    });
    expect(await f.buckets(userId)).toEqual({ allowance: 0n, purchased: 0n, reserved: 60_000n });
    const r = await adjust(f.t.db, await adj(userId, 25_000n));
    expect(r.ok && [r.duplicate, r.row.purchasedDelta, r.row.purchasedAfter]).toEqual([false, 25_000n, 25_000n]);
    expect(await f.buckets(userId)).toEqual({ allowance: 0n, purchased: 25_000n, reserved: 60_000n });
    // A deduction is still refused.
    expect(await adjust(f.t.db, await adj(userId, -1n))).toEqual({
      ok: false,
      error: { type: "InsufficientTokens", required: 1n, available: -35_000n },
    });
    await clean(userId);
  });

  it("handles amounts beyond 32 bits exactly", async () => {
    const userId = await account();
    const big = 9_000_000_000_123n;
    expect((await adjust(f.t.db, await adj(userId, big))).ok).toBe(true);
    expect((await adjust(f.t.db, await adj(userId, -(big - 23n)))).ok).toBe(true);
    expect(await f.buckets(userId)).toEqual({ allowance: 0n, purchased: 100_023n, reserved: 0n });
    await clean(userId);
  });

  it("can take exactly everything available", async () => {
    const userId = await account(50_000n);
    const r = await adjust(f.t.db, await adj(userId, -150_000n));
    expect(r.ok).toBe(true);
    expect(await f.buckets(userId)).toEqual({ allowance: 0n, purchased: 0n, reserved: 0n });
  });

  it("refuses (not clips) a deduction larger than what is available, holds counted, and writes nothing", async () => {
    const userId = await account(50_000n);
    await holdOrThrow(f.t.db, reserveInput(userId, 30_000n));
    const before = await f.rowCount(userId);
    expect(await adjust(f.t.db, await adj(userId, -120_001n))).toEqual({
      ok: false,
      error: { type: "InsufficientTokens", required: 120_001n, available: 120_000n },
    });
    expect(await f.rowCount(userId)).toBe(before);
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 50_000n, reserved: 30_000n });
    // What is available can be taken; the hold stays covered.
    expect((await adjust(f.t.db, await adj(userId, -120_000n))).ok).toBe(true);
    expect(await f.buckets(userId)).toEqual({ allowance: 0n, purchased: 30_000n, reserved: 30_000n });
    await clean(userId);
  });

  it("is idempotent: a retry returns the first row, even when it could no longer be covered", async () => {
    const userId = await account();
    const first = await adjust(f.t.db, await adj(userId, -80_000n, `adjust:once-${userId}`));
    const retry = await adjust(f.t.db, await adj(userId, -80_000n, `adjust:once-${userId}`));
    expect(retry).toEqual({ ok: true, duplicate: true, row: first.ok && first.row });
    expect(await f.buckets(userId)).toEqual({ allowance: 20_000n, purchased: 0n, reserved: 0n });
    const plus = await Promise.all(
      Array.from({ length: 10 }, async () => adjust(f.t.db, await adj(userId, 5_000n, `adjust:plus-${userId}`))),
    );
    expect(plus.filter((r) => r.ok && !r.duplicate)).toHaveLength(1);
    expect(await f.buckets(userId)).toEqual({ allowance: 20_000n, purchased: 5_000n, reserved: 0n });
    await clean(userId);
  });

  it("serialises concurrent deductions: never more taken than available", async () => {
    const userId = await account();
    const results = await Promise.all(
      Array.from({ length: 15 }, async (_, i) => adjust(f.t.db, await adj(userId, -10_000n, `adjust:c${i}-${userId}`))),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(results.filter((r) => !r.ok && r.error.type === "InsufficientTokens")).toHaveLength(5);
    expect(await f.buckets(userId)).toEqual({ allowance: 0n, purchased: 0n, reserved: 0n });
    await clean(userId);
  });

  it("reports AccountNotFound and IdempotencyKeyReused", async () => {
    const user = await f.newUser();
    expect(await adjust(f.t.db, await adj(user, 5n))).toEqual({
      ok: false,
      error: { type: "AccountNotFound", userId: user },
    });
    expect(await adjust(f.t.db, await adj(user, -5n))).toEqual({
      ok: false,
      error: { type: "AccountNotFound", userId: user },
    });
    const owner = await account();
    const other = await account();
    await adjust(f.t.db, await adj(owner, 5n, `adjust:shared-${owner}`));
    expect(await adjust(f.t.db, await adj(other, -5n, `adjust:shared-${owner}`))).toEqual({
      ok: false,
      error: { type: "IdempotencyKeyReused", key: `adjust:shared-${owner}`, ownerUserId: owner },
    });
    expect(await f.buckets(other)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
  });

  it("refuses a 0 amount, an empty reason, a missing admin and an empty key", async () => {
    const userId = await account();
    const base = await adj(userId, 5n);
    for (const bad of [
      { ...base, amount: 0n },
      { ...base, amount: 5 as unknown as bigint },
      { ...base, reason: "" },
      { ...base, reason: "   " },
      { ...base, actorId: "" },
      { ...base, idempotencyKey: "" },
    ]) {
      await expect(adjust(f.t.db, bad)).rejects.toBeInstanceOf(LedgerUsageError);
    }
    expect(await f.rowCount(userId)).toBe(2);
  });

  it("a deduction and a settle racing never overdraw", async () => {
    const userId = await account();
    const id = await holdOrThrow(f.t.db, reserveInput(userId, 40_000n));
    const [a, s] = await Promise.all([
      adjust(f.t.db, await adj(userId, -60_000n)),
      settle(f.t.db, { reservationId: id, cost: 40_000n }),
    ]);
    expect(a.ok && s.ok).toBe(true);
    expect(await f.buckets(userId)).toEqual({ allowance: 0n, purchased: 0n, reserved: 0n });
    expect((await reserve(f.t.db, reserveInput(userId, 1n))).ok).toBe(false);
    await clean(userId);
  });
});

import { describe, expect, it } from "vitest";
import { balance } from "./account";
import { LedgerUsageError } from "./errors";
import { grant } from "./grant";
import { allowanceKey, expiryKey, startPeriod, type StartPeriodInput } from "./period";
import { reserve, settle } from "./reservations";
import { holdOrThrow, pack, reserveInput, SIGNUP, ledgerTestDatabase } from "@/test/ledger/helpers";
import { verifyLedger } from "./verify";

const f = ledgerTestDatabase({ poolMax: 25 });

const FEB = new Date("2026-02-28T08:00:00.000Z");
const MAR = new Date("2026-03-31T08:00:00.000Z");
const APR = new Date("2026-04-30T08:00:00.000Z");

const period = (
  userId: string,
  periodStart: Date,
  periodEnd: Date,
  allowance: bigint,
  extra: Partial<StartPeriodInput> = {},
): StartPeriodInput => ({
  userId,
  periodStart,
  periodEnd,
  allowance,
  sourceType: "stripe_invoice",
  sourceRef: `in_${periodStart.getTime()}`,
  pricingVersion: 1,
  ...extra,
});

/** An account that spent 30_000 of its free allowance and bought 500_000. */
async function usedAccount(): Promise<string> {
  const userId = await f.newAccount();
  await grant(f.t.db, pack(userId, `checkout:${userId}`, 500_000n));
  const id = await holdOrThrow(f.t.db, reserveInput(userId, 30_000n));
  await settle(f.t.db, { reservationId: id, cost: 30_000n });
  expect(await f.buckets(userId)).toEqual({ allowance: 70_000n, purchased: 500_000n, reserved: 0n });
  return userId;
}

describe("startPeriod", () => {
  it("expires the unused allowance exactly and grants the new one; purchased tokens are untouched", async () => {
    const userId = await usedAccount();
    const r = await startPeriod(f.t.db, period(userId, FEB, MAR, 1_000_000n));
    expect(r).toEqual({
      ok: true,
      duplicate: false,
      expired: expect.objectContaining({
        userId,
        kind: "expire_allowance",
        allowanceDelta: -70_000n,
        purchasedDelta: 0n,
        allowanceAfter: 0n,
        purchasedAfter: 500_000n,
        shortfall: 0n,
        sourceType: "stripe_invoice",
        sourceRef: `in_${FEB.getTime()}`,
        pricingVersion: 1,
        idempotencyKey: `expire:${userId}:2026-02-28T08:00:00.000Z`,
      }),
      granted: expect.objectContaining({
        userId,
        kind: "grant_allowance",
        allowanceDelta: 1_000_000n,
        purchasedDelta: 0n,
        allowanceAfter: 1_000_000n,
        purchasedAfter: 500_000n,
        sourceType: "stripe_invoice",
        pricingVersion: 1,
        idempotencyKey: `allowance:${userId}:2026-02-28T08:00:00.000Z`,
      }),
    });
    expect(r.ok && Object.keys(r.expired!)).not.toContain("step");
    expect(await balance(f.t.db, userId)).toEqual({
      allowance: 1_000_000n,
      purchased: 500_000n,
      reserved: 0n,
      available: 1_500_000n,
      periodStart: FEB,
      nextResetAt: MAR,
    });
    expect((await verifyLedger(f.t.db, { userIds: [userId] })).mismatches).toEqual([]);
  });

  it("records grant_free when asked (free tier renewal)", async () => {
    const userId = await f.newAccount();
    const r = await startPeriod(
      f.t.db,
      period(userId, FEB, MAR, 100_000n, { kind: "grant_free", sourceType: "free_tier" }),
    );
    expect(r.ok && [r.expired?.allowanceDelta, r.granted.kind, r.granted.sourceType]).toEqual([
      -100_000n,
      "grant_free",
      "free_tier",
    ]);
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
  });

  it("happens once per (user, period): a retry is a duplicate returning both first rows", async () => {
    const userId = await usedAccount();
    const first = await startPeriod(f.t.db, period(userId, FEB, MAR, 1_000_000n));
    // The retry even asks for another amount: the period is already started.
    const retry = await startPeriod(f.t.db, period(userId, FEB, MAR, 5_000_000n));
    expect(retry).toEqual({
      ok: true,
      duplicate: true,
      expired: first.ok && first.expired,
      granted: first.ok && first.granted,
    });
    expect(await f.buckets(userId)).toEqual({ allowance: 1_000_000n, purchased: 500_000n, reserved: 0n });
    expect(await f.countKey(allowanceKey(userId, FEB))).toBe(1);
    expect(await f.countKey(expiryKey(userId, FEB))).toBe(1);
  });

  it("a retry after the allowance was partly spent still changes nothing", async () => {
    const userId = await f.newAccount();
    await startPeriod(f.t.db, period(userId, FEB, MAR, 300_000n));
    const id = await holdOrThrow(f.t.db, reserveInput(userId, 120_000n));
    await settle(f.t.db, { reservationId: id, cost: 120_000n });
    const retry = await startPeriod(f.t.db, period(userId, FEB, MAR, 300_000n));
    expect(retry.ok && retry.duplicate).toBe(true);
    expect(await f.buckets(userId)).toEqual({ allowance: 180_000n, purchased: 0n, reserved: 0n });
  });

  it("writes exactly one expiry and one grant when 20 identical calls arrive at once", async () => {
    const userId = await usedAccount();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => startPeriod(f.t.db, period(userId, FEB, MAR, 1_000_000n))),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.filter((r) => r.ok && !r.duplicate)).toHaveLength(1);
    expect(results.filter((r) => r.ok && r.duplicate)).toHaveLength(19);
    expect(await f.countKey(allowanceKey(userId, FEB))).toBe(1);
    expect(await f.countKey(expiryKey(userId, FEB))).toBe(1);
    expect(await f.buckets(userId)).toEqual({ allowance: 1_000_000n, purchased: 500_000n, reserved: 0n });
    // open (2) + pack + consume + this period (2)
    expect(await f.rowCount(userId)).toBe(6);
    expect((await verifyLedger(f.t.db, { userIds: [userId] })).mismatches).toEqual([]);
  });

  it("the webhook and the cron racing for consecutive periods each start theirs once", async () => {
    const userId = await f.newAccount();
    await Promise.all([
      ...Array.from({ length: 5 }, () => startPeriod(f.t.db, period(userId, FEB, MAR, 200_000n))),
      ...Array.from({ length: 5 }, () => startPeriod(f.t.db, period(userId, MAR, APR, 300_000n))),
    ]);
    expect(await f.countKey(allowanceKey(userId, MAR))).toBe(1);
    // Whichever order they ran in, the account ends in the newest period with its allowance.
    const b = await balance(f.t.db, userId);
    expect([b?.allowance, b?.periodStart, b?.nextResetAt]).toEqual([300_000n, MAR, APR]);
    expect((await verifyLedger(f.t.db, { userIds: [userId] })).mismatches).toEqual([]);
  });

  it("refuses a period older than the current one (StalePeriod) and writes nothing", async () => {
    const userId = await f.newAccount();
    await startPeriod(f.t.db, period(userId, MAR, APR, 400_000n));
    const before = await f.rowCount(userId);
    expect(await startPeriod(f.t.db, period(userId, FEB, MAR, 1_000_000n))).toEqual({
      ok: false,
      error: { type: "StalePeriod", periodStart: FEB, currentPeriodStart: MAR },
    });
    expect(await f.rowCount(userId)).toBe(before);
    const b = await balance(f.t.db, userId);
    expect([b?.allowance, b?.periodStart, b?.nextResetAt]).toEqual([400_000n, MAR, APR]);
  });

  it("answers a retry of an older period that did start with its rows, not StalePeriod", async () => {
    const userId = await f.newAccount();
    const feb = await startPeriod(f.t.db, period(userId, FEB, MAR, 200_000n));
    await startPeriod(f.t.db, period(userId, MAR, APR, 300_000n));
    expect(await startPeriod(f.t.db, period(userId, FEB, MAR, 200_000n))).toEqual({
      ok: true,
      duplicate: true,
      expired: feb.ok && feb.expired,
      granted: feb.ok && feb.granted,
    });
    expect(await f.buckets(userId)).toEqual({ allowance: 300_000n, purchased: 0n, reserved: 0n });
  });

  it("allows an allowance of 0 (the allowance just expires)", async () => {
    const userId = await usedAccount();
    const r = await startPeriod(f.t.db, period(userId, FEB, MAR, 0n));
    expect(r.ok && [r.expired?.allowanceDelta, r.granted.allowanceDelta, r.granted.allowanceAfter]).toEqual([
      -70_000n,
      0n,
      0n,
    ]);
    expect(await balance(f.t.db, userId)).toMatchObject({
      allowance: 0n,
      purchased: 500_000n,
      periodStart: FEB,
      nextResetAt: MAR,
    });
    expect((await verifyLedger(f.t.db, { userIds: [userId] })).mismatches).toEqual([]);
  });

  it("keeps the holds of calls in flight; they settle against the new allowance", async () => {
    const userId = await f.newAccount();
    const id = await holdOrThrow(f.t.db, reserveInput(userId, 80_000n));
    await startPeriod(f.t.db, period(userId, FEB, MAR, 1_000_000n));
    expect(await f.buckets(userId)).toEqual({ allowance: 1_000_000n, purchased: 0n, reserved: 80_000n });
    const s = await settle(f.t.db, { reservationId: id, cost: 50_000n });
    expect(s.ok && [s.charged, s.shortfall]).toEqual([50_000n, 0n]);
    expect(await f.buckets(userId)).toEqual({ allowance: 950_000n, purchased: 0n, reserved: 0n });
    expect((await verifyLedger(f.t.db, { userIds: [userId] })).mismatches).toEqual([]);
  });

  it("reports AccountNotFound for a user without a token account", async () => {
    const user = await f.newUser();
    expect(await startPeriod(f.t.db, period(user, FEB, MAR, 1_000n))).toEqual({
      ok: false,
      error: { type: "AccountNotFound", userId: user },
    });
    expect(await f.rowCount(user)).toBe(0);
  });

  it("never leaves a period half started: an expiry is never written without its grant", async () => {
    const userId = await f.newAccount();
    // Something (not startPeriod) already used the grant key of the period alone.
    await grant(f.t.db, {
      userId,
      bucket: "allowance",
      kind: "grant_allowance",
      amount: 1n,
      idempotencyKey: allowanceKey(userId, FEB),
    });
    await expect(startPeriod(f.t.db, period(userId, FEB, MAR, 1_000n))).rejects.toThrow(/division by zero/);
    expect(await f.countKey(expiryKey(userId, FEB))).toBe(0);
    const b = await balance(f.t.db, userId);
    expect([b?.allowance, b?.periodStart]).toEqual([100_001n, SIGNUP]);
  });

  it("refuses a negative allowance and an empty or inverted period", async () => {
    const userId = await f.newAccount();
    await expect(startPeriod(f.t.db, period(userId, FEB, MAR, -1n))).rejects.toBeInstanceOf(LedgerUsageError);
    await expect(startPeriod(f.t.db, period(userId, FEB, FEB, 1n))).rejects.toThrow(RangeError);
    await expect(startPeriod(f.t.db, period(userId, MAR, FEB, 1n))).rejects.toThrow(RangeError);
    expect(await f.rowCount(userId)).toBe(2);
  });

  it("is not blocked by a reserve for the same user (both serialise on the balance)", async () => {
    const userId = await f.newAccount();
    const results = await Promise.all([
      startPeriod(f.t.db, period(userId, FEB, MAR, 500_000n)),
      ...Array.from({ length: 10 }, () => reserve(f.t.db, reserveInput(userId, 10_000n))),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await f.buckets(userId)).toEqual({ allowance: 500_000n, purchased: 0n, reserved: 100_000n });
    expect((await verifyLedger(f.t.db, { userIds: [userId] })).mismatches).toEqual([]);
  });
});

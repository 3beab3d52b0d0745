import { describe, expect, it } from "vitest";
import { balance, openAccount } from "./account";
import { LedgerUsageError } from "./errors";
import { grant } from "./grant";
import { allowanceKey, expiryKey, signupKeys, startPeriod } from "./period";
import { holdOrThrow, pack, reserveInput, SIGNUP, ledgerTestDatabase } from "@/test/ledger/helpers";
import { verifyLedger } from "./verify";

const f = ledgerTestDatabase();

describe("openAccount", () => {
  it("opens the balance with the free tier as the first period's allowance", async () => {
    const userId = await f.newAccount();
    expect(await balance(f.t.db, userId)).toEqual({
      allowance: 100_000n,
      purchased: 0n,
      reserved: 0n,
      available: 100_000n,
      periodStart: new Date("2026-01-31T08:00:00.000Z"),
      // One calendar month later, clamped to February's last day.
      nextResetAt: new Date("2026-02-28T08:00:00.000Z"),
    });
  });

  it("writes exactly two rows: the expiry of the empty allowance (0) and the free grant, keyed by the user's sign-up", async () => {
    const userId = await f.newAccount();
    const rows = await f.t.sql(
      `SELECT kind::text, allowance_delta::text, purchased_delta::text, allowance_after::text, purchased_after::text,
              shortfall::text, source_type, pricing_version, idempotency_key
       FROM token_transactions WHERE user_id = $1 ORDER BY id`,
      [userId],
    );
    expect(rows).toEqual([
      {
        kind: "expire_allowance",
        allowance_delta: "0",
        purchased_delta: "0",
        allowance_after: "0",
        purchased_after: "0",
        shortfall: "0",
        source_type: "signup",
        pricing_version: 1,
        idempotency_key: `expire:${userId}:signup`,
      },
      {
        kind: "grant_free",
        allowance_delta: "100000",
        purchased_delta: "0",
        allowance_after: "100000",
        purchased_after: "0",
        shortfall: "0",
        source_type: "signup",
        pricing_version: 1,
        idempotency_key: `allowance:${userId}:signup`,
      },
    ]);
    expect(allowanceKey(userId, SIGNUP)).toBe(`allowance:${userId}:2026-01-31T08:00:00.000Z`);
    expect(expiryKey(userId, SIGNUP)).toBe(`expire:${userId}:2026-01-31T08:00:00.000Z`);
    expect((await verifyLedger(f.t.db, { userIds: [userId] })).mismatches).toEqual([]);
  });

  // Stripe dates a subscription to the second: one created at 12:00:00.900 starts at 12:00:00. A user
  // who signs up and subscribes within one second must still get the plan's period.
  it.each([["2026-05-04T12:00:00.700Z"], ["2026-05-04T12:00:00.000Z"]])(
    "a plan whose period Stripe dates to the second of the sign-up at %s replaces the free period",
    async (signup) => {
      const userId = await f.newAccount({ now: new Date(signup) });
      const stripeStart = new Date("2026-05-04T12:00:00.000Z");
      const r = await startPeriod(f.t.db, {
        userId,
        periodStart: stripeStart,
        periodEnd: new Date("2026-06-04T12:00:00.000Z"),
        allowance: 3_000_000n,
        sourceType: "stripe_invoice",
        sourceRef: "in_first",
      });
      expect(
        r.ok && [r.duplicate, r.expired?.allowanceDelta, r.granted.allowanceAfter, r.granted.idempotencyKey],
      ).toEqual([false, -100_000n, 3_000_000n, allowanceKey(userId, stripeStart)]);
      expect(await balance(f.t.db, userId)).toMatchObject({ allowance: 3_000_000n, periodStart: stripeStart });
      expect((await verifyLedger(f.t.db, { userIds: [userId] })).mismatches).toEqual([]);
    },
  );

  it("a period that started a second or more before the sign-up is still refused as stale", async () => {
    const userId = await f.newAccount({ now: new Date("2026-05-04T12:00:01.000Z") });
    const r = await startPeriod(f.t.db, {
      userId,
      periodStart: new Date("2026-05-04T12:00:00.999Z"),
      periodEnd: new Date("2026-06-04T12:00:00.000Z"),
      allowance: 3_000_000n,
    });
    expect(r).toEqual({
      ok: false,
      error: {
        type: "StalePeriod",
        periodStart: new Date("2026-05-04T12:00:00.999Z"),
        currentPeriodStart: new Date("2026-05-04T12:00:01.000Z"),
      },
    });
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
  });

  it("returns the grant row", async () => {
    const user = await f.newUser();
    const row = await f.t.db.$transaction((tx) =>
      openAccount(tx, { userId: user, now: SIGNUP, freeTierMillitokens: 123_456n, pricingVersion: 1 }),
    );
    expect(row).toMatchObject({
      userId: user,
      kind: "grant_free",
      allowanceDelta: 123_456n,
      purchasedDelta: 0n,
      allowanceAfter: 123_456n,
      purchasedAfter: 0n,
      shortfall: 0n,
      sourceType: "signup",
      pricingVersion: 1,
      idempotencyKey: signupKeys(user).allowance,
    });
  });

  it.each([
    ["2028-01-31T23:59:59.999Z", "2028-02-29T23:59:59.999Z"],
    ["2026-03-31T00:00:00.000Z", "2026-04-30T00:00:00.000Z"],
    ["2026-12-15T10:30:00.000Z", "2027-01-15T10:30:00.000Z"],
  ])("anchors the first period on the sign-up moment %s (next reset %s)", async (now, next) => {
    const userId = await f.newAccount({ now: new Date(now) });
    const b = await balance(f.t.db, userId);
    expect(b?.periodStart).toEqual(new Date(now));
    expect(b?.nextResetAt).toEqual(new Date(next));
  });

  it.each([[0n], [-1n]])(
    "refuses a free tier of %s and leaves no balance behind (the caller's transaction rolls back)",
    async (free) => {
      const user = await f.newUser();
      await expect(
        f.t.db.$transaction((tx) =>
          openAccount(tx, { userId: user, now: SIGNUP, freeTierMillitokens: free, pricingVersion: 1 }),
        ),
      ).rejects.toThrow(new LedgerUsageError("the free tier must grant more than 0 tokens"));
      expect(await balance(f.t.db, user)).toBeNull();
      expect(await f.rowCount(user)).toBe(0);
    },
  );

  it("cannot open the same account twice", async () => {
    const userId = await f.newAccount();
    await expect(
      f.t.db.$transaction((tx) =>
        openAccount(tx, { userId, now: SIGNUP, freeTierMillitokens: 100_000n, pricingVersion: 1 }),
      ),
    ).rejects.toThrow();
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
    expect(await f.rowCount(userId)).toBe(2);
  });
});

describe("balance", () => {
  it("counts held tokens as unavailable", async () => {
    const userId = await f.newAccount();
    await grant(f.t.db, pack(userId, `checkout:reserved-${userId}`, 5_000n));
    await holdOrThrow(f.t.db, reserveInput(userId, 30_000n));
    const b = await balance(f.t.db, userId);
    expect([b?.allowance, b?.purchased, b?.reserved, b?.available]).toEqual([100_000n, 5_000n, 30_000n, 75_000n]);
  });

  it("is null for a user without a token account", async () => {
    expect(await balance(f.t.db, "no-such-user")).toBeNull();
    expect(await balance(f.t.db, await f.newUser())).toBeNull();
  });
});

describe("the database itself", () => {
  it("refuses to change or delete a ledger row (append-only)", async () => {
    const userId = await f.newAccount();
    for (const statement of [
      "UPDATE token_transactions SET allowance_delta = 999999999 WHERE user_id = $1",
      "DELETE FROM token_transactions WHERE user_id = $1",
    ]) {
      await expect(f.t.sql(statement, [userId])).rejects.toMatchObject({
        code: "23001", // restrict_violation
        message: "token_transactions is append-only",
      });
    }
    expect(await f.ledgerSums(userId)).toEqual({ allowance: 100_000n, purchased: 0n, rows: 2 });
  });

  it.each([["allowance"], ["purchased"], ["reserved"]])("refuses a negative %s bucket", async (bucket) => {
    const userId = await f.newAccount();
    await expect(
      f.t.sql(`UPDATE user_token_balance SET ${bucket} = -1 WHERE user_id = $1`, [userId]),
    ).rejects.toMatchObject({
      code: "23514", // check_violation
      constraint: `user_token_balance_${bucket}_nonneg`,
    });
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
  });

  it.each([
    ["allowance_after", "-1", "0", "0"],
    ["purchased_after", "0", "-1", "0"],
    ["shortfall", "0", "0", "-1"],
  ])("refuses a negative %s on a ledger row", async (column, allowanceAfter, purchasedAfter, shortfall) => {
    const userId = await f.newAccount();
    await expect(
      f.t.sql(
        `INSERT INTO token_transactions (user_id, kind, allowance_after, purchased_after, shortfall, idempotency_key)
         VALUES ($1, 'consume', $2, $3, $4, $5)`,
        [userId, allowanceAfter, purchasedAfter, shortfall, `call:negative-${column}-${userId}`],
      ),
    ).rejects.toMatchObject({ code: "23514", constraint: `token_transactions_${column}_nonneg` });
  });

  it("refuses a reservation of 0 millitokens", async () => {
    const userId = await f.newAccount();
    await expect(
      f.t.sql(
        `INSERT INTO token_reservations (id, user_id, amount, feature, request_id, expires_at)
         VALUES (gen_random_uuid(), $1, 0, 'chat', $2, now())`,
        [userId, `zero-${userId}`],
      ),
    ).rejects.toMatchObject({ code: "23514", constraint: "token_reservations_amount_positive" });
  });
});

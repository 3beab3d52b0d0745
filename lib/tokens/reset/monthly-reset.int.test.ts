import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { withSessionAdvisoryLock } from "@/lib/db/advisory-lock";
import { allowanceKey, expiryKey, grant, openAccount, reserve, settle, startPeriod, verifyLedger } from "../ledger";
import { periodContaining } from "../periods";
import { getActivePricing, type PricingConfig } from "../pricing-config";
import { RENEWAL_GRACE_MS, RESET_LOCK_KEY, resetMonthlyTokens, type ResetOptions } from "./monthly-reset";

// Every test gets its own database: the reset works on the whole database.
let t: TestDatabase;
let pricing: PricingConfig;
beforeEach(async () => {
  t = await createTestDatabase({ poolMax: 12 });
  pricing = await getActivePricing(t.db);
});
afterEach(async () => {
  await t.drop();
});

const FREE = 100_000n; // the seeded free tier: 100 tokens
const PRO = 3_000_000n; // Pro: 3,000 tokens a month
const SIGNUP = new Date("2026-01-31T08:00:00.000Z");
const FEB = new Date("2026-02-28T08:00:00.000Z");
const MAR = new Date("2026-03-31T08:00:00.000Z");
const APR = new Date("2026-04-30T08:00:00.000Z");
const MAY = new Date("2026-05-31T08:00:00.000Z");

/** Paid periods granted as soon as they start, except where a test asks for the real grace. */
const reset = (options: ResetOptions = {}) =>
  resetMonthlyTokens(t.db, { connectionString: t.directUrl, pricing }, { renewalGraceMs: 0, ...options });

let seq = 0;
async function account(signup = SIGNUP): Promise<string> {
  return t.db.$transaction(async (tx) => {
    const user = await tx.user.create({
      data: { email: `reset-${++seq}-${Math.random().toString(36).slice(2)}@example.com` },
    });
    await openAccount(tx, { userId: user.id, now: signup, freeTierMillitokens: FREE, pricingVersion: pricing.version });
    return user.id;
  });
}

/** A synced subscription row; its period's invoice (`in_<user>_<start ms>`) is paid unless `paid: false`. */
/** `n` accounts, opened one after another (in parallel they time out on a busy machine's pool). */
async function accounts(n: number): Promise<string[]> {
  const users: string[] = [];
  for (let i = 0; i < n; i++) users.push(await account());
  return users;
}

async function subscribe(
  userId: string,
  status: string,
  start: Date,
  end: Date,
  planId = "pro",
  { paid = true }: { paid?: boolean } = {},
) {
  await t.sql(
    `INSERT INTO user_subscriptions (user_id, stripe_customer_id, stripe_subscription_id, plan_id, status,
       current_period_start, current_period_end, current_period_invoice_id, current_period_paid_at, updated_at)
     VALUES ($1, 'cus_' || $1, 'sub_' || $1, $2, $3::"SubscriptionStatus", $4, $5, $6, $7, now())
     ON CONFLICT (user_id) DO UPDATE SET plan_id = $2, status = $3::"SubscriptionStatus",
       current_period_start = $4, current_period_end = $5, current_period_invoice_id = $6, current_period_paid_at = $7`,
    [userId, planId, status, start, end, `in_${userId}_${start.getTime()}`, paid ? start : null],
  );
}

async function spend(userId: string, amount: bigint) {
  const r = await reserve(t.db, {
    userId,
    amount,
    feature: "chat",
    requestId: `spend-${++seq}`,
    ttlMs: 60_000,
    pricingVersion: 1,
  });
  if (!r.ok) throw new Error("reserve refused");
  await settle(t.db, { reservationId: r.reservation.id, cost: amount });
}

async function state(userId: string) {
  const [row] = await t.sql<{ allowance: string; purchased: string; period_start: Date; next_reset_at: Date }>(
    "SELECT allowance::text, purchased::text, period_start, next_reset_at FROM user_token_balance WHERE user_id = $1",
    [userId],
  );
  return {
    allowance: BigInt(row!.allowance),
    purchased: BigInt(row!.purchased),
    periodStart: row!.period_start,
    nextResetAt: row!.next_reset_at,
  };
}

async function grantsOf(userId: string) {
  return t.sql<{ kind: string; allowance_delta: string; idempotency_key: string }>(
    `SELECT kind::text, allowance_delta::text, idempotency_key FROM token_transactions
     WHERE user_id = $1 AND kind IN ('grant_free', 'grant_allowance') ORDER BY id`,
    [userId],
  );
}

async function expectLedgerConsistent() {
  const { mismatches } = await verifyLedger(t.db);
  expect(mismatches).toEqual([]);
}

describe("resetMonthlyTokens: free tier", () => {
  it("starts the next calendar month from sign-up, expiring what is left; month ends clamp and come back", async () => {
    const user = await account();
    await spend(user, 30_000n);
    await grant(t.db, {
      userId: user,
      bucket: "purchased",
      kind: "grant_pack",
      amount: 2_000_000n,
      idempotencyKey: `checkout:${user}`,
    });

    const first = await reset({ now: new Date("2026-02-28T09:00:00.000Z") });
    expect(first).toMatchObject({
      ran: true,
      usersExamined: 1,
      periodsStarted: 1,
      freePeriods: 1,
      paidPeriods: 0,
      granted: FREE,
      expired: 70_000n,
      errors: [],
    });
    expect(await state(user)).toEqual({ allowance: FREE, purchased: 2_000_000n, periodStart: FEB, nextResetAt: MAR });
    // The same keys as startPeriod, so a webhook or another path can never grant the period again.
    expect((await grantsOf(user)).at(-1)).toEqual({
      kind: "grant_free",
      allowance_delta: "100000",
      idempotency_key: allowanceKey(user, FEB),
    });
    expect(
      await t.sql("SELECT 1 FROM token_transactions WHERE idempotency_key = $1", [expiryKey(user, FEB)]),
    ).toHaveLength(1);

    const second = await reset({ now: MAR });
    expect(second).toMatchObject({ periodsStarted: 1, granted: FREE, expired: FREE });
    expect(await state(user)).toMatchObject({ periodStart: MAR, nextResetAt: APR, purchased: 2_000_000n });
    await expectLedgerConsistent();
  });

  it("does nothing for an account whose period has not ended", async () => {
    const user = await account();
    const summary = await reset({ now: new Date("2026-02-28T07:59:59.999Z") });
    expect(summary).toMatchObject({ ran: true, usersExamined: 0, periodsStarted: 0, granted: 0n });
    expect(await state(user)).toMatchObject({ periodStart: SIGNUP, nextResetAt: FEB });
  });

  it("after months without a run, starts only the month containing now (no back-grants)", async () => {
    const user = await account();
    const summary = await reset({ now: new Date("2026-05-15T00:00:00.000Z") });
    expect(summary).toMatchObject({ periodsStarted: 1, granted: FREE });
    expect(await state(user)).toMatchObject({ periodStart: APR, nextResetAt: MAY });
    expect(await grantsOf(user)).toHaveLength(2); // sign-up + April
  });

  it("computes the same calendar months in SQL as periodContaining does (random anchors, UTC, month ends)", async () => {
    const now = new Date("2027-03-01T05:30:00.000Z");
    const anchors = fc.sample(
      fc.date({
        min: new Date("2024-01-01T00:00:00.000Z"),
        max: new Date("2027-01-31T05:00:00.000Z"),
        noInvalidDate: true,
      }),
      { numRuns: 80, seed: 20261124 },
    );
    // Add the month ends and leap days that matter most.
    anchors.push(
      new Date("2026-01-31T23:59:59.999Z"),
      new Date("2024-02-29T12:00:00.000Z"),
      new Date("2026-12-31T00:00:00.000Z"),
      new Date("2027-01-31T05:30:00.000Z"),
    );
    const users: string[] = [];
    for (const anchor of anchors) users.push(await account(anchor)); // one at a time: a busy machine's pool times out
    // Each account's current period ended at its first month boundary (the cron never ran since).
    const expected = new Map(users.map((u, i) => [u, periodContaining(anchors[i]!, now)]));
    const summary = await reset({ now });
    expect(summary).toMatchObject({ periodsStarted: users.length, errors: [] });
    for (const user of users) {
      const { start, end } = expected.get(user)!;
      expect(await state(user)).toMatchObject({ periodStart: start, nextResetAt: end });
    }
  });

  it("gives an ended or never-started subscription the free tier", async () => {
    const canceled = await account();
    await subscribe(canceled, "canceled", SIGNUP, FEB);
    const incomplete = await account();
    await subscribe(incomplete, "incomplete_expired", SIGNUP, FEB);
    const summary = await reset({ now: FEB });
    expect(summary).toMatchObject({ freePeriods: 2, paidPeriods: 0 });
    expect((await state(canceled)).allowance).toBe(FREE);
    expect((await state(incomplete)).allowance).toBe(FREE);
  });
});

describe("resetMonthlyTokens: subscriptions", () => {
  it("starts a renewed subscription's period with its plan's allowance, under the invoice.paid key", async () => {
    const user = await account();
    await grant(t.db, {
      userId: user,
      bucket: "purchased",
      kind: "grant_pack",
      amount: 500_000n,
      idempotencyKey: `checkout:${user}`,
    });
    // The subscription's new period was synced from Stripe (invoice.paid's grant not there yet).
    const start = new Date("2026-02-28T08:00:00.000Z");
    await subscribe(user, "active", start, MAR);

    // Within its first hours the renewal is left to invoice.paid (Stripe charges it about an hour in).
    const early = await reset({ now: new Date("2026-02-28T10:59:59.999Z"), renewalGraceMs: RENEWAL_GRACE_MS });
    expect(early).toMatchObject({ periodsStarted: 0, awaitingRenewal: 1 });

    const summary = await reset({ now: new Date("2026-02-28T11:00:00.000Z"), renewalGraceMs: RENEWAL_GRACE_MS });
    expect(summary).toMatchObject({ paidPeriods: 1, freePeriods: 0, granted: PRO, expired: FREE, awaitingRenewal: 0 });
    expect(await state(user)).toEqual({ allowance: PRO, purchased: 500_000n, periodStart: start, nextResetAt: MAR });
    expect((await grantsOf(user)).at(-1)).toEqual({
      kind: "grant_allowance",
      allowance_delta: "3000000",
      idempotency_key: allowanceKey(user, start),
    });

    // invoice.paid arriving afterwards is a no-op: the same key.
    const late = await startPeriod(t.db, {
      userId: user,
      periodStart: start,
      periodEnd: MAR,
      allowance: PRO,
      sourceType: "stripe_invoice",
      sourceRef: "in_1",
    });
    expect(late).toMatchObject({ ok: true, duplicate: true });
    expect(await grantsOf(user)).toHaveLength(2);
    await expectLedgerConsistent();
  });

  it("grants an active subscription's new period only once its invoice is paid; the grant names the invoice", async () => {
    const user = await account();
    const start = new Date("2026-02-28T08:00:00.000Z");
    // Renewed in Stripe and synced, still `active`, but its invoice is not paid (a SEPA debit
    // processing, a send_invoice invoice open, collection paused).
    await subscribe(user, "active", start, MAR, "pro", { paid: false });
    const unpaid = await reset({ now: new Date("2026-03-01T00:00:00.000Z") });
    expect(unpaid).toMatchObject({ periodsStarted: 0, awaitingPayment: 1, awaitingRenewal: 0, errors: [] });
    expect(await state(user)).toMatchObject({ allowance: FREE, periodStart: SIGNUP });

    await subscribe(user, "active", start, MAR, "pro", { paid: true });
    const paid = await reset({ now: new Date("2026-03-01T00:00:00.000Z") });
    expect(paid).toMatchObject({ periodsStarted: 1, paidPeriods: 1, granted: PRO, awaitingPayment: 0 });
    const [row] = await t.sql<{ source_ref: string }>(
      "SELECT source_ref FROM token_transactions WHERE idempotency_key = $1",
      [allowanceKey(user, start)],
    );
    expect(row!.source_ref).toBe(`in_${user}_${start.getTime()}`);
    await expectLedgerConsistent();
  });

  it("leaves past_due subscriptions and not-yet-renewed ones alone, and counts them", async () => {
    const pastDue = await account();
    await subscribe(pastDue, "past_due", SIGNUP, FEB);
    await spend(pastDue, 10_000n);
    const notRenewed = await account();
    await subscribe(notRenewed, "active", SIGNUP, FEB);
    const summary = await reset({ now: new Date("2026-03-01T00:00:00.000Z") });
    expect(summary).toMatchObject({ periodsStarted: 0, heldBack: 1, awaitingRenewal: 1, errors: [] });
    expect(await state(pastDue)).toMatchObject({ allowance: 90_000n, periodStart: SIGNUP });
    expect(await state(notRenewed)).toMatchObject({ allowance: FREE, periodStart: SIGNUP });
  });
});

describe("resetMonthlyTokens: exactly once", () => {
  it("a rerun after success changes nothing", async () => {
    const users = await accounts(12);
    await subscribe(users[0]!, "active", FEB, MAR, "elite");
    const first = await reset({ now: FEB, batchSize: 5 });
    expect(first).toMatchObject({ periodsStarted: 12, paidPeriods: 1, batches: 3 });
    const rows = (await t.sql<{ n: number }>("SELECT count(*)::int AS n FROM token_transactions"))[0]!.n;

    const rerun = await reset({ now: new Date("2026-03-01T00:00:00.000Z"), batchSize: 5 });
    expect(rerun).toMatchObject({
      ran: true,
      usersExamined: 0,
      periodsStarted: 0,
      granted: 0n,
      expired: 0n,
      errors: [],
    });
    expect((await t.sql<{ n: number }>("SELECT count(*)::int AS n FROM token_transactions"))[0]!.n).toBe(rows);
  });

  it("a run that dies between batches is completed by the rerun, one grant each", async () => {
    const users = await accounts(10);
    const crash = new Error("killed after the first batch");
    await expect(
      reset({
        now: FEB,
        batchSize: 4,
        concurrency: 1,
        afterBatch: ({ batch }) => {
          if (batch === 1) throw crash;
        },
      }),
    ).rejects.toBe(crash);
    const grantedSoFar = (
      await t.sql<{ n: number }>(
        "SELECT count(*)::int AS n FROM token_transactions WHERE idempotency_key LIKE 'allowance:%:2026-02-28T08:00:00.000Z'",
      )
    )[0]!.n;
    expect(grantedSoFar).toBe(4); // the first batch committed, nothing else

    const rerun = await reset({ now: FEB, batchSize: 4 });
    expect(rerun).toMatchObject({ periodsStarted: 6 });
    for (const user of users) {
      expect((await grantsOf(user)).filter((g) => g.idempotency_key === allowanceKey(user, FEB))).toHaveLength(1);
    }
    await expectLedgerConsistent();
  });

  it("batches in flight at once on several connections start each account once, and a crash leaves whole batches", async () => {
    const users = await accounts(40);
    for (const user of users.slice(0, 10)) await subscribe(user, "active", FEB, MAR);
    for (const user of users.slice(10, 14)) await subscribe(user, "past_due", SIGNUP, FEB);
    const crash = new Error("killed after the second batch");
    await expect(
      reset({
        now: FEB,
        batchSize: 3,
        concurrency: 4,
        afterBatch: ({ batch }) => {
          if (batch === 2) throw crash;
        },
      }),
    ).rejects.toBe(crash);
    // Only whole batches of 3 committed: the two reported and those in flight beside them.
    const started = (
      await t.sql<{ n: number }>(
        "SELECT count(*)::int AS n FROM user_token_balance WHERE period_start = $1 AND user_id = ANY($2)",
        [FEB, users],
      )
    )[0]!.n;
    expect(started % 3).toBe(0);
    expect(started).toBeGreaterThanOrEqual(6);

    const rerun = await reset({ now: FEB, batchSize: 3, concurrency: 4 });
    expect(rerun).toMatchObject({ periodsStarted: 36 - started, heldBack: 4, errors: [] });
    for (const [i, user] of users.entries()) {
      const grants = (await grantsOf(user)).filter((g) => g.idempotency_key === allowanceKey(user, FEB));
      expect(grants).toHaveLength(i >= 10 && i < 14 ? 0 : 1);
    }
    expect(await reset({ now: FEB, batchSize: 3, concurrency: 4 })).toMatchObject({ periodsStarted: 0 });
    await expectLedgerConsistent();
  });

  it("an overlapping run does not work while another holds the lock", async () => {
    await account();
    const outcome = await withSessionAdvisoryLock(t.directUrl, RESET_LOCK_KEY, () => reset({ now: FEB }));
    expect(outcome).toMatchObject({ acquired: true, value: { ran: false, periodsStarted: 0 } });
    expect(await reset({ now: FEB })).toMatchObject({ ran: true, periodsStarted: 1 });
  });

  it("two concurrent runs grant each user once", async () => {
    const users = await accounts(30);
    const runs = await Promise.all([reset({ now: FEB, batchSize: 7 }), reset({ now: FEB, batchSize: 7 })]);
    expect(runs.reduce((n, r) => n + r.periodsStarted, 0)).toBe(30);
    for (const user of users) expect(await grantsOf(user)).toHaveLength(2);
    await expectLedgerConsistent();
  });

  it("the webhook and the cron racing on the same period grant once", async () => {
    const users = await accounts(25);
    for (const user of users) await subscribe(user, "active", FEB, MAR);
    const webhook = users.map((userId) =>
      startPeriod(t.db, {
        userId,
        periodStart: FEB,
        periodEnd: MAR,
        allowance: PRO,
        sourceType: "stripe_invoice",
        sourceRef: `in_${userId}`,
      }),
    );
    const [cron, ...fromWebhook] = await Promise.all([reset({ now: FEB, batchSize: 6 }), ...webhook]);
    const webhookGrants = fromWebhook.filter((r) => r.ok && !r.duplicate).length;
    expect(cron.periodsStarted + webhookGrants).toBe(25);
    for (const user of users) {
      expect(await grantsOf(user)).toHaveLength(2);
      expect(await state(user)).toMatchObject({ allowance: PRO, periodStart: FEB, nextResetAt: MAR });
    }
    await expectLedgerConsistent();
  });
});

describe("resetMonthlyTokens: the work list", () => {
  /** The accounts `users` in the database's own order of user ids (the order the reset takes them). */
  async function inIdOrder(users: string[]): Promise<string[]> {
    const rows = await t.sql<{ user_id: string }>(
      "SELECT user_id FROM user_token_balance WHERE user_id = ANY($1) ORDER BY user_id",
      [users],
    );
    return rows.map((r) => r.user_id);
  }

  it("takes the due accounts in user-id order, not in next-reset order (each index page in one stretch)", async () => {
    const byId = await inIdOrder(await accounts(6));
    // The higher the id, the earlier the reset: next-reset order is the reverse of id order.
    for (const [i, user] of byId.entries()) {
      await t.sql(
        "UPDATE user_token_balance SET next_reset_at = $2::timestamptz - make_interval(hours => $3) WHERE user_id = $1",
        [user, FEB, i + 1],
      );
    }
    const taken: string[] = [];
    const summary = await reset({
      now: FEB,
      batchSize: 1,
      concurrency: 1,
      afterBatch: async () => {
        const started = await t.sql<{ user_id: string }>(
          "SELECT user_id FROM user_token_balance WHERE user_id = ANY($1) AND period_start = $2",
          [byId, FEB],
        );
        taken.push(...started.map((r) => r.user_id).filter((u) => !taken.includes(u)));
      },
    });
    expect(summary).toMatchObject({ periodsStarted: 6, batches: 6, errors: [] });
    expect(taken).toEqual(byId);
    await expectLedgerConsistent();
  });

  it("reaches every due account past long stretches of accounts it leaves alone", async () => {
    const byId = await inIdOrder(await accounts(12));
    // Every account but the 4th, 8th and last is past_due: batches of 2 from a list of 3 actionable.
    const actionable = [byId[3]!, byId[7]!, byId[11]!];
    for (const user of byId) if (!actionable.includes(user)) await subscribe(user, "past_due", SIGNUP, FEB);
    const summary = await reset({ now: FEB, batchSize: 2, concurrency: 2 });
    expect(summary).toMatchObject({ periodsStarted: 3, heldBack: 9, batches: 2, errors: [] });
    for (const user of byId) {
      expect((await state(user)).periodStart).toEqual(actionable.includes(user) ? FEB : SIGNUP);
    }
    expect(await reset({ now: FEB, batchSize: 2, concurrency: 2 })).toMatchObject({ periodsStarted: 0, heldBack: 9 });
  });

  it("leaves alone an account a webhook started after the run listed it", async () => {
    const [first, second] = await inIdOrder(await accounts(2));
    await subscribe(second!, "active", FEB, MAR);
    const summary = await reset({
      now: FEB,
      batchSize: 1,
      concurrency: 1,
      // The list was read before the first batch; the webhook starts the second account meanwhile.
      afterBatch: async ({ batch }) => {
        if (batch !== 1) return;
        const r = await startPeriod(t.db, {
          userId: second!,
          periodStart: FEB,
          periodEnd: MAR,
          allowance: PRO,
          sourceType: "stripe_invoice",
          sourceRef: `in_${second}`,
        });
        expect(r).toMatchObject({ ok: true, duplicate: false });
      },
    });
    expect(summary).toMatchObject({ periodsStarted: 1, errors: [] });
    expect(await state(first!)).toMatchObject({ allowance: FREE, periodStart: FEB });
    expect(await state(second!)).toMatchObject({ allowance: PRO, periodStart: FEB, nextResetAt: MAR });
    expect(await grantsOf(second!)).toHaveLength(2); // sign-up and the webhook's, not the cron's
    await expectLedgerConsistent();
  });
});

describe("resetMonthlyTokens: bad rows and the sweep", () => {
  it("reports an account it cannot reset and goes on with the rest", async () => {
    const unknownPlan = await account();
    await subscribe(unknownPlan, "active", FEB, MAR, "retired_plan");
    // A grant row written under the key of the coming period, without its expiry row: starting the
    // period would grant twice, so that account's statement must fail — alone.
    const halfWritten = await account();
    await t.sql(
      `INSERT INTO token_transactions (user_id, kind, allowance_delta, purchased_delta, allowance_after, purchased_after, idempotency_key)
       VALUES ($1, 'adjustment', 0, 0, 100000, 0, $2)`,
      [halfWritten, allowanceKey(halfWritten, FEB)],
    );
    const healthy = await accounts(5);

    const summary = await reset({ now: FEB, batchSize: 50 });
    expect(summary.periodsStarted).toBe(5);
    expect(summary.errors).toEqual(
      expect.arrayContaining([
        { userId: unknownPlan, error: expect.stringContaining('plan "retired_plan"') },
        { userId: halfWritten, error: expect.stringContaining("division by zero") },
      ]),
    );
    expect(summary.errors).toHaveLength(2);
    for (const user of healthy) expect((await state(user)).periodStart).toEqual(FEB);
    expect((await state(halfWritten)).periodStart).toEqual(SIGNUP);
  });

  it("releases reservations whose process died", async () => {
    const user = await account();
    const r = await reserve(t.db, {
      userId: user,
      amount: 40_000n,
      feature: "chat",
      requestId: "dead",
      ttlMs: 1_000,
      pricingVersion: 1,
      now: SIGNUP,
    });
    expect(r.ok).toBe(true);
    const summary = await reset({ now: new Date("2026-02-01T00:00:00.000Z") });
    expect(summary.reservationsReleased).toBe(1);
    expect(
      (
        await t.sql<{ reserved: string }>("SELECT reserved::text FROM user_token_balance WHERE user_id = $1", [user])
      )[0]!.reserved,
    ).toBe("0");
  });
});

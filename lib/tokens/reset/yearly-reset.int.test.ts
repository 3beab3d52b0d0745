// The reset's months of a yearly period (batch-statement.ts `year_month`): months counted from the
// billing cycle anchor with the day clamped to the month's length, as Stripe counts periods; only
// while the year is paid and the subscription active; one grant per month however often it runs.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { openAccount, startPeriod, verifyLedger } from "../ledger";
import { addMonthsClamped } from "../periods";
import { getActivePricing, type PricingConfig } from "../pricing-config";
import { resetMonthlyTokens } from "./monthly-reset";

let t: TestDatabase;
let pricing: PricingConfig;
beforeEach(async () => {
  t = await createTestDatabase({ poolMax: 8 });
  pricing = await getActivePricing(t.db);
});
afterEach(async () => {
  await t.drop();
});

const PRO = 3_000_000n;
const reset = (now: Date) =>
  resetMonthlyTokens(t.db, { connectionString: t.directUrl, pricing }, { now, renewalGraceMs: 0 });

/** A user who bought Pro yearly at `anchor`: the year's first month started as invoice.paid does. */
async function yearlySubscriber(anchor: Date): Promise<string> {
  const userId = await t.db.$transaction(async (tx) => {
    const user = await tx.user.create({ data: { email: `yearly-${Math.random().toString(36).slice(2)}@example.com` } });
    const signup = new Date(anchor.getTime() - 5 * 86_400_000);
    await openAccount(tx, { userId: user.id, now: signup, freeTierMillitokens: 100_000n, pricingVersion: 1 });
    return user.id;
  });
  const yearEnd = addMonthsClamped(anchor, 12);
  await t.sql(
    `INSERT INTO user_subscriptions (user_id, stripe_customer_id, stripe_subscription_id, plan_id, plan_allowance,
       plan_pricing_version, status, current_period_start, current_period_end, current_period_invoice_id,
       current_period_paid_at, billing_interval, billing_cycle_anchor, updated_at)
     VALUES ($1, 'cus_' || $1, 'sub_' || $1, 'pro', $2, 1, 'active', $3, $4, 'in_year_' || $1, $3, 'year', $3, now())`,
    [userId, PRO, anchor, yearEnd],
  );
  const first = await t.db.$transaction((tx) =>
    startPeriod(tx, {
      userId,
      periodStart: anchor,
      periodEnd: addMonthsClamped(anchor, 1),
      allowance: PRO,
      sourceType: "stripe_invoice",
      sourceRef: `in_year_${userId}`,
    }),
  );
  expect(first.ok).toBe(true);
  return userId;
}

async function periodStart(userId: string): Promise<string> {
  const [row] = await t.sql<{ p: Date }>("SELECT period_start AS p FROM user_token_balance WHERE user_id = $1", [
    userId,
  ]);
  return row!.p.toISOString();
}

describe("the months of a yearly period", () => {
  it("an anchor on the 31st: Jan 31 → Feb 28 → Mar 31 → Apr 30 …, Feb 29 in a leap year; one grant per month", async () => {
    for (const [year, february] of [
      [2027, "2027-02-28"],
      [2028, "2028-02-29"],
    ] as const) {
      const anchor = new Date(`${year}-01-31T10:00:00.000Z`);
      const userId = await yearlySubscriber(anchor);
      const seen = [await periodStart(userId)];
      for (let month = 1; month < 12; month++) {
        const boundary = addMonthsClamped(anchor, month);
        await reset(new Date(boundary.getTime() - 1));
        await reset(new Date(boundary.getTime() + 1));
        await reset(new Date(boundary.getTime() + 2));
        seen.push(await periodStart(userId));
      }
      const days = seen.map((iso) => iso.slice(0, 10));
      expect(days).toEqual([
        `${year}-01-31`,
        february,
        `${year}-03-31`,
        `${year}-04-30`,
        `${year}-05-31`,
        `${year}-06-30`,
        `${year}-07-31`,
        `${year}-08-31`,
        `${year}-09-30`,
        `${year}-10-31`,
        `${year}-11-30`,
        `${year}-12-31`,
      ]);
      expect(seen.every((iso) => iso.endsWith("T10:00:00.000Z"))).toBe(true);
      const grants = await t.sql<{ n: number }>(
        "SELECT count(*)::int AS n FROM token_transactions WHERE user_id = $1 AND kind = 'grant_allowance' AND source_ref = $2",
        [userId, `in_year_${userId}`],
      );
      expect(grants[0]!.n).toBe(12);
      // The twelfth month ends with the year: no thirteenth month without the renewal (this
      // subscriber, and the 2027 one when the loop is at 2028).
      const after = await reset(new Date(addMonthsClamped(anchor, 12).getTime() + 1));
      expect(after).toMatchObject({ periodsStarted: 0, awaitingRenewal: year - 2026 });
    }
    expect((await verifyLedger(t.db)).mismatches).toEqual([]);
  });

  it("past_due, canceled or an unpaid year gets no new month; a late run grants the month it is in, not the missed ones", async () => {
    const anchor = new Date("2027-03-15T12:00:00.000Z");
    const userId = await yearlySubscriber(anchor);
    const month2 = addMonthsClamped(anchor, 1);
    await t.sql("UPDATE user_subscriptions SET status = 'past_due' WHERE user_id = $1", [userId]);
    expect(await reset(new Date(month2.getTime() + 1))).toMatchObject({ periodsStarted: 0, heldBack: 1 });
    await t.sql("UPDATE user_subscriptions SET status = 'active', current_period_paid_at = NULL WHERE user_id = $1", [
      userId,
    ]);
    expect((await reset(new Date(month2.getTime() + 1))).periodsStarted).toBe(0);
    await t.sql("UPDATE user_subscriptions SET current_period_paid_at = current_period_start WHERE user_id = $1", [
      userId,
    ]);
    // Months 2 and 3 were missed: the run in month 4 starts month 4.
    const month4 = addMonthsClamped(anchor, 3);
    expect((await reset(new Date(month4.getTime() + 5))).paidPeriods).toBe(1);
    expect(await periodStart(userId)).toBe(month4.toISOString());
    // Canceled: the free tier from the next month, as for a monthly plan.
    await t.sql("UPDATE user_subscriptions SET status = 'canceled' WHERE user_id = $1", [userId]);
    const summary = await reset(new Date(addMonthsClamped(anchor, 4).getTime() + 5));
    expect(summary).toMatchObject({ periodsStarted: 1, paidPeriods: 0 });
    expect((await verifyLedger(t.db)).mismatches).toEqual([]);
  });
});

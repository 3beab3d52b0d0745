// Issue 20 §4: yearly plans with a monthly allowance, end to end over the production checkout,
// webhook and reset code, the loopback Stripe simulator (a Stripe test clock, advanced through the
// real SDK, renews the year) and a real Postgres. A yearly subscriber gets the plan's allowance on each of the twelve anchor days
// (the first from invoice.paid, months 2–12 from the reset cron, under allowance:<user>:<month
// start>), and month 13 — the renewal — exactly once when its webhook and the cron meet.
import { describe, expect, it } from "vitest";
import { verifyLedger } from "../tokens/ledger";
import { addMonthsClamped } from "../tokens/periods";
import { resetMonthlyTokens } from "../tokens/reset/monthly-reset";
import { startCheckout, UnknownBillingInterval } from "./checkout";
import { clawbackForCharge } from "./clawback";
import { syncSubscription } from "./sync-subscription";
import { handleStripeWebhook } from "./webhook";
import { advanceTestClock, customerOnClock } from "@/test/billing/clock-and-portal";
import { billingTestHarness } from "@/test/billing/harness";

const h = billingTestHarness();
const TOKENS = 1000n;
const PRO = 3_000n * TOKENS;
const ESSENTIAL = 1_000n * TOKENS;
const TITAN = 35_000n * TOKENS;
const DAY = 86_400;

type User = { id: string; email: string; name: string };

/** `user` buys `planId` yearly through Checkout and pays; the subscription as Stripe has it. */
async function subscribeYearly(user: User, planId: string) {
  const destination = await startCheckout(h.ctx, user, { kind: "plan", id: planId, interval: "year" });
  if (destination.kind !== "checkout") throw new Error(`expected a checkout, got ${destination.kind}`);
  await h.sim.completeCheckout(destination.sessionId, "paid");
  await h.sim.settled();
  const row = await h.subscriptionRow(user.id);
  const subscription = await h.stripe.subscriptions.retrieve(row!.stripe_subscription_id as string);
  const item = subscription.items.data[0]!;
  return {
    subscription,
    item,
    customerId: row!.stripe_customer_id as string,
    anchor: new Date(subscription.billing_cycle_anchor * 1000),
  };
}

const reset = (now: Date, renewalGraceMs?: number) =>
  resetMonthlyTokens(
    h.t.db,
    { connectionString: h.t.directUrl },
    { now, ...(renewalGraceMs === undefined ? {} : { renewalGraceMs }) },
  );

const JAN_31 = Date.UTC(2027, 0, 31, 10); // ms

const onClock = (user: User, clockId: string) => customerOnClock(h, user, clockId);
const advanceClock = (clockId: string, toMs: number) => advanceTestClock(h, clockId, toMs / 1000);

async function grants(userId: string) {
  return h.t.sql<{ idempotency_key: string; allowance_delta: string; source_ref: string }>(
    "SELECT idempotency_key, allowance_delta::text, source_ref FROM token_transactions WHERE user_id = $1 AND kind = 'grant_allowance' ORDER BY id",
    [userId],
  );
}

describe("a yearly plan", () => {
  it("on a test clock from Jan 31: 10 × the monthly price, the allowance on 12 anchor days clamped to each month (Feb 28, Mar 31, Apr 30 …); month 13 once when the renewal webhook and the cron meet", async () => {
    // A customer on a Stripe test clock frozen on Jan 31, 2027 (the real SDK's testHelpers.testClocks).
    const clock = await h.stripe.testHelpers.testClocks.create({ frozen_time: JAN_31 / 1000, name: "yearly" });
    const user = await h.newUser("yearly", new Date(JAN_31 - 3 * DAY * 1000));
    await onClock(user, clock.id);
    const { subscription, item, customerId, anchor } = await subscribeYearly(user, "pro");
    expect(anchor).toEqual(new Date(JAN_31));
    expect(subscription.test_clock).toBe(clock.id);
    expect(item.price).toMatchObject({ unit_amount: 19_000, lookup_key: "tollgate_plan_pro_yearly" });
    expect(item.price.recurring).toMatchObject({ interval: "year", interval_count: 1 });
    expect(item.current_period_end).toBe(addMonthsClamped(anchor, 12).getTime() / 1000);
    // Month 1 from invoice.paid: the allowance until the next anchor day, not for the whole year.
    expect(await h.buckets(user.id)).toMatchObject({ allowance: PRO, nextResetAt: addMonthsClamped(anchor, 1) });
    const invoiceId = subscription.latest_invoice as string;

    const monthStarts: string[] = [anchor.toISOString().slice(0, 10)];
    for (let month = 1; month < 12; month++) {
      const start = addMonthsClamped(anchor, month);
      expect((await reset(new Date(start.getTime() - 1000))).periodsStarted).toBe(0); // not yet
      await advanceClock(clock.id, start.getTime() + 60_000); // Stripe bills nothing in the year
      expect((await reset(new Date(start.getTime() + 60_000))).paidPeriods).toBe(1);
      expect((await reset(new Date(start.getTime() + 120_000))).periodsStarted).toBe(0); // once
      expect(await h.buckets(user.id)).toMatchObject({
        allowance: PRO,
        periodStart: start,
        nextResetAt: addMonthsClamped(anchor, month + 1),
      });
      monthStarts.push(start.toISOString().slice(0, 10));
    }
    // The day-31 anchor, clamped to each month's last day and back to the 31st, as Stripe counts.
    expect(monthStarts).toEqual(
      ["01-31", "02-28", "03-31", "04-30", "05-31", "06-30", "07-31", "08-31", "09-30", "10-31", "11-30", "12-31"].map(
        (day) => `2027-${day}`,
      ),
    );
    expect((await h.stripe.invoices.list({ subscription: subscription.id })).data.map((i) => i.id)).toEqual([
      invoiceId,
    ]);
    // The year is over but Stripe's renewal is not in our copy yet: nothing ahead of the payment.
    const yearEnd = addMonthsClamped(anchor, 12);
    expect((await reset(new Date(yearEnd.getTime() + 60_000), 0)).awaitingRenewal).toBe(1);

    // The test clock reaches the anchor day a year on: the renewal's webhooks are held, the sync
    // learns the paid new year, then the held webhooks and the cron run at the same time.
    h.hold = [];
    await advanceClock(clock.id, yearEnd.getTime());
    const held = h.hold;
    h.hold = null;
    expect(held.map((d) => (JSON.parse(d.body) as { type: string }).type)).toContain("invoice.paid");
    const renewal = (await h.stripe.invoices.list({ subscription: subscription.id, limit: 1 })).data[0]!;
    expect(renewal).toMatchObject({ billing_reason: "subscription_cycle", created: yearEnd.getTime() / 1000 });
    await syncSubscription(h.ctx, customerId);
    const [summary] = await Promise.all([
      reset(new Date(yearEnd.getTime() + 60_000), 0),
      ...held.map((d) => handleStripeWebhook(h.ctx, d.body, d.signature, { log: () => {} })),
    ]);
    expect(summary.errors).toEqual([]);

    const rows = await grants(user.id);
    expect(rows.map((r) => r.idempotency_key)).toEqual(
      Array.from({ length: 13 }, (_, m) => `allowance:${user.id}:${addMonthsClamped(anchor, m).toISOString()}`),
    );
    expect(rows.every((r) => r.allowance_delta === String(PRO))).toBe(true);
    // Months 1–12 name the year's invoice (a refund of it finds them); month 13 the renewal's.
    expect(new Set(rows.slice(0, 12).map((r) => r.source_ref))).toEqual(new Set([invoiceId]));
    expect(rows[12]!.source_ref).toBe(renewal.id);
    expect(await h.buckets(user.id)).toMatchObject({ allowance: PRO, nextResetAt: addMonthsClamped(anchor, 13) });
    expect((await verifyLedger(h.t.db)).mismatches).toEqual([]);
  });

  it("an upgrade grants the difference for what is left of the current month; later months get the new plan's allowance", async () => {
    const user = await h.newUser("yearly-upgrade");
    const { subscription, item, anchor } = await subscribeYearly(user, "essential");
    const monthEnd = addMonthsClamped(anchor, 1).getTime() / 1000;
    const at = item.current_period_start + 10 * DAY;
    const titan = (await h.stripe.prices.list({ lookup_keys: ["tollgate_plan_titan_yearly"], active: true })).data[0]!;
    await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, price: titan.id }],
      proration_behavior: "always_invoice",
      proration_date: at,
    });
    await h.sim.settled();
    // The charge covers the rest of the year; the tokens the rest of this month, pro rata.
    const extra = ((TITAN - ESSENTIAL) * BigInt(monthEnd - at)) / BigInt(monthEnd - item.current_period_start);
    expect((await h.buckets(user.id)).allowance).toBe(ESSENTIAL + extra);
    const planChange = (await grants(user.id)).filter((r) => r.idempotency_key.startsWith("plan_change:"));
    expect(planChange.map((r) => r.allowance_delta)).toEqual([String(extra)]);

    await reset(new Date(monthEnd * 1000 + 60_000));
    expect((await h.buckets(user.id)).allowance).toBe(TITAN);
    expect((await verifyLedger(h.t.db)).mismatches).toEqual([]);
  });

  it("a refund of the yearly invoice takes back what remains of the months it granted, the rest as shortfall", async () => {
    const user = await h.newUser("yearly-refund");
    const { subscription, anchor } = await subscribeYearly(user, "pro");
    await reset(new Date(addMonthsClamped(anchor, 1).getTime() + 60_000)); // month 2, same invoice
    const invoice = await h.stripe.invoices.retrieve(subscription.latest_invoice as string, { expand: ["payments"] });
    const intent = await h.stripe.paymentIntents.retrieve(invoice.payments!.data[0]!.payment.payment_intent as string);
    const chargeId = intent.latest_charge as string;

    await h.stripe.refunds.create({ charge: chargeId });
    await h.sim.settled();
    await clawbackForCharge(h.ctx, chargeId); // a second run changes nothing
    expect((await h.buckets(user.id)).allowance).toBe(0n);
    const rows = await h.t.sql<{ allowance_delta: string; shortfall: string }>(
      "SELECT allowance_delta::text, shortfall::text FROM token_transactions WHERE user_id = $1 AND kind = 'clawback'",
      [user.id],
    );
    // Granted 2 × PRO (months 1 and 2); month 1 expired, so PRO is taken and PRO is shortfall.
    expect(rows).toEqual([{ allowance_delta: String(-PRO), shortfall: String(PRO) }]);
    expect((await verifyLedger(h.t.db)).mismatches).toEqual([]);
  });

  it("checkout refuses an interval Tollgate does not sell, and a subscriber's same plan at another interval is a plan change", async () => {
    const user = await h.newUser("interval");
    await expect(
      startCheckout(h.ctx, user, { kind: "plan", id: "pro", interval: "week" as unknown as "year" }),
    ).rejects.toBeInstanceOf(UnknownBillingInterval);
    await subscribeYearly(user, "pro");
    expect((await startCheckout(h.ctx, user, { kind: "plan", id: "pro", interval: "year" })).kind).toBe("portal");
    const monthly = await startCheckout(h.ctx, user, { kind: "plan", id: "pro", interval: "month" });
    expect(monthly).toMatchObject({ kind: "portal", reason: "plan_change" });
  });
});

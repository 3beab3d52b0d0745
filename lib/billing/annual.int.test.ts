// Issue 20 §4: yearly plans with a monthly allowance, end to end over the production checkout,
// webhook and reset code, the loopback Stripe simulator (its clock advance renews the year) and a
// real Postgres. A yearly subscriber gets the plan's allowance on each of the twelve anchor days
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
    { connectionString: h.t.url },
    { now, ...(renewalGraceMs === undefined ? {} : { renewalGraceMs }) },
  );

async function grants(userId: string) {
  return h.t.sql<{ idempotency_key: string; allowance_delta: string; source_ref: string }>(
    "SELECT idempotency_key, allowance_delta::text, source_ref FROM token_transactions WHERE user_id = $1 AND kind = 'grant_allowance' ORDER BY id",
    [userId],
  );
}

describe("a yearly plan", () => {
  it("bills a year at 10 × the monthly price and grants the monthly allowance on 12 anchor days; month 13 once when the renewal webhook and the cron meet", async () => {
    const user = await h.newUser("yearly");
    const { subscription, item, customerId, anchor } = await subscribeYearly(user, "pro");
    expect(item.price).toMatchObject({ unit_amount: 19_000, lookup_key: "tollgate_plan_pro_yearly" });
    expect(item.price.recurring).toMatchObject({ interval: "year", interval_count: 1 });
    expect(item.current_period_end).toBe(addMonthsClamped(anchor, 12).getTime() / 1000);
    // Month 1 from invoice.paid: the allowance until the next anchor day, not for the whole year.
    expect(await h.buckets(user.id)).toMatchObject({ allowance: PRO, nextResetAt: addMonthsClamped(anchor, 1) });
    const invoiceId = subscription.latest_invoice as string;

    for (let month = 1; month < 12; month++) {
      const start = addMonthsClamped(anchor, month);
      expect((await reset(new Date(start.getTime() - 1000))).periodsStarted).toBe(0); // not yet
      expect((await reset(new Date(start.getTime() + 60_000))).paidPeriods).toBe(1);
      expect((await reset(new Date(start.getTime() + 120_000))).periodsStarted).toBe(0); // once
      expect(await h.buckets(user.id)).toMatchObject({
        allowance: PRO,
        periodStart: start,
        nextResetAt: addMonthsClamped(anchor, month + 1),
      });
    }
    // The year is over but Stripe's renewal is not in our copy yet: nothing ahead of the payment.
    const yearEnd = addMonthsClamped(anchor, 12);
    expect((await reset(new Date(yearEnd.getTime() + 60_000), 0)).awaitingRenewal).toBe(1);

    // The simulator's clock reaches the anchor day a year on: the renewal's webhooks are held, the
    // sync learns the paid new year, then the held webhooks and the cron run at the same time.
    h.hold = [];
    const renewed = h.sim.advanceClock(yearEnd.getTime() / 1000);
    expect(renewed).toEqual([{ subscription: subscription.id, periodStart: yearEnd.getTime() / 1000 }]);
    await h.sim.settled();
    const held = h.hold;
    h.hold = null;
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
    expect(rows[12]!.source_ref).not.toBe(invoiceId);
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

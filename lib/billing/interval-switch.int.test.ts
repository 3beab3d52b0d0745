// Monthly ↔ yearly of the same plan through the Customer Portal (Tollgate's configuration offers each
// plan's monthly and yearly price). On a Stripe test clock, through the production checkout, portal,
// webhook and reset code:
// - monthly → yearly is an upgrade of the amount: Stripe resets the billing cycle to the switch and
//   invoices at once the year, less the month's unused time. That invoice starts a new period: the
//   unused allowance of the month expires (its money was credited), the plan's allowance is granted
//   with the paid invoice — once, however the webhooks and the portal return page meet; the reset
//   cron then grants the year's later months on the new anchor day.
// - yearly → monthly lowers the amount: the portal schedules it for the year's end (nothing credited,
//   nothing granted or taken); the renewal bills the monthly price and grants its allowance.
import { describe, expect, it } from "vitest";
import { verifyLedger } from "../tokens/ledger";
import { addMonthsClamped } from "../tokens/periods";
import { resetMonthlyTokens } from "../tokens/reset/monthly-reset";
import { startCheckout } from "./checkout";
import { refreshAfterPortal } from "./confirm-checkout";
import {
  advanceTestClock,
  confirmInPortal as confirmInPortalPage,
  customerOnClock,
} from "@/test/billing/clock-and-portal";
import { billingTestHarness } from "@/test/billing/harness";

const h = billingTestHarness();
const PRO = 3_000_000n;
const DAY = 86_400;
const MARCH_1 = Date.UTC(2027, 2, 1, 10) / 1000;

type User = { id: string; email: string; name: string };

/** A user whose Stripe customer lives on a new test clock frozen at MARCH_1. */
async function userOnClock(label: string): Promise<{ user: User; clockId: string }> {
  const clock = await h.stripe.testHelpers.testClocks.create({ frozen_time: MARCH_1 });
  const user = await h.newUser(label, new Date((MARCH_1 - 3 * DAY) * 1000));
  await customerOnClock(h, user, clock.id);
  return { user, clockId: clock.id };
}

const advanceClock = (clockId: string, to: number) => advanceTestClock(h, clockId, to);
const confirmInPortal = (url: string) => confirmInPortalPage(h, url);

async function allowanceRows(userId: string) {
  return h.t.sql<{ kind: string; key: string; allowance: string; source_ref: string }>(
    `SELECT kind::text, idempotency_key AS key, allowance_delta::text AS allowance, source_ref FROM token_transactions
      WHERE user_id = $1 AND kind IN ('grant_allowance', 'expire_allowance') ORDER BY id`,
    [userId],
  );
}

const reset = (now: Date) =>
  resetMonthlyTokens(h.t.db, { connectionString: h.t.directUrl }, { now, renewalGraceMs: 0 });

describe("switching interval in the portal", () => {
  it("monthly → yearly: invoiced at once (the year less the unused month), a new period from the switch, granted once; later months from the cron", async () => {
    const { user, clockId } = await userOnClock("to-yearly");
    const { subscriptionId } = await h.subscribe(user, "pro");
    const switchAt = MARCH_1 + 10 * DAY;
    await advanceClock(clockId, switchAt);

    const destination = await startCheckout(h.ctx, user, { kind: "plan", id: "pro", interval: "year" });
    expect(destination).toMatchObject({ kind: "portal", reason: "plan_change" });
    h.hold = [];
    await confirmInPortal(destination.url);
    await h.sim.settled();
    const held = h.hold;
    h.hold = null;

    const sub = await h.stripe.subscriptions.retrieve(subscriptionId);
    const item = sub.items.data[0]!;
    expect(item.price).toMatchObject({ lookup_key: "tollgate_plan_pro_yearly", unit_amount: 19_000 });
    expect(sub.billing_cycle_anchor).toBe(switchAt);
    expect([item.current_period_start, item.current_period_end]).toEqual([switchAt, Date.UTC(2028, 2, 11, 10) / 1000]);
    const invoice = await h.stripe.invoices.retrieve(sub.latest_invoice as string);
    const monthEnd = Date.UTC(2027, 3, 1, 10) / 1000;
    const credit = Math.round((1900 * (monthEnd - switchAt)) / (monthEnd - MARCH_1));
    expect(invoice).toMatchObject({ billing_reason: "subscription_update", status: "paid" });
    expect(invoice.total).toBe(19_000 - credit);
    expect(invoice.lines.data.map((l) => [l.amount, l.parent?.subscription_item_details?.proration])).toEqual([
      [-credit, true],
      [19_000, false],
    ]);

    // The held webhooks, twice, and the portal return page, all at once: one new period.
    await Promise.all([
      ...held.map((d) => h.deliver(JSON.parse(d.body) as object)),
      ...held.map((d) => h.deliver(JSON.parse(d.body) as object)),
      refreshAfterPortal(h.ctx, user.id, { minIntervalMs: 0 }),
    ]);
    const switchStart = new Date(switchAt * 1000);
    // The month's grant, its unused part expired at the switch, the year's first month: one each.
    const march = `${user.id}:${new Date(MARCH_1 * 1000).toISOString()}`;
    const switched = `${user.id}:${switchStart.toISOString()}`;
    expect((await allowanceRows(user.id)).filter((r) => r.allowance !== "0").slice(-3)).toEqual([
      { kind: "grant_allowance", key: `allowance:${march}`, allowance: String(PRO), source_ref: expect.any(String) },
      { kind: "expire_allowance", key: `expire:${switched}`, allowance: String(-PRO), source_ref: invoice.id },
      { kind: "grant_allowance", key: `allowance:${switched}`, allowance: String(PRO), source_ref: invoice.id },
    ]);
    expect((await allowanceRows(user.id)).filter((r) => r.kind === "grant_allowance")).toHaveLength(2);
    expect(await h.buckets(user.id)).toMatchObject({
      allowance: PRO,
      periodStart: switchStart,
      nextResetAt: addMonthsClamped(switchStart, 1),
    });
    expect(await h.subscriptionRow(user.id)).toMatchObject({ plan_id: "pro", status: "active" });

    // The old monthly anchor (Apr 1) grants nothing; the new one (Apr 11) grants month 2 of the year.
    expect((await reset(new Date(monthEnd * 1000 + 60_000))).periodsStarted).toBe(0);
    expect((await reset(new Date((switchAt + 31 * DAY) * 1000 + 60_000))).paidPeriods).toBe(1);
    expect((await h.buckets(user.id)).periodStart).toEqual(addMonthsClamped(switchStart, 1));
    expect((await verifyLedger(h.t.db)).mismatches).toEqual([]);
  });

  it("yearly → monthly: scheduled for the year's end — nothing credited, granted or taken now; the renewal bills and grants the monthly plan", async () => {
    const { user, clockId } = await userOnClock("to-monthly");
    const destinationYear = await startCheckout(h.ctx, user, { kind: "plan", id: "pro", interval: "year" });
    if (destinationYear.kind !== "checkout") throw new Error("expected a checkout");
    h.sim.completeCheckout(destinationYear.sessionId, "paid");
    await h.sim.settled();
    const row = await h.subscriptionRow(user.id);
    const subscriptionId = row!.stripe_subscription_id as string;
    const keysBefore = await h.ledgerKeys(user.id);

    const destination = await startCheckout(h.ctx, user, { kind: "plan", id: "pro", interval: "month" });
    expect(destination).toMatchObject({ kind: "portal", reason: "plan_change" });
    await confirmInPortal(destination.url);
    await h.sim.settled();
    await refreshAfterPortal(h.ctx, user.id, { minIntervalMs: 0 });
    const scheduled = await h.stripe.subscriptions.retrieve(subscriptionId);
    expect(scheduled.items.data[0]!.price.lookup_key).toBe("tollgate_plan_pro_yearly");
    expect(scheduled.schedule).toMatch(/^sub_sched_/);
    expect(await h.ledgerKeys(user.id)).toEqual(keysBefore);
    expect((await h.buckets(user.id)).allowance).toBe(PRO);

    const yearEnd = Date.UTC(2028, 2, 1, 10) / 1000;
    await advanceClock(clockId, yearEnd);
    const renewed = await h.stripe.subscriptions.retrieve(subscriptionId);
    expect(renewed.items.data[0]!.price.lookup_key).toBe("tollgate_plan_pro_monthly");
    expect(renewed.items.data[0]!.current_period_end).toBe(Date.UTC(2028, 3, 1, 10) / 1000);
    const invoice = await h.stripe.invoices.retrieve(renewed.latest_invoice as string);
    expect(invoice).toMatchObject({ billing_reason: "subscription_cycle", status: "paid", amount_paid: 1900 });
    expect(await h.buckets(user.id)).toMatchObject({
      allowance: PRO,
      periodStart: new Date(yearEnd * 1000),
      nextResetAt: new Date(Date.UTC(2028, 3, 1, 10)),
    });
    expect((await allowanceRows(user.id)).at(-1)).toMatchObject({ kind: "grant_allowance", source_ref: invoice.id });
    expect((await verifyLedger(h.t.db)).mismatches).toEqual([]);
  });
});

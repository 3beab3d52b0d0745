// The cron grants a paid period only when that period's invoice is paid (issue 14 §3). An `active`
// subscription is no proof: a renewal paid by a SEPA / ACH debit stays `active` while the debit is
// processing, and so do `send_invoice` and `pause_collection` renewals. Real parts: the simulator
// renews and collects as Stripe does and signs the webhooks; the production webhook code syncs; the
// production reset runs.
import { describe, expect, it } from "vitest";
import { allowanceKey, verifyLedger } from "../tokens/ledger";
import { resetMonthlyTokens } from "../tokens/reset/monthly-reset";
import { subscriptionOverview } from "./overview";
import { billingTestHarness } from "@/test/billing/harness";

const h = billingTestHarness();
const PRO = 3_000_000n;

async function subscribePro(label: string) {
  const user = await h.newUser(label);
  const { subscriptionId, customerId } = await h.subscribe(user, "pro");
  return { userId: user.id, subscriptionId, customerId };
}

/** The reset cron, run just after the renewed period started (no grace: only the payment check holds it back). */
async function cronAfter(start: Date) {
  return resetMonthlyTokens(
    h.t.db,
    { connectionString: h.t.directUrl },
    { now: new Date(start.getTime() + 1000), renewalGraceMs: 0 },
  );
}

async function periodGrants(userId: string, start: Date) {
  return h.t.sql<{ allowance_delta: string; source_ref: string }>(
    "SELECT allowance_delta::text, source_ref FROM token_transactions WHERE user_id = $1 AND idempotency_key = $2",
    [userId, allowanceKey(userId, start)],
  );
}

describe("a renewal whose invoice is not paid yet", () => {
  it("a SEPA-like debit still processing: the cron grants nothing and the page says awaiting payment; once paid, invoice.paid grants once", async () => {
    const s = await subscribePro("sepa");
    const first = await h.buckets(s.userId);
    expect(first.allowance).toBe(PRO);

    h.sim.delayNextPayment(s.customerId);
    const renewed = h.sim.advanceSubscription(s.subscriptionId);
    await h.sim.settled();
    const invoiceId = renewed.latest_invoice as string;
    const row = await h.subscriptionRow(s.userId);
    const start = row!.current_period_start as Date;
    expect(start.getTime()).toBe(renewed.items.data[0]!.current_period_start * 1000);
    expect(row!.status).toBe("active");
    const [paidState] = await h.t.sql<{ current_period_invoice_id: string; current_period_paid_at: Date | null }>(
      "SELECT current_period_invoice_id, current_period_paid_at FROM user_subscriptions WHERE user_id = $1",
      [s.userId],
    );
    expect(paidState).toEqual({ current_period_invoice_id: invoiceId, current_period_paid_at: null });

    // The cron: nothing granted, counted as awaiting payment.
    const summary = await cronAfter(start);
    expect(summary).toMatchObject({ periodsStarted: 0, awaitingPayment: 1, errors: [] });
    expect(await h.buckets(s.userId)).toMatchObject({ allowance: PRO, periodStart: first.periodStart });
    expect(await periodGrants(s.userId, start)).toEqual([]);
    const overview = await subscriptionOverview(h.t.db, s.userId);
    expect(overview.state).toEqual({ kind: "awaiting_payment", periodStart: start });

    // The debit clears: invoice.paid starts the period, naming the invoice.
    h.sim.settleInvoicePayment(invoiceId, "succeeded");
    await h.sim.settled();
    expect(await h.buckets(s.userId)).toMatchObject({ allowance: PRO, periodStart: start });
    expect(await periodGrants(s.userId, start)).toEqual([{ allowance_delta: String(PRO), source_ref: invoiceId }]);
    expect((await subscriptionOverview(h.t.db, s.userId)).state).toMatchObject({ kind: "active" });

    // The cron afterwards, and invoice.paid delivered again: the same key, nothing more.
    expect(await cronAfter(start)).toMatchObject({ periodsStarted: 0, awaitingPayment: 0 });
    const paidEvent = [...h.sim.events].reverse().find((e) => e.type === "invoice.paid")!;
    expect((await h.deliver({ ...paidEvent, id: `${paidEvent.id}_again` })).status).toBe(200);
    expect(await periodGrants(s.userId, start)).toHaveLength(1);
    const grants = await h.t.sql("SELECT 1 FROM token_transactions WHERE user_id = $1 AND kind = 'grant_allowance'", [
      s.userId,
    ]);
    expect(grants).toHaveLength(2); // the first period and this one
    expect((await verifyLedger(h.t.db, { userIds: [s.userId] })).mismatches).toEqual([]);
  });

  it("send_invoice: open until the customer pays it — nothing from the cron before, one grant after", async () => {
    const s = await subscribePro("send-invoice");
    await h.stripe.subscriptions.update(s.subscriptionId, { collection_method: "send_invoice", days_until_due: 14 });
    const renewed = h.sim.advanceSubscription(s.subscriptionId);
    await h.sim.settled();
    const start = new Date(renewed.items.data[0]!.current_period_start * 1000);
    expect(await cronAfter(start)).toMatchObject({ periodsStarted: 0, awaitingPayment: 1 });
    expect((await subscriptionOverview(h.t.db, s.userId)).state.kind).toBe("awaiting_payment");
    expect(await periodGrants(s.userId, start)).toEqual([]);

    h.sim.payInvoice(renewed.latest_invoice as string);
    await h.sim.settled();
    expect(await periodGrants(s.userId, start)).toEqual([
      { allowance_delta: String(PRO), source_ref: renewed.latest_invoice },
    ]);
    expect(await cronAfter(start)).toMatchObject({ periodsStarted: 0 });
  });

  it("pause_collection: the renewals are not collected, the cron grants nothing", async () => {
    for (const behavior of ["void", "keep_as_draft", "mark_uncollectible"] as const) {
      const s = await subscribePro(`paused-${behavior}`);
      await h.stripe.subscriptions.update(s.subscriptionId, { pause_collection: { behavior } });
      const renewed = h.sim.advanceSubscription(s.subscriptionId);
      await h.sim.settled();
      expect(renewed.status).toBe("active");
      const start = new Date(renewed.items.data[0]!.current_period_start * 1000);
      const summary = await cronAfter(start);
      expect({ behavior, started: summary.periodsStarted }).toEqual({ behavior, started: 0 });
      expect(await periodGrants(s.userId, start)).toEqual([]);
      expect((await subscriptionOverview(h.t.db, s.userId)).state.kind).toBe("awaiting_payment");
    }
  });
});

// Issue 14 §1, as an attacker tries it: plan changes grant only what was paid. The production
// checkout / portal / webhook code runs against the loopback Stripe simulator.
//
// The attack: subscribe to Essential, switch to Titan on the last day of the period. Before, the
// switch granted Titan's whole monthly difference (34,000 tokens) at once, paid or not — under
// Stripe's default `create_prorations` nothing is billed until renewal, and a downgrade before then
// nets the proration to zero. Now the extra allowance arrives only with the paid proration invoice,
// pro-rated like the charge: (35,000 − 1,000 tokens) × (period end − change) / period length.
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { startCheckout } from "./checkout";
import { confirmCheckout, refreshAfterPortal } from "./confirm-checkout";
import { subscriptionOverview } from "./overview";
import { findPortalConfiguration } from "./portal-configuration";
import { confirmInPortal as confirmInPortalPage } from "@/test/billing/clock-and-portal";
import { billingTestHarness } from "@/test/billing/harness";

const h = billingTestHarness();
const TOKENS = 1000n;
const DAY = 86_400;
const ESSENTIAL = 1_000n * TOKENS;
const TITAN = 35_000n * TOKENS;

/** The one ledger key of a plan change (plan-change.ts `planChangeKey`; spelled out so this test runs on the old code too). */
const planChangeKey = (invoiceId: string) => `plan_change:${invoiceId}`;

type User = { id: string; email: string; name: string };

async function subscribe(user: User, planId: string) {
  const { sessionId, subscriptionId, customerId } = await h.subscribe(user, planId);
  const subscription = await h.stripe.subscriptions.retrieve(subscriptionId);
  const item = subscription.items.data[0]!;
  return { sessionId, subscription, item, customerId };
}

async function priceOf(planId: string): Promise<string> {
  const prices = await h.stripe.prices.list({ lookup_keys: [`tollgate_plan_${planId}_monthly`], active: true });
  return prices.data[0]!.id;
}

/** (new − old) × (end − at) / (end − start), rounded down: what the proration's payment grants. */
function share(difference: bigint, item: Stripe.SubscriptionItem, at: number): bigint {
  return (
    (difference * BigInt(item.current_period_end - at)) / BigInt(item.current_period_end - item.current_period_start)
  );
}

async function planChangeRows(userId: string) {
  return h.t.sql<{ idempotency_key: string; allowance_delta: string; source_ref: string }>(
    "SELECT idempotency_key, allowance_delta::text, source_ref FROM token_transactions WHERE user_id = $1 AND starts_with(idempotency_key, 'plan_change:') ORDER BY id",
    [userId],
  );
}

const confirmInPortal = (url: string) => confirmInPortalPage(h, url);

describe("an upgrade grants only what was paid", () => {
  it("Essential → Titan on the last day of the period grants only the pro-rated share, once the proration invoice is paid", async () => {
    const user = await h.newUser();
    const { subscription, item } = await subscribe(user, "essential");
    expect((await h.buckets(user.id)).allowance).toBe(ESSENTIAL);
    const lastDay = item.current_period_end - DAY;

    await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, price: await priceOf("titan") }],
      proration_behavior: "always_invoice",
      proration_date: lastDay,
    });
    await h.sim.settled();

    const invoiceId = (await h.stripe.subscriptions.retrieve(subscription.id)).latest_invoice as string;
    const invoice = await h.stripe.invoices.retrieve(invoiceId);
    expect(invoice).toMatchObject({ billing_reason: "subscription_update", status: "paid" });
    const extra = share(TITAN - ESSENTIAL, item, lastDay);
    // 34,000 tokens × 1 day / the period's days: about 1,133 tokens in a 30-day month, not 34,000.
    expect(extra).toBe((34_000_000n * 86_400n) / BigInt(item.current_period_end - item.current_period_start));
    expect((await h.buckets(user.id)).allowance).toBe(ESSENTIAL + extra);
    expect(await planChangeRows(user.id)).toEqual([
      { idempotency_key: planChangeKey(invoiceId), allowance_delta: String(extra), source_ref: invoiceId },
    ]);
    expect(h.deliveries.filter((d) => d.status !== 200)).toEqual([]);
  });

  it("under create_prorations nothing is billed now, so nothing is granted; a downgrade before renewal grants nothing either, and the renewal starts the plan then paid for", async () => {
    const user = await h.newUser();
    const { subscription, item } = await subscribe(user, "essential");
    const lastDay = item.current_period_end - DAY;
    await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, price: await priceOf("titan") }],
      proration_behavior: "create_prorations",
      proration_date: lastDay,
    });
    await h.sim.settled();
    expect((await h.subscriptionRow(user.id))!.plan_id).toBe("titan");
    expect((await h.buckets(user.id)).allowance).toBe(ESSENTIAL);

    await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, price: await priceOf("essential") }],
      proration_behavior: "create_prorations",
      proration_date: lastDay,
    });
    await h.sim.settled();
    expect((await h.buckets(user.id)).allowance).toBe(ESSENTIAL);

    await h.sim.advanceSubscription(subscription.id);
    await h.sim.settled();
    expect((await h.buckets(user.id)).allowance).toBe(ESSENTIAL);
    expect(await planChangeRows(user.id)).toEqual([]);
  });

  it("a proration invoice whose payment fails grants nothing; paying it later grants the share of the change", async () => {
    const user = await h.newUser();
    const { subscription, item, customerId } = await subscribe(user, "essential");
    const lastDay = item.current_period_end - DAY;
    await h.sim.failNextPayment(customerId);
    await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, price: await priceOf("titan") }],
      proration_behavior: "always_invoice",
      proration_date: lastDay,
    });
    await h.sim.settled();
    const invoiceId = (await h.stripe.subscriptions.retrieve(subscription.id)).latest_invoice as string;
    expect((await h.stripe.invoices.retrieve(invoiceId)).status).toBe("open");
    expect((await h.subscriptionRow(user.id))!.status).toBe("past_due");
    expect((await h.buckets(user.id)).allowance).toBe(ESSENTIAL);
    await refreshAfterPortal(h.ctx, user.id);
    // An invoice.paid whose payload says "paid" for the open invoice is not believed: Stripe is re-read.
    const open = await h.stripe.invoices.retrieve(invoiceId);
    expect(
      (
        await h.deliver({
          id: `evt_claims_paid_${invoiceId}`,
          object: "event",
          type: "invoice.paid",
          data: { object: { ...open, status: "paid" } },
        })
      ).status,
    ).toBe(200);
    expect(await planChangeRows(user.id)).toEqual([]);
    expect((await h.buckets(user.id)).allowance).toBe(ESSENTIAL);

    await h.stripe.invoices.pay(invoiceId);
    await h.sim.settled();
    expect((await h.buckets(user.id)).allowance).toBe(ESSENTIAL + share(TITAN - ESSENTIAL, item, lastDay));
    expect(await planChangeRows(user.id)).toHaveLength(1);
  });

  it("duplicate invoice.paid deliveries, the portal return page and the checkout success page, also all at once, grant it once", async () => {
    const user = await h.newUser();
    const { subscription, item, sessionId } = await subscribe(user, "essential");
    const lastDay = item.current_period_end - 3 * DAY;
    h.sim.setWebhookSwitches({ copies: 3 });
    try {
      await h.stripe.subscriptions.update(subscription.id, {
        items: [{ id: item.id, price: await priceOf("titan") }],
        proration_behavior: "always_invoice",
        proration_date: lastDay,
      });
      await h.sim.settled();
    } finally {
      h.sim.setWebhookSwitches({ copies: 1 });
    }
    const invoiceId = (await h.stripe.subscriptions.retrieve(subscription.id)).latest_invoice as string;
    const invoice = await h.stripe.invoices.retrieve(invoiceId);
    // The same invoice.paid again under new event ids (Stripe may send an event more than once),
    // with the return pages, concurrently.
    const redelivered = (n: number) =>
      h.deliver({
        id: `evt_again_${invoiceId}_${n}`,
        object: "event",
        type: "invoice.paid",
        data: { object: invoice },
      });
    const [deliveries] = await Promise.all([
      Promise.all([1, 2, 3, 4].map((n) => redelivered(n))),
      Promise.all([1, 2, 3].map(() => refreshAfterPortal(h.ctx, user.id))),
      confirmCheckout(h.ctx, user.id, sessionId),
    ]);
    expect(deliveries.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const extra = share(TITAN - ESSENTIAL, item, lastDay);
    expect(await planChangeRows(user.id)).toEqual([
      { idempotency_key: planChangeKey(invoiceId), allowance_delta: String(extra), source_ref: invoiceId },
    ]);
    expect((await h.buckets(user.id)).allowance).toBe(ESSENTIAL + extra);
  });
});

describe("events in any order", () => {
  it("the upgrade's invoice.paid handled before its subscription's first period started: the period's start grants it, once", async () => {
    const user = await h.newUser("reversed");
    h.hold = [];
    let held: { body: string; signature: string }[];
    let item: Stripe.SubscriptionItem;
    let lastDay: number;
    try {
      const destination = await startCheckout(h.ctx, user, { kind: "plan", id: "essential" });
      if (destination.kind !== "checkout") throw new Error("expected a checkout");
      await h.sim.completeCheckout(destination.sessionId, "paid");
      const subscriptionId = (await h.stripe.checkout.sessions.retrieve(destination.sessionId)).subscription as string;
      item = (await h.stripe.subscriptions.retrieve(subscriptionId)).items.data[0]!;
      lastDay = item.current_period_end - DAY;
      await h.stripe.subscriptions.update(subscriptionId, {
        items: [{ id: item.id, price: await priceOf("titan") }],
        proration_behavior: "always_invoice",
        proration_date: lastDay,
      });
      await h.sim.settled();
    } finally {
      held = h.hold;
      h.hold = null;
    }
    // Newest first: the proration's invoice.paid arrives while the account is still on the free tier.
    for (const d of [...held].reverse()) {
      const { handleStripeWebhook } = await import("./webhook");
      expect((await handleStripeWebhook(h.ctx, d.body, d.signature, { log: () => {} })).status).toBe(200);
    }
    const extra = share(TITAN - ESSENTIAL, item, lastDay);
    expect(await planChangeRows(user.id)).toHaveLength(1);
    expect(await h.buckets(user.id)).toMatchObject({
      allowance: ESSENTIAL + extra,
      periodStart: new Date(item.current_period_start * 1000),
    });
  });
});

describe("plan changes through the app's portal", () => {
  it("choosing a higher plan opens Tollgate's portal configuration (always_invoice) even when the account's default prorates at renewal; confirming charges now and grants the pro-rated share", async () => {
    // The account's default portal (the Dashboard's) bills prorations only at renewal.
    // (A first session without a configuration brings the default into being, as the Dashboard does.)
    await h.stripe.billingPortal.sessions.create({
      customer: (await h.stripe.customers.create({ email: "someone@example.com" })).id,
    });
    const [defaultConfig] = (await h.stripe.billingPortal.configurations.list({ is_default: true })).data;
    if (!defaultConfig) throw new Error("no default portal configuration");
    await h.stripe.billingPortal.configurations.update(defaultConfig.id, {
      features: { subscription_update: { enabled: true, proration_behavior: "create_prorations" } },
    });

    const user = await h.newUser();
    const { subscription, item } = await subscribe(user, "essential");
    const destination = await startCheckout(h.ctx, user, { kind: "plan", id: "titan" });
    expect(destination).toMatchObject({ kind: "portal", reason: "plan_change" });
    const tollgate = await findPortalConfiguration(h.stripe);
    expect(tollgate?.features.subscription_update).toMatchObject({
      enabled: true,
      proration_behavior: "always_invoice",
      schedule_at_period_end: { conditions: [{ type: "decreasing_item_amount" }] },
    });
    const portalSession = h.sim.objects("billing_portal.session").at(-1) as unknown as { configuration: string };
    expect(portalSession.configuration).toBe(tollgate!.id);

    await confirmInPortal(destination.url);
    await h.sim.settled();
    const invoiceId = (await h.stripe.subscriptions.retrieve(subscription.id)).latest_invoice as string;
    const invoice = await h.stripe.invoices.retrieve(invoiceId);
    expect(invoice).toMatchObject({ billing_reason: "subscription_update", status: "paid" });
    const changedAt = invoice.lines.data[0]!.period.start;
    const extra = share(TITAN - ESSENTIAL, item, changedAt);
    expect(await planChangeRows(user.id)).toEqual([
      { idempotency_key: planChangeKey(invoiceId), allowance_delta: String(extra), source_ref: invoiceId },
    ]);
    expect((await h.buckets(user.id)).allowance).toBe(ESSENTIAL + extra);
    expect((await h.subscriptionRow(user.id))!.plan_id).toBe("titan");
  });

  it("a downgrade is scheduled for the renewal: nothing charged or credited, nothing granted, nothing taken; the lower plan's allowance from the next period", async () => {
    const user = await h.newUser();
    const { subscription, customerId } = await subscribe(user, "titan");
    const before = await h.buckets(user.id);
    expect(before.allowance).toBe(TITAN);
    const keysBefore = await h.ledgerKeys(user.id);

    const destination = await startCheckout(h.ctx, user, { kind: "plan", id: "essential" });
    expect(destination).toMatchObject({ kind: "portal", reason: "plan_change" });
    await confirmInPortal(destination.url);
    await h.sim.settled();
    await refreshAfterPortal(h.ctx, user.id);

    const scheduled = await h.stripe.subscriptions.retrieve(subscription.id);
    expect(scheduled.items.data[0]!.price.id).toBe(await priceOf("titan"));
    expect(scheduled.schedule).toEqual(expect.stringMatching(/^sub_sched_/));
    expect(scheduled.latest_invoice).toBe(subscription.latest_invoice);
    expect(((await h.stripe.customers.retrieve(customerId)) as Stripe.Customer).balance).toBe(0);
    expect(await h.buckets(user.id)).toEqual(before);
    expect(await h.ledgerKeys(user.id)).toEqual(keysBefore);
    expect((await h.subscriptionRow(user.id))!.plan_id).toBe("titan");
    // The subscription page says so: Titan now, Essential from the renewal.
    const page = await subscriptionOverview(h.t.db, user.id);
    expect(page.livePlan?.id).toBe("titan");
    expect(page.scheduledChange).toEqual({
      plan: expect.objectContaining({ id: "essential" }),
      at: new Date(subscription.items.data[0]!.current_period_end * 1000),
    });

    await h.sim.advanceSubscription(subscription.id);
    await h.sim.settled();
    expect((await h.buckets(user.id)).allowance).toBe(ESSENTIAL);
    expect((await h.subscriptionRow(user.id))!.plan_id).toBe("essential");
    expect((await subscriptionOverview(h.t.db, user.id)).scheduledChange).toBeNull();
    expect(await planChangeRows(user.id)).toEqual([]);
  });

  it("a downgrade applied at once by an API call (always_invoice: a credit) grants nothing and takes nothing", async () => {
    const user = await h.newUser();
    const { subscription, item } = await subscribe(user, "titan");
    await h.stripe.subscriptions.update(subscription.id, {
      items: [{ id: item.id, price: await priceOf("essential") }],
      proration_behavior: "always_invoice",
      proration_date: item.current_period_end - DAY,
    });
    await h.sim.settled();
    const invoice = await h.stripe.invoices.retrieve(
      (await h.stripe.subscriptions.retrieve(subscription.id)).latest_invoice as string,
    );
    expect(invoice).toMatchObject({ billing_reason: "subscription_update", status: "paid", amount_paid: 0 });
    expect((await h.buckets(user.id)).allowance).toBe(TITAN);
    expect(await planChangeRows(user.id)).toEqual([]);
  });
});

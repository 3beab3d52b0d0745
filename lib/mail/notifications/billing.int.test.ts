// The billing mails end to end: the simulator's signed webhooks run the production webhook code,
// which queues the mail in the event's transaction; the outbox sends it to the loopback inbox.
// Each mail's "at most" rule: one per invoice attempt, one per subscription change.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { billingTestHarness } from "@/test/billing/harness";
import { startTestInbox, type TestInbox } from "@/test/mail/inbox";
import { applySubscriptionChange } from "../../billing/effects";
import { deliverPending } from "../outbox";
import { createSmtpSender } from "../smtp";

const h = billingTestHarness();
let inbox: TestInbox;

beforeAll(async () => {
  inbox = await startTestInbox();
});
afterAll(async () => {
  await inbox?.close();
});

async function deliver() {
  const sender = createSmtpSender(inbox.smtpUrl);
  try {
    return await deliverPending(h.t.db, sender, { from: "Tollgate <no-reply@tollgate.test>", appUrl: h.ctx.appUrl });
  } finally {
    sender.close();
  }
}

const queued = async (userId: string, template: string) =>
  h.t.sql<{ idempotency_key: string; data: Record<string, unknown> }>(
    "SELECT idempotency_key, data FROM mail_outbox WHERE user_id = $1 AND template = $2 ORDER BY created_at",
    [userId, template],
  );

async function planPrice(lookupKey: string) {
  return (await h.stripe.prices.list({ lookup_keys: [lookupKey] })).data[0]!.id;
}

describe("subscription mails", () => {
  it("an activation mails once, naming the plan; a re-sync of the same state mails nothing", async () => {
    const user = await h.newUser("active");
    const { customerId } = await h.subscribe(user, "pro");
    const mails = await queued(user.id, "subscription_changed");
    expect(mails.map((m) => m.data.change)).toEqual(["active"]);
    expect(mails[0]!.data.planName).toBe("Pro");

    await applySubscriptionChange(h.ctx, customerId);
    await applySubscriptionChange(h.ctx, customerId);
    expect(await queued(user.id, "subscription_changed")).toHaveLength(1);

    await deliver();
    const mail = await inbox.waitForMail({ to: user.email, subject: /Your subscription is active: Pro/ });
    expect(mail.text).toContain(`${h.ctx.appUrl}/settings/subscription`);
    // A billing mail cannot be turned off: no unsubscribe header.
    expect(Object.keys(mail.headers).map((k) => k.toLowerCase())).not.toContain("list-unsubscribe");
  });

  it("a plan change, a cancellation at the period's end and the end each mail once", async () => {
    const user = await h.newUser("changes");
    const { subscriptionId, customerId } = await h.subscribe(user, "pro");
    const sub = await h.stripe.subscriptions.retrieve(subscriptionId);
    await h.stripe.subscriptions.update(subscriptionId, {
      items: [{ id: sub.items.data[0]!.id, price: await planPrice("tollgate_plan_elite_monthly") }],
      proration_behavior: "always_invoice",
    });
    await h.sim.settled();
    await h.stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true });
    await h.sim.settled();
    await applySubscriptionChange(h.ctx, customerId);
    await h.stripe.subscriptions.cancel(subscriptionId);
    await h.sim.settled();
    await applySubscriptionChange(h.ctx, customerId);

    const mails = await queued(user.id, "subscription_changed");
    expect(mails.map((m) => m.data.change)).toEqual(["active", "plan_changed", "cancelled", "ended"]);
    expect(mails[1]!.data).toMatchObject({ planName: "Elite", previousPlanName: "Pro" });
    expect(mails[2]!.data.endsAt).toBe(new Date(sub.items.data[0]!.current_period_end * 1000).toISOString());
    expect(mails[3]!.data.planName).toBe("Elite");
    expect(new Set(mails.map((m) => m.idempotency_key)).size).toBe(4);
  });

  it("a change seen by five syncs at the same moment (the same webhook delivered at once) mails once", async () => {
    const user = await h.newUser("concurrent");
    const { subscriptionId, customerId } = await h.subscribe(user, "pro");
    h.hold = []; // the cancellation's webhooks wait: only the concurrent syncs below see the change
    try {
      await h.stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true });
      await h.sim.settled();
      await Promise.all(Array.from({ length: 5 }, () => applySubscriptionChange(h.ctx, customerId)));
    } finally {
      h.hold = null;
    }
    const mails = await queued(user.id, "subscription_changed");
    expect(mails.map((m) => m.data.change)).toEqual(["active", "cancelled"]);
  });
});

describe("payment failed", () => {
  it("mails once per invoice attempt, with the subscription page as the portal's way in", async () => {
    const user = await h.newUser("failed");
    const { subscriptionId, customerId } = await h.subscribe(user, "pro");
    await h.sim.failNextPayment(customerId, 2);
    await h.sim.advanceSubscription(subscriptionId);
    await h.sim.settled();
    const invoiceId = (await h.stripe.subscriptions.retrieve(subscriptionId)).latest_invoice as string;
    let mails = await queued(user.id, "payment_failed");
    expect(mails.map((m) => m.idempotency_key)).toEqual([`payment_failed:${invoiceId}:1`]);

    // The same event again (redelivered, replayed): its sync runs, no second mail.
    const event = (await h.stripe.events.list({ type: "invoice.payment_failed", limit: 100 })).data.find(
      (e) => (e.data.object as { id: string }).id === invoiceId,
    )!;
    const again = await h.deliver({ ...event, id: `${event.id}_redelivered` });
    expect(again.status).toBe(200);
    expect(await queued(user.id, "payment_failed")).toHaveLength(1);

    // Stripe's next attempt fails too: that is a new cause, a new mail.
    await h.stripe.invoices.pay(invoiceId).catch(() => undefined);
    await h.sim.settled();
    mails = await queued(user.id, "payment_failed");
    expect(mails.map((m) => m.idempotency_key)).toEqual([
      `payment_failed:${invoiceId}:1`,
      `payment_failed:${invoiceId}:2`,
    ]);
    // The amount is queued as Stripe's integer and formatted in the recipient's locale when sent.
    expect(mails[0]!.data).toMatchObject({ planName: "Pro", amountDue: { minorUnits: 1900, currency: "eur" } });

    await deliver();
    const mail = await inbox.waitForMail({ to: user.email, subject: /payment failed/ });
    expect(mail.text).toContain(`${h.ctx.appUrl}/settings/subscription`);
    expect(mail.text).toContain("€19.00");
  });
});

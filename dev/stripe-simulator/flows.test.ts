// Every flow's webhooks, as a verifying receiver sees them: order, signatures, shapes.
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { signPayload } from "./webhooks";
import { seedCatalog, startSimulatorFixture, type SimulatorFixture } from "./testing";

let f: SimulatorFixture;
let catalog: Awaited<ReturnType<typeof seedCatalog>>;

beforeAll(async () => {
  f = await startSimulatorFixture();
});
afterAll(() => f.close());
beforeEach(async () => {
  f.sim.reset();
  f.sim.setWebhookSwitches({ copies: 1, shuffle: false, delayMs: 0, paused: false });
  catalog = await seedCatalog(f.stripe);
  await f.sim.settled();
  f.receiver.clear();
});

async function subscribe(price = catalog.basic.id) {
  const session = await f.stripe.checkout.sessions.create({
    mode: "subscription",
    customer: catalog.customer.id,
    line_items: [{ price, quantity: 1 }],
    success_url: "http://app.test/ok?session_id={CHECKOUT_SESSION_ID}",
    subscription_data: { metadata: { userId: "user_1" } },
  });
  const done = f.sim.completeCheckout(session.id, "paid");
  await f.sim.settled();
  return { sessionId: session.id, subscriptionId: done.subscription! };
}

async function buyPack(outcome: "paid" | "async_success" | "async_failure" = "paid") {
  const session = await f.stripe.checkout.sessions.create({
    mode: "payment",
    customer: catalog.customer.id,
    line_items: [{ price: catalog.pack.id, quantity: 1 }],
    success_url: "http://app.test/ok",
    payment_intent_data: { metadata: { userId: "user_1" } },
  });
  const done = f.sim.completeCheckout(session.id, outcome);
  await f.sim.settled();
  return { sessionId: session.id, intentId: done.payment_intent! };
}

describe("signatures", () => {
  it("signs every delivery so constructEvent verifies it, and a tampered payload fails", async () => {
    await subscribe();
    expect(f.receiver.received.length).toBeGreaterThan(0);
    for (const r of f.receiver.received) {
      expect(r.signatureError).toBeNull();
      expect(r.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    }
    const stripe = new Stripe("sk_test_x");
    const { rawBody, signature } = f.receiver.received[0]!;
    expect(stripe.webhooks.constructEvent(rawBody, signature!, "whsec_fixture_secret").id).toBe(
      f.receiver.events()[0]!.id,
    );
    const tampered = rawBody.replace('"livemode": false', '"livemode": true');
    expect(tampered).not.toBe(rawBody);
    expect(() => stripe.webhooks.constructEvent(tampered, signature!, "whsec_fixture_secret")).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    expect(() => stripe.webhooks.constructEvent(rawBody, signature!, "whsec_other")).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    // Our signer agrees with the SDK's test header generator.
    const t = 1_800_000_000;
    expect(signPayload("{}", "whsec_a", t)).toBe(
      stripe.webhooks.generateTestHeaderString({ payload: "{}", secret: "whsec_a", timestamp: t }),
    );
  });

  it("is rejected by the receiver when the simulator signs with another secret", async () => {
    f.sim.setWebhookSecret("whsec_wrong");
    f.sim.setWebhookSwitches({ maxAttempts: 1 });
    try {
      await f.stripe.customers.create({ email: "x@example.com" });
      await f.sim.settled();
      expect(f.receiver.received.at(-1)!.signatureError).toMatch(/signature/i);
      expect(f.sim.deliveries.at(-1)!.state).toBe("failed");
    } finally {
      f.sim.setWebhookSecret("whsec_fixture_secret");
      f.sim.setWebhookSwitches({ maxAttempts: 4 });
    }
  });
});

describe("event order per flow", () => {
  it("subscription checkout", async () => {
    const { sessionId, subscriptionId } = await subscribe();
    expect(f.receiver.types()).toEqual([
      "payment_method.attached",
      "customer.subscription.created",
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
      "checkout.session.completed",
    ]);
    const [, created, , , paid, , completed] = f.receiver.events();
    expect((created!.data.object as Stripe.Subscription).id).toBe(subscriptionId);
    const invoice = paid!.data.object as Stripe.Invoice;
    expect(invoice.billing_reason).toBe("subscription_create");
    expect(invoice.parent!.subscription_details!.subscription).toBe(subscriptionId);
    expect(completed!.data.object as Stripe.Checkout.Session).toMatchObject({
      id: sessionId,
      payment_status: "paid",
      subscription: subscriptionId,
    });
    expect(f.receiver.events().every((e) => e.api_version === "2026-10-28.endive" && e.livemode === false)).toBe(true);
  });

  it("subscription checkout without a customer creates one first", async () => {
    const session = await f.stripe.checkout.sessions.create({
      mode: "subscription",
      customer_email: "new@example.com",
      line_items: [{ price: catalog.basic.id, quantity: 1 }],
      success_url: "http://a.test",
    });
    const done = f.sim.completeCheckout(session.id);
    await f.sim.settled();
    expect(f.receiver.types()[0]).toBe("customer.created");
    expect(f.sim.get(done.customer!)!.email).toBe("new@example.com");
  });

  it("pack checkout", async () => {
    const { intentId } = await buyPack();
    expect(f.receiver.types()).toEqual(["payment_intent.succeeded", "charge.succeeded", "checkout.session.completed"]);
    const charge = f.receiver.events()[1]!.data.object as Stripe.Charge;
    expect(charge).toMatchObject({
      payment_intent: intentId,
      metadata: { userId: "user_1" },
      amount: 500,
      status: "succeeded",
    });
  });

  it("pack checkout with a delayed method that succeeds, and one that fails", async () => {
    const ok = await buyPack("async_success");
    expect(f.receiver.types()).toEqual(["payment_intent.processing", "checkout.session.completed"]);
    expect((f.receiver.events()[1]!.data.object as Stripe.Checkout.Session).payment_status).toBe("unpaid");
    expect(f.sim.pendingAsyncPayments()).toEqual([ok.sessionId]);
    f.receiver.clear();
    f.sim.resolveAsyncPayment(ok.sessionId);
    await f.sim.settled();
    expect(f.receiver.types()).toEqual([
      "payment_intent.succeeded",
      "charge.succeeded",
      "checkout.session.async_payment_succeeded",
    ]);
    expect((f.receiver.events()[2]!.data.object as Stripe.Checkout.Session).payment_status).toBe("paid");

    const bad = await buyPack("async_failure");
    f.receiver.clear();
    f.sim.resolveAsyncPayment(bad.sessionId);
    await f.sim.settled();
    expect(f.receiver.types()).toEqual([
      "payment_intent.payment_failed",
      "charge.failed",
      "checkout.session.async_payment_failed",
    ]);
    expect(f.sim.pendingAsyncPayments()).toEqual([]);
  });

  it("resolves a delayed payment by itself after asyncPaymentDelayMs", async () => {
    const { startStripeSimulator } = await import("./server");
    const sim = await startStripeSimulator({
      webhookUrl: f.receiver.url,
      webhookSecret: "whsec_fixture_secret",
      asyncPaymentDelayMs: 30,
    });
    try {
      const stripe = new Stripe("sk_test_x", { ...sim.stripeConfig });
      const price = await stripe.prices.create({ currency: "usd", unit_amount: 100, product_data: { name: "P" } });
      const session = await stripe.checkout.sessions.create({
        mode: "payment",
        line_items: [{ price: price.id, quantity: 1 }],
        success_url: "http://a.test",
      });
      sim.completeCheckout(session.id, "async_success");
      await expect
        .poll(() => sim.events.map((e) => e.type).includes("checkout.session.async_payment_succeeded"), {
          timeout: 2000,
        })
        .toBe(true);
    } finally {
      await sim.close();
    }
  });

  it("subscription checkout with a delayed method", async () => {
    const session = await f.stripe.checkout.sessions.create({
      mode: "subscription",
      customer: catalog.customer.id,
      line_items: [{ price: catalog.basic.id, quantity: 1 }],
      success_url: "http://a.test",
    });
    const done = f.sim.completeCheckout(session.id, "async_success");
    await f.sim.settled();
    expect(f.receiver.types()).toEqual([
      "customer.subscription.created",
      "invoice.created",
      "invoice.finalized",
      "checkout.session.completed",
    ]);
    expect((await f.stripe.subscriptions.retrieve(done.subscription!)).status).toBe("incomplete");
    f.receiver.clear();
    f.sim.resolveAsyncPayment(session.id);
    await f.sim.settled();
    expect(f.receiver.types()).toEqual([
      "invoice.paid",
      "invoice.payment_succeeded",
      "customer.subscription.updated",
      "checkout.session.async_payment_succeeded",
    ]);
    expect((await f.stripe.subscriptions.retrieve(done.subscription!)).status).toBe("active");
  });

  it("a declined card sends nothing and leaves the session open", async () => {
    const session = await f.stripe.checkout.sessions.create({
      mode: "payment",
      line_items: [{ price: catalog.pack.id, quantity: 1 }],
      success_url: "http://a.test",
    });
    expect(() => f.sim.completeCheckout(session.id, "declined")).toThrow(/declined/);
    await f.sim.settled();
    expect(f.receiver.types()).toEqual([]);
    expect((await f.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
    f.sim.completeCheckout(session.id, "paid");
    expect(() => f.sim.completeCheckout(session.id, "paid")).toThrow(/no longer active/);
  });

  it("renewal: a new period on the items and a paid subscription_cycle invoice", async () => {
    const { subscriptionId } = await subscribe();
    const before = await f.stripe.subscriptions.retrieve(subscriptionId);
    f.receiver.clear();
    f.sim.advanceSubscription(subscriptionId);
    await f.sim.settled();
    expect(f.receiver.types()).toEqual([
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
      "customer.subscription.updated",
    ]);
    const [created, , paid, , updated] = f.receiver.events();
    expect((created!.data.object as Stripe.Invoice).status).toBe("draft");
    const invoice = paid!.data.object as Stripe.Invoice;
    const oldItem = before.items.data[0]!;
    expect(invoice).toMatchObject({
      billing_reason: "subscription_cycle",
      status: "paid",
      amount_paid: 1000,
      period_start: oldItem.current_period_start,
      period_end: oldItem.current_period_end,
    });
    expect(invoice.lines.data[0]!.period.start).toBe(oldItem.current_period_end);
    const sub = updated!.data.object as Stripe.Subscription;
    expect(sub.items.data[0]!.current_period_start).toBe(oldItem.current_period_end);
    expect(sub.items.data[0]!.current_period_end).toBeGreaterThan(oldItem.current_period_end);
    expect(sub.latest_invoice).toBe(invoice.id);
    expect(updated!.data.previous_attributes).toHaveProperty("items");
    expect(updated!.data.previous_attributes).toHaveProperty("latest_invoice");
  });

  it("an armed failure is kept for the renewal: the checkout's Pay still succeeds", async () => {
    f.sim.failNextPayment(catalog.customer.id);
    const { subscriptionId } = await subscribe();
    expect(f.receiver.types()).toContain("invoice.paid");
    expect((await f.stripe.subscriptions.retrieve(subscriptionId)).status).toBe("active");
    expect(f.sim.advanceSubscription(subscriptionId).status).toBe("past_due");
  });

  it("a failed renewal makes the subscription past_due; paying the invoice makes it active", async () => {
    const { subscriptionId } = await subscribe();
    f.receiver.clear();
    f.sim.failNextPayment(catalog.customer.id);
    f.sim.advanceSubscription(subscriptionId);
    await f.sim.settled();
    expect(f.receiver.types()).toEqual([
      "invoice.created",
      "invoice.finalized",
      "invoice.payment_failed",
      "customer.subscription.updated",
    ]);
    const failed = f.receiver.events()[2]!.data.object as Stripe.Invoice;
    expect(failed).toMatchObject({
      status: "open",
      attempted: true,
      attempt_count: 1,
      amount_paid: 0,
      billing_reason: "subscription_cycle",
    });
    const updated = f.receiver.events()[3]!;
    expect((updated.data.object as Stripe.Subscription).status).toBe("past_due");
    expect(updated.data.previous_attributes).toMatchObject({ status: "active" });
    f.receiver.clear();
    f.sim.payInvoice(failed.id);
    await f.sim.settled();
    expect(f.receiver.types()).toEqual(["invoice.paid", "invoice.payment_succeeded", "customer.subscription.updated"]);
    expect((await f.stripe.subscriptions.retrieve(subscriptionId)).status).toBe("active");
    expect((await f.stripe.invoices.retrieve(failed.id)).status).toBe("paid");
  });

  it("a renewal paid by a debit that is still processing (SEPA / ACH): the invoice stays open, the subscription active, until it clears", async () => {
    const { subscriptionId } = await subscribe();
    f.receiver.clear();
    f.sim.delayNextPayment(catalog.customer.id);
    f.sim.advanceSubscription(subscriptionId);
    await f.sim.settled();
    expect(f.receiver.types()).toEqual(["invoice.created", "invoice.finalized", "customer.subscription.updated"]);
    const sub = await f.stripe.subscriptions.retrieve(subscriptionId, { expand: ["latest_invoice.payments"] });
    expect(sub.status).toBe("active");
    const invoice = sub.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({ status: "open", amount_paid: 0, billing_reason: "subscription_cycle" });
    expect(
      (await f.stripe.paymentIntents.retrieve(invoice.payments!.data[0]!.payment.payment_intent as string)).status,
    ).toBe("processing");
    f.receiver.clear();
    f.sim.settleInvoicePayment(invoice.id, "succeeded");
    await f.sim.settled();
    expect(f.receiver.types()).toEqual(["invoice.paid", "invoice.payment_succeeded"]);
    expect((await f.stripe.invoices.retrieve(invoice.id)).status).toBe("paid");
    expect(() => f.sim.settleInvoicePayment(invoice.id)).toThrow(/no payment processing/);
  });

  it("a processing renewal debit that fails makes the subscription past_due", async () => {
    const { subscriptionId } = await subscribe();
    f.sim.delayNextPayment(catalog.customer.id);
    const invoiceId = f.sim.advanceSubscription(subscriptionId).latest_invoice as string;
    await f.sim.settled();
    f.receiver.clear();
    f.sim.settleInvoicePayment(invoiceId, "failed");
    await f.sim.settled();
    expect(f.receiver.types()).toEqual(["invoice.payment_failed", "customer.subscription.updated"]);
    expect((await f.stripe.subscriptions.retrieve(subscriptionId)).status).toBe("past_due");
  });

  it("send_invoice: the renewal invoice is sent and stays open (the subscription active) until the customer pays it", async () => {
    const { subscriptionId } = await subscribe();
    await expect(
      f.stripe.subscriptions.update(subscriptionId, { collection_method: "send_invoice" }),
    ).rejects.toMatchObject({ param: "days_until_due" });
    const updated = await f.stripe.subscriptions.update(subscriptionId, {
      collection_method: "send_invoice",
      days_until_due: 7,
    });
    expect(updated).toMatchObject({ collection_method: "send_invoice", days_until_due: 7 });
    await f.sim.settled();
    f.receiver.clear();
    const renewed = f.sim.advanceSubscription(subscriptionId);
    await f.sim.settled();
    expect(f.receiver.types()).toEqual([
      "invoice.created",
      "invoice.finalized",
      "invoice.sent",
      "customer.subscription.updated",
    ]);
    const invoice = await f.stripe.invoices.retrieve(renewed.latest_invoice as string);
    expect(invoice).toMatchObject({ status: "open", collection_method: "send_invoice", amount_paid: 0 });
    expect(invoice.due_date).toBe(invoice.created + 7 * 86_400);
    expect(renewed.status).toBe("active");
    f.sim.payInvoice(invoice.id);
    expect((await f.stripe.invoices.retrieve(invoice.id)).status).toBe("paid");
  });

  it("pause_collection: renewals are not collected (void, draft or uncollectible), the subscription stays active", async () => {
    const { subscriptionId } = await subscribe();
    for (const [behavior, status, events] of [
      ["void", "void", ["invoice.created", "invoice.finalized", "invoice.voided", "customer.subscription.updated"]],
      ["keep_as_draft", "draft", ["invoice.created", "customer.subscription.updated"]],
      [
        "mark_uncollectible",
        "uncollectible",
        ["invoice.created", "invoice.finalized", "invoice.marked_uncollectible", "customer.subscription.updated"],
      ],
    ] as const) {
      const paused = await f.stripe.subscriptions.update(subscriptionId, { pause_collection: { behavior } });
      expect(paused.pause_collection).toEqual({ behavior, resumes_at: null });
      await f.sim.settled();
      f.receiver.clear();
      const renewed = f.sim.advanceSubscription(subscriptionId);
      await f.sim.settled();
      expect(f.receiver.types()).toEqual(events);
      expect(renewed.status).toBe("active");
      expect((await f.stripe.invoices.retrieve(renewed.latest_invoice as string)).status).toBe(status);
    }
    const resumed = await f.stripe.subscriptions.update(subscriptionId, { pause_collection: "" });
    expect(resumed.pause_collection).toBeNull();
  });

  it("plan switch with always_invoice: the update, then a subscription_update invoice", async () => {
    const { subscriptionId } = await subscribe();
    const sub = await f.stripe.subscriptions.retrieve(subscriptionId);
    f.receiver.clear();
    await f.stripe.subscriptions.update(subscriptionId, {
      items: [{ id: sub.items.data[0]!.id, price: catalog.pro.id }],
      proration_behavior: "always_invoice",
    });
    await f.sim.settled();
    expect(f.receiver.types()).toEqual([
      "customer.subscription.updated",
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
    ]);
    const updated = f.receiver.events()[0]!;
    expect((updated.data.object as Stripe.Subscription).items.data[0]!.price.id).toBe(catalog.pro.id);
    expect(
      (updated.data.previous_attributes as { items: Stripe.ApiList<Stripe.SubscriptionItem> }).items.data[0]!.price.id,
    ).toBe(catalog.basic.id);
    const invoice = f.receiver.events()[3]!.data.object as Stripe.Invoice;
    expect(invoice.billing_reason).toBe("subscription_update");
    expect(invoice.lines.data.every((l) => l.parent!.subscription_item_details!.proration)).toBe(true);
  });

  it("a failed proration payment leaves the switch in place and the subscription past_due; a retry can fail again", async () => {
    const { subscriptionId } = await subscribe();
    const sub = await f.stripe.subscriptions.retrieve(subscriptionId);
    f.receiver.clear();
    f.sim.failNextPayment(catalog.customer.id, 2);
    await f.stripe.subscriptions.update(subscriptionId, {
      items: [{ id: sub.items.data[0]!.id, price: catalog.pro.id }],
      proration_behavior: "always_invoice",
    });
    await f.sim.settled();
    expect(f.receiver.types()).toEqual([
      "customer.subscription.updated",
      "invoice.created",
      "invoice.finalized",
      "invoice.payment_failed",
      "customer.subscription.updated",
    ]);
    const invoice = f.receiver.events()[3]!.data.object as Stripe.Invoice;
    expect((f.receiver.events()[4]!.data.object as Stripe.Subscription).status).toBe("past_due");
    const declined = await f.stripe.invoices.pay(invoice.id).catch((e: unknown) => e);
    expect(declined).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect((await f.stripe.invoices.retrieve(invoice.id)).attempt_count).toBe(2);
    expect((await f.stripe.invoices.pay(invoice.id)).status).toBe("paid");
    expect((await f.stripe.subscriptions.retrieve(subscriptionId)).status).toBe("active");
    await f.sim.settled();
    expect(f.receiver.types().slice(5)).toEqual([
      "invoice.payment_failed",
      "invoice.paid",
      "invoice.payment_succeeded",
      "customer.subscription.updated",
    ]);
  });

  it("plan switch with create_prorations: the difference is on the next renewal invoice", async () => {
    const { subscriptionId } = await subscribe();
    const sub = await f.stripe.subscriptions.retrieve(subscriptionId);
    f.receiver.clear();
    await f.stripe.subscriptions.update(subscriptionId, {
      items: [{ id: sub.items.data[0]!.id, price: catalog.pro.id }],
    });
    await f.sim.settled();
    expect(f.receiver.types()).toEqual(["customer.subscription.updated"]);
    f.sim.advanceSubscription(subscriptionId);
    const renewal = await f.stripe.invoices.retrieve(
      (await f.stripe.subscriptions.retrieve(subscriptionId)).latest_invoice as string,
    );
    expect(renewal.lines.data).toHaveLength(3);
    const amounts = renewal.lines.data.map((l) => l.amount);
    expect(amounts[2]).toBe(3000);
    expect(renewal.total).toBe(amounts.reduce((a, b) => a + b, 0));
  });

  it("a downgrade credits the customer's balance and charges nothing now", async () => {
    const { subscriptionId } = await subscribe(catalog.pro.id);
    const sub = await f.stripe.subscriptions.retrieve(subscriptionId);
    await f.stripe.subscriptions.update(subscriptionId, {
      items: [{ id: sub.items.data[0]!.id, price: catalog.basic.id }],
      proration_behavior: "always_invoice",
    });
    const invoice = await f.stripe.invoices.retrieve(
      (await f.stripe.subscriptions.retrieve(subscriptionId)).latest_invoice as string,
    );
    expect(invoice.total).toBeLessThan(0);
    expect(invoice).toMatchObject({ amount_due: 0, status: "paid" });
    expect(((await f.stripe.customers.retrieve(catalog.customer.id)) as Stripe.Customer).balance).toBe(invoice.total);
    // The credit pays for the next renewal first.
    f.sim.advanceSubscription(subscriptionId);
    const renewal = await f.stripe.invoices.retrieve(
      (await f.stripe.subscriptions.retrieve(subscriptionId)).latest_invoice as string,
    );
    expect(renewal.amount_due).toBe(Math.max(0, 1000 + invoice.total));
    expect(((await f.stripe.customers.retrieve(catalog.customer.id)) as Stripe.Customer).balance).toBe(
      Math.min(0, 1000 + invoice.total),
    );
  });

  it("cancel at period end, then the end of the period deletes the subscription", async () => {
    const { subscriptionId } = await subscribe();
    f.receiver.clear();
    await f.stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true });
    f.sim.endPeriod(subscriptionId);
    await f.sim.settled();
    expect(f.receiver.types()).toEqual(["customer.subscription.updated", "customer.subscription.deleted"]);
    const deleted = f.receiver.events()[1]!.data.object as Stripe.Subscription;
    expect(deleted).toMatchObject({ status: "canceled", cancel_at_period_end: true });
    expect(deleted.ended_at).toBe(deleted.items.data[0]!.current_period_end);
    expect(() => f.sim.advanceSubscription(subscriptionId)).toThrow(/canceled/);
    expect((await f.stripe.invoices.list({ subscription: subscriptionId })).data).toHaveLength(1);
  });

  it("refund and dispute", async () => {
    const { intentId } = await buyPack();
    const chargeId = (await f.stripe.paymentIntents.retrieve(intentId)).latest_charge as string;
    f.receiver.clear();
    f.sim.refundCharge(chargeId, 100);
    await f.sim.settled();
    expect(f.receiver.types()).toEqual(["charge.refunded", "refund.created"]);
    expect(f.receiver.events()[0]!.data).toMatchObject({
      object: { amount_refunded: 100, refunded: false },
      previous_attributes: { amount_refunded: 0 },
    });
    f.receiver.clear();
    const dispute = f.sim.createDispute(chargeId);
    f.sim.closeDispute(dispute.id, "lost");
    await f.sim.settled();
    expect(f.receiver.types()).toEqual(["charge.dispute.created", "charge.dispute.closed"]);
    expect(f.receiver.events()[0]!.data.object).toMatchObject({
      object: "dispute",
      charge: chargeId,
      amount: 400,
      status: "needs_response",
      payment_intent: intentId,
    });
    expect(() => f.sim.createDispute(chargeId)).toThrow(/already disputed/);
  });

  it("events carry the request id and idempotency key of the API call that caused them", async () => {
    const customer = await f.stripe.customers.create({ email: "r@example.com" }, { idempotencyKey: "create-r" });
    await f.sim.settled();
    const event = f.receiver.events().at(-1)!;
    expect(event.type).toBe("customer.created");
    expect(event.request).toEqual({ id: customer.lastResponse.requestId, idempotency_key: "create-r" });
    expect((await f.stripe.events.retrieve(event.id)).id).toBe(event.id);
  });
});

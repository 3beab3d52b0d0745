// Saved cards and off-session PaymentIntents, through the real `stripe` SDK: checkout saves the
// card, test PaymentMethod ids, success / decline / authentication outcomes, their events, the
// Idempotency-Key, cancel and the 3-D Secure page.
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { seedCatalog, startSimulatorFixture, type SimulatorFixture } from "./testing";

let f: SimulatorFixture;
let catalog: Awaited<ReturnType<typeof seedCatalog>>;

beforeAll(async () => {
  f = await startSimulatorFixture();
});
afterAll(() => f.close());
beforeEach(async () => {
  f.sim.reset();
  catalog = await seedCatalog(f.stripe);
  await f.sim.settled();
  f.receiver.clear();
});

const customerId = () => catalog.customer.id;

async function offSession(paymentMethod: string, extra: Partial<Stripe.PaymentIntentCreateParams> = {}, key?: string) {
  return f.stripe.paymentIntents.create(
    {
      amount: 900,
      currency: "eur",
      customer: customerId(),
      payment_method: paymentMethod,
      allowed_payment_method_types: ["card"],
      off_session: true,
      confirm: true,
      metadata: { kind: "topup" },
      description: "Auto top-up",
      ...extra,
    },
    key ? { idempotencyKey: key } : undefined,
  );
}

async function cardError(promise: Promise<unknown>): Promise<Stripe.errors.StripeCardError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
  return error as Stripe.errors.StripeCardError;
}

describe("saved payment methods", () => {
  it("a pack checkout with setup_future_usage saves the card on the customer; the page says so", async () => {
    const session = await f.stripe.checkout.sessions.create({
      mode: "payment",
      customer: customerId(),
      line_items: [{ price: catalog.pack.id, quantity: 1 }],
      success_url: "http://app.test/ok",
      payment_intent_data: { setup_future_usage: "off_session" },
    });
    const page = await (await fetch(session.url!)).text();
    expect(page).toContain("Your card will be saved");
    expect(page).toContain("4000002760003184");
    f.sim.completeCheckout(session.id, "paid", { card: "4000002760003184" });
    await f.sim.settled();
    const methods = await f.stripe.customers.listPaymentMethods(customerId(), { type: "card" });
    expect(methods.data).toHaveLength(1);
    const pm = methods.data[0]!;
    expect(pm).toMatchObject({ object: "payment_method", type: "card", customer: customerId() });
    expect(pm.card).toMatchObject({ brand: "visa", last4: "3184" });
    const intent = await f.stripe.paymentIntents.retrieve(
      (await f.stripe.checkout.sessions.retrieve(session.id)).payment_intent as string,
    );
    expect(intent).toMatchObject({ payment_method: pm.id, setup_future_usage: "off_session", status: "succeeded" });
    expect(f.receiver.types()).toContain("payment_method.attached");
    expect((await f.stripe.paymentMethods.retrieve(pm.id)).id).toBe(pm.id);
    expect((await f.stripe.customers.retrievePaymentMethod(customerId(), pm.id)).id).toBe(pm.id);
  });

  it("a pack checkout without setup_future_usage saves nothing; a subscription checkout saves its card", async () => {
    const pack = await f.stripe.checkout.sessions.create({
      mode: "payment",
      customer: customerId(),
      line_items: [{ price: catalog.pack.id, quantity: 1 }],
      success_url: "http://app.test/ok",
    });
    expect(await (await fetch(pack.url!)).text()).not.toContain("Your card will be saved");
    f.sim.completeCheckout(pack.id, "paid");
    expect((await f.stripe.customers.listPaymentMethods(customerId())).data).toHaveLength(0);
    const sub = await f.stripe.checkout.sessions.create({
      mode: "subscription",
      customer: customerId(),
      line_items: [{ price: catalog.basic.id, quantity: 1 }],
      success_url: "http://app.test/ok",
    });
    const done = f.sim.completeCheckout(sub.id, "paid");
    const [pm] = (await f.stripe.customers.listPaymentMethods(customerId())).data;
    expect(pm?.card?.last4).toBe("4242");
    expect((await f.stripe.subscriptions.retrieve(done.subscription!)).default_payment_method).toBe(pm!.id);
  });

  it("a declining card on the checkout page is declined and saves nothing", async () => {
    const session = await f.stripe.checkout.sessions.create({
      mode: "payment",
      customer: customerId(),
      line_items: [{ price: catalog.pack.id, quantity: 1 }],
      success_url: "http://app.test/ok",
      payment_intent_data: { setup_future_usage: "off_session" },
    });
    const res = await fetch(session.url!, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "outcome=paid&card=4000000000000002",
      redirect: "manual",
    });
    expect(res.status).toBe(402);
    expect(await res.text()).toContain("Your card was declined.");
    expect((await f.stripe.customers.listPaymentMethods(customerId())).data).toHaveLength(0);
  });

  it("attach / detach a test PaymentMethod id; the default payment method must be the customer's", async () => {
    const pm = await f.stripe.paymentMethods.attach("pm_card_visa", { customer: customerId() });
    expect(pm.id).toMatch(/^pm_/);
    expect(pm.id).not.toBe("pm_card_visa");
    expect(pm.customer).toBe(customerId());
    const other = await f.stripe.customers.create({ email: "other@example.com" });
    await expect(
      f.stripe.customers.update(other.id, { invoice_settings: { default_payment_method: pm.id } }),
    ).rejects.toThrow(/does not have a payment method/);
    const updated = await f.stripe.customers.update(customerId(), {
      invoice_settings: { default_payment_method: pm.id },
    });
    expect(updated.invoice_settings.default_payment_method).toBe(pm.id);
    const detached = await f.stripe.paymentMethods.detach(pm.id);
    expect(detached.customer).toBeNull();
    expect((await f.stripe.customers.retrieve(customerId())) as Stripe.Customer).toMatchObject({
      invoice_settings: { default_payment_method: null },
    });
    await expect(f.stripe.paymentMethods.detach(pm.id)).rejects.toThrow(/not attached/);
    await expect(offSession(pm.id, { customer: undefined })).rejects.toThrow(/may not be used again/);
    await f.sim.settled();
    expect(f.receiver.types()).toEqual([
      "payment_method.attached",
      "customer.created",
      "customer.updated",
      "payment_method.detached",
    ]);
  });
});

describe("off-session PaymentIntents", () => {
  it("success: succeeded, a charge with a receipt, payment_intent.succeeded + charge.succeeded", async () => {
    const pm = await f.stripe.paymentMethods.attach("pm_card_visa", { customer: customerId() });
    await f.sim.settled();
    f.receiver.clear();
    const intent = await offSession(pm.id);
    expect(intent).toMatchObject({
      object: "payment_intent",
      status: "succeeded",
      amount: 900,
      amount_received: 900,
      currency: "eur",
      customer: customerId(),
      payment_method: pm.id,
      metadata: { kind: "topup" },
      description: "Auto top-up",
      last_payment_error: null,
      next_action: null,
    });
    const charge = await f.stripe.charges.retrieve(intent.latest_charge as string);
    expect(charge).toMatchObject({ status: "succeeded", paid: true, payment_intent: intent.id, amount: 900 });
    expect(charge.receipt_url).toMatch(/\/receipts\/ch_/);
    expect((await fetch(charge.receipt_url!)).status).toBe(200);
    await f.sim.settled();
    expect(f.receiver.types()).toEqual(["payment_intent.created", "payment_intent.succeeded", "charge.succeeded"]);
  });

  it("the Idempotency-Key returns the same intent, and charges once", async () => {
    const pm = await f.stripe.paymentMethods.attach("pm_card_visa", { customer: customerId() });
    const [a, b] = await Promise.all([offSession(pm.id, {}, "topup:k1"), offSession(pm.id, {}, "topup:k1")]);
    expect(b.id).toBe(a.id);
    expect((await f.stripe.charges.list({ payment_intent: a.id })).data).toHaveLength(1);
    expect(f.sim.objects("payment_intent")).toHaveLength(1);
    await expect(offSession(pm.id, { amount: 901 }, "topup:k1")).rejects.toThrow(/same parameters/);
  });

  it("decline: 402 card_declined with the intent, requires_payment_method, payment_intent.payment_failed", async () => {
    const pm = await f.stripe.paymentMethods.attach("pm_card_chargeDeclined", { customer: customerId() });
    await f.sim.settled();
    f.receiver.clear();
    const error = await cardError(offSession(pm.id, {}, "topup:declined"));
    expect(error.statusCode).toBe(402);
    expect(error.code).toBe("card_declined");
    expect(error.decline_code).toBe("generic_decline");
    expect(error.payment_intent).toMatchObject({
      status: "requires_payment_method",
      last_payment_error: { code: "card_declined", type: "card_error" },
    });
    const intent = await f.stripe.paymentIntents.retrieve(error.payment_intent!.id);
    expect(intent.status).toBe("requires_payment_method");
    expect((await f.stripe.charges.retrieve(intent.latest_charge as string)).status).toBe("failed");
    // A retry with the same key answers the same 402 and charges nothing more.
    const again = await cardError(offSession(pm.id, {}, "topup:declined"));
    expect(again.payment_intent!.id).toBe(intent.id);
    await f.sim.settled();
    expect(f.receiver.types()).toEqual(["payment_intent.created", "charge.failed", "payment_intent.payment_failed"]);
  });

  it("authentication required off session: 402 authentication_required, requires_payment_method", async () => {
    const pm = await f.stripe.paymentMethods.attach("pm_card_authenticationRequired", { customer: customerId() });
    await f.sim.settled();
    f.receiver.clear();
    const error = await cardError(offSession(pm.id));
    expect(error.code).toBe("authentication_required");
    expect(error.payment_intent).toMatchObject({
      status: "requires_payment_method",
      last_payment_error: { code: "authentication_required", decline_code: "authentication_required" },
    });
    await f.sim.settled();
    expect(f.receiver.types()).toEqual(["payment_intent.created", "charge.failed", "payment_intent.payment_failed"]);
  });

  it("authentication required on session: requires_action with next_action; the 3-D Secure page completes it", async () => {
    const pm = await f.stripe.paymentMethods.attach("pm_card_authenticationRequired", { customer: customerId() });
    await f.sim.settled();
    f.receiver.clear();
    const intent = await offSession(pm.id, { off_session: undefined, return_url: "http://app.test/back" });
    expect(intent.status).toBe("requires_action");
    expect(intent.next_action?.type).toBe("redirect_to_url");
    expect(intent.latest_charge).toBeNull();
    const url = intent.next_action!.redirect_to_url!.url!;
    expect(await (await fetch(url)).text()).toContain("Complete authentication");
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "result=succeeded",
      redirect: "manual",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`http://app.test/back?payment_intent=${intent.id}`);
    expect((await f.stripe.paymentIntents.retrieve(intent.id)).status).toBe("succeeded");
    await f.sim.settled();
    expect(f.receiver.types()).toEqual([
      "payment_intent.created",
      "payment_intent.requires_action",
      "payment_intent.succeeded",
      "charge.succeeded",
    ]);
  });

  it("a failed authentication (control API) leaves the intent requires_payment_method", async () => {
    const pm = await f.stripe.paymentMethods.attach("pm_card_authenticationRequired", { customer: customerId() });
    const intent = await offSession(pm.id, { off_session: undefined });
    const res = await fetch(`${f.sim.url}/_simulator/payment_intents/${intent.id}/authenticate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ result: "failed" }),
    });
    expect(res.status).toBe(200);
    expect(await f.stripe.paymentIntents.retrieve(intent.id)).toMatchObject({
      status: "requires_payment_method",
      last_payment_error: { code: "payment_intent_authentication_failure" },
      next_action: null,
    });
  });

  it("cancel: a requires_action intent is canceled (payment_intent.canceled); a succeeded one cannot be", async () => {
    const pm = await f.stripe.paymentMethods.attach("pm_card_authenticationRequired", { customer: customerId() });
    const intent = await offSession(pm.id, { off_session: undefined });
    expect(intent.next_action?.type).toBe("use_stripe_sdk");
    const canceled = await f.stripe.paymentIntents.cancel(intent.id, { cancellation_reason: "abandoned" });
    expect(canceled).toMatchObject({ status: "canceled", cancellation_reason: "abandoned", next_action: null });
    expect(canceled.canceled_at).toEqual(expect.any(Number));
    const visa = await f.stripe.paymentMethods.attach("pm_card_visa", { customer: customerId() });
    const paid = await offSession(visa.id);
    await expect(f.stripe.paymentIntents.cancel(paid.id)).rejects.toThrow(/status of succeeded/);
    await f.sim.settled();
    expect(f.receiver.types()).toContain("payment_intent.canceled");
  });

  it("refuses what Stripe refuses: off_session without confirm, another customer's card, a tiny amount", async () => {
    const pm = await f.stripe.paymentMethods.attach("pm_card_visa", { customer: customerId() });
    await expect(offSession(pm.id, { confirm: false })).rejects.toThrow(/off_session/);
    const other = await f.stripe.customers.create({ email: "x@example.com" });
    await expect(offSession(pm.id, { customer: other.id })).rejects.toThrow(/belongs to customer/);
    await expect(offSession(pm.id, { amount: 10 })).rejects.toThrow(/at least 50/);
    await expect(offSession("pm_nope")).rejects.toThrow(/No such PaymentMethod/);
    // A test PaymentMethod id pays directly, as in test mode (no customer needed).
    const direct = await offSession("pm_card_visa", { customer: undefined });
    expect(direct.status).toBe("succeeded");
  });
});

// The /v1 API through the real stripe SDK: shapes, errors, idempotency, lists and expansion.
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startStripeSimulator } from "./server";
import { seedCatalog, startSimulatorFixture, type SimulatorFixture } from "./testing";

let f: SimulatorFixture;
beforeAll(async () => {
  f = await startSimulatorFixture({ webhookUrl: null });
});
afterAll(() => f.close());
beforeEach(() => f.sim.reset());

async function stripeError(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error("expected a StripeError");
}

describe("starting", () => {
  it("binds 127.0.0.1 and refuses production and live keys", async () => {
    expect(f.sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(startStripeSimulator({ secretKey: "sk_live_abc" })).rejects.toThrow(/live key/);
    const previous = process.env.NODE_ENV;
    (process.env as Record<string, string | undefined>).NODE_ENV = "production";
    try {
      await expect(startStripeSimulator()).rejects.toThrow(/production/);
    } finally {
      (process.env as Record<string, string | undefined>).NODE_ENV = previous;
    }
  });
});

describe("auth and protocol", () => {
  it("waits latencyMs before answering", async () => {
    const slow = await startStripeSimulator({ latencyMs: 80 });
    try {
      const client = new Stripe("sk_test_x", { ...slow.stripeConfig });
      const started = Date.now();
      await client.customers.list();
      expect(Date.now() - started).toBeGreaterThanOrEqual(75);
    } finally {
      await slow.close();
    }
  });

  it("answers 401 without a key, with a wrong key and with a live key", async () => {
    const none = await fetch(`${f.sim.url}/v1/customers`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(/did not provide an API key/);
    const live = new Stripe("sk_live_nope", { ...f.sim.stripeConfig });
    const err = await stripeError(live.customers.list());
    expect(err.statusCode).toBe(401);
    expect(err.type).toBe("StripeAuthenticationError");
    const only = await startStripeSimulator({ secretKey: "sk_test_only" });
    try {
      const other = new Stripe("sk_test_other", { ...only.stripeConfig });
      expect((await stripeError(other.customers.list())).statusCode).toBe(401);
      const right = new Stripe("sk_test_only", { ...only.stripeConfig });
      expect((await right.customers.list()).object).toBe("list");
    } finally {
      await only.close();
    }
  });

  it("echoes Stripe-Version and a Request-Id, and records requests with their idempotency keys", async () => {
    const { lastResponse } = await f.stripe.customers.create({ email: "x@example.com" });
    expect(lastResponse.apiVersion).toBe("2026-10-28.endive");
    expect(lastResponse.requestId).toMatch(/^req_/);
    const recorded = f.sim.requests.at(-1)!;
    expect(recorded).toMatchObject({
      method: "POST",
      path: "/v1/customers",
      params: { email: "x@example.com" },
      status: 200,
    });
    expect(recorded.idempotencyKey).toMatch(/^stripe-node-retry-/);
    const bad = await fetch(`${f.sim.url}/v1/customers`, {
      headers: { authorization: "Bearer sk_test_x", "stripe-version": "yesterday" },
    });
    expect(bad.status).toBe(400);
  });

  it("404s an unknown route and 400s an unknown parameter, like Stripe", async () => {
    const res = await fetch(`${f.sim.url}/v1/nothing_here`, { headers: { authorization: "Bearer sk_test_x" } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/Unrecognized request URL/);
    const err = await stripeError(
      f.stripe.customers.create({ emial: "typo@example.com" } as Stripe.CustomerCreateParams),
    );
    expect(err).toMatchObject({ statusCode: 400, code: "parameter_unknown", param: "emial" });
  });
});

describe("products and prices", () => {
  it("creates, retrieves, updates and lists products", async () => {
    const product = await f.stripe.products.create({ name: "Pro", metadata: { plan: "pro" } });
    expect(product).toMatchObject({
      object: "product",
      name: "Pro",
      active: true,
      livemode: false,
      metadata: { plan: "pro" },
    });
    expect(product.id).toMatch(/^prod_/);
    expect(product.created).toBeGreaterThan(1_700_000_000);
    const updated = await f.stripe.products.update(product.id, { name: "Pro plan", metadata: { plan: "", tier: "2" } });
    expect(updated).toMatchObject({ name: "Pro plan", metadata: { tier: "2" } });
    expect((await f.stripe.products.retrieve(product.id)).name).toBe("Pro plan");
    await f.stripe.products.update(product.id, { active: false });
    expect((await f.stripe.products.list({ active: true })).data).toHaveLength(0);
    expect((await f.stripe.products.list({ active: false })).data.map((p) => p.id)).toEqual([product.id]);
    const missing = await stripeError(f.stripe.products.retrieve("prod_missing"));
    expect(missing).toMatchObject({
      statusCode: 404,
      code: "resource_missing",
      message: "No such product: 'prod_missing'",
    });
    expect(await stripeError(f.stripe.products.create({} as Stripe.ProductCreateParams))).toMatchObject({
      statusCode: 400,
      code: "parameter_missing",
      param: "name",
    });
  });

  it("creates recurring and one-time prices, finds them by lookup key and expands the product", async () => {
    const { basic, pack } = await seedCatalog(f.stripe);
    expect(basic).toMatchObject({
      object: "price",
      type: "recurring",
      unit_amount: 1000,
      currency: "usd",
      lookup_key: "plan_basic",
      active: true,
    });
    expect(basic.recurring).toMatchObject({ interval: "month", interval_count: 1 });
    expect(basic.unit_amount_decimal?.toString()).toBe("1000");
    expect(pack).toMatchObject({ type: "one_time", recurring: null });
    const found = await f.stripe.prices.list({ lookup_keys: ["plan_basic", "pack_starter"], expand: ["data.product"] });
    expect(found.data.map((p) => p.lookup_key).sort()).toEqual(["pack_starter", "plan_basic"]);
    expect((found.data[0]!.product as Stripe.Product).object).toBe("product");
    expect((await f.stripe.prices.list({ type: "one_time" })).data.map((p) => p.id)).toEqual([pack.id]);
    expect((await f.stripe.prices.list({ product: basic.product as string })).data.map((p) => p.id)).toEqual([
      basic.id,
    ]);
  });

  it("keeps lookup keys unique: a taken key is refused unless transferred", async () => {
    const { basic } = await seedCatalog(f.stripe);
    const taken = await stripeError(
      f.stripe.prices.create({
        currency: "usd",
        unit_amount: 1200,
        product: basic.product as string,
        recurring: { interval: "month" },
        lookup_key: "plan_basic",
      }),
    );
    expect(taken).toMatchObject({ statusCode: 400, param: "lookup_key" });
    const moved = await f.stripe.prices.create({
      currency: "usd",
      unit_amount: 1200,
      product: basic.product as string,
      recurring: { interval: "month" },
      lookup_key: "plan_basic",
      transfer_lookup_key: true,
    });
    expect(moved.lookup_key).toBe("plan_basic");
    expect((await f.stripe.prices.retrieve(basic.id)).lookup_key).toBeNull();
    const list = await f.stripe.prices.list({ lookup_keys: ["plan_basic"] });
    expect(list.data.map((p) => p.id)).toEqual([moved.id]);
    // Transfer on update too, and deactivation.
    const back = await f.stripe.prices.update(basic.id, {
      lookup_key: "plan_basic",
      transfer_lookup_key: true,
      active: false,
    });
    expect(back).toMatchObject({ lookup_key: "plan_basic", active: false });
    expect((await f.stripe.prices.retrieve(moved.id)).lookup_key).toBeNull();
    expect((await f.stripe.prices.list({ active: true, lookup_keys: ["plan_basic"] })).data).toHaveLength(0);
  });

  it("refuses to change an amount on update (prices are immutable)", async () => {
    const { basic } = await seedCatalog(f.stripe);
    const err = await stripeError(f.stripe.prices.update(basic.id, { unit_amount: 5 } as Stripe.PriceUpdateParams));
    expect(err).toMatchObject({ statusCode: 400, code: "parameter_unknown", param: "unit_amount" });
    expect(await stripeError(f.stripe.prices.create({ currency: "usd", unit_amount: 100 }))).toMatchObject({
      statusCode: 400,
      param: "product",
    });
    expect(
      await stripeError(f.stripe.prices.create({ currency: "usd", unit_amount: 100, product: "prod_nope" })),
    ).toMatchObject({ statusCode: 400, code: "resource_missing", param: "product" });
  });
});

describe("customers", () => {
  it("creates, updates, lists by email and searches by metadata", async () => {
    const a = await f.stripe.customers.create({ email: "a@example.com", name: "A", metadata: { userId: "u_a" } });
    const b = await f.stripe.customers.create({ email: "b@example.com", metadata: { userId: "u_b" } });
    expect(a).toMatchObject({
      object: "customer",
      email: "a@example.com",
      balance: 0,
      livemode: false,
      metadata: { userId: "u_a" },
    });
    expect(a.id).toMatch(/^cus_/);
    expect((await f.stripe.customers.update(b.id, { name: "B" })).name).toBe("B");
    expect((await f.stripe.customers.list({ email: "b@example.com" })).data.map((c) => c.id)).toEqual([b.id]);
    const found = await f.stripe.customers.search({ query: "metadata['userId']:'u_a'" });
    expect(found.object).toBe("search_result");
    expect(found.data.map((c) => c.id)).toEqual([a.id]);
    expect(
      (await f.stripe.customers.search({ query: "email:'b@example.com' AND metadata['userId']:'u_b'" })).data.map(
        (c) => c.id,
      ),
    ).toEqual([b.id]);
    expect((await f.stripe.customers.search({ query: "metadata['userId']:'nobody'" })).data).toEqual([]);
    expect((await stripeError(f.stripe.customers.search({ query: "nonsense" }))).statusCode).toBe(400);
  });

  it("paginates newest first with limit, starting_after and ending_before, and auto-pagination", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await f.stripe.customers.create({ email: `p${i}@example.com` })).id);
    const first = await f.stripe.customers.list({ limit: 2 });
    expect(first).toMatchObject({ object: "list", has_more: true, url: "/v1/customers" });
    expect(first.data.map((c) => c.id)).toEqual([ids[4], ids[3]]);
    const second = await f.stripe.customers.list({ limit: 2, starting_after: ids[3] });
    expect(second.data.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    const last = await f.stripe.customers.list({ limit: 2, starting_after: ids[1] });
    expect(last).toMatchObject({ has_more: false });
    expect(last.data.map((c) => c.id)).toEqual([ids[0]]);
    const before = await f.stripe.customers.list({ limit: 2, ending_before: ids[1] });
    expect(before.data.map((c) => c.id)).toEqual([ids[3], ids[2]]);
    const all: string[] = [];
    for await (const c of f.stripe.customers.list({ limit: 2 })) all.push(c.id);
    expect(all).toEqual([...ids].reverse());
    expect((await stripeError(f.stripe.customers.list({ limit: 101 }))).param).toBe("limit");
    const created = ((await f.stripe.customers.retrieve(ids[0]!)) as Stripe.Customer).created;
    expect((await f.stripe.customers.list({ created: { gte: created }, limit: 100 })).data).toHaveLength(5);
    expect((await f.stripe.customers.list({ created: { lt: created } })).data).toHaveLength(0);
    expect((await f.stripe.customers.list({ created: { gt: created + 3600 } })).data).toHaveLength(0);
  });
});

describe("idempotency", () => {
  it("replays the first response for the same key and params, and refuses other params", async () => {
    const a = await f.stripe.customers.create({ email: "same@example.com" }, { idempotencyKey: "customer-u1" });
    const b = await f.stripe.customers.create({ email: "same@example.com" }, { idempotencyKey: "customer-u1" });
    expect(b.id).toBe(a.id);
    expect(b.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect(f.sim.objects("customer")).toHaveLength(1);
    expect(f.sim.events.filter((e) => e.type === "customer.created")).toHaveLength(1);
    const err = await stripeError(
      f.stripe.customers.create({ email: "other@example.com" }, { idempotencyKey: "customer-u1" }),
    );
    expect(err).toMatchObject({ statusCode: 400, type: "StripeIdempotencyError" });
    expect(err.message).toMatch(/same parameters/);
  });

  it("creates one object for concurrent requests with the same key", async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        f.stripe.customers.create({ email: "race@example.com" }, { idempotencyKey: "race-key" }),
      ),
    );
    expect(new Set(results.map((c) => c.id)).size).toBe(1);
    expect(f.sim.objects("customer")).toHaveLength(1);
    expect(f.sim.requests.filter((r) => r.replayed)).toHaveLength(9);
  });

  it("does not save a request rejected by validation", async () => {
    expect(
      (await stripeError(f.stripe.products.create({} as Stripe.ProductCreateParams, { idempotencyKey: "k1" })))
        .statusCode,
    ).toBe(400);
    const product = await f.stripe.products.create({ name: "Now valid" }, { idempotencyKey: "k1" });
    expect(product.name).toBe("Now valid");
  });
});

describe("checkout sessions", () => {
  it("creates a subscription session with Stripe's fields and validates its input", async () => {
    const { basic, pack, customer } = await seedCatalog(f.stripe);
    const session = await f.stripe.checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      line_items: [{ price: basic.id, quantity: 1 }],
      success_url: "http://app.test/ok?session_id={CHECKOUT_SESSION_ID}",
      cancel_url: "http://app.test/cancel",
      client_reference_id: "user_1",
      metadata: { userId: "user_1" },
      subscription_data: { metadata: { userId: "user_1" } },
    });
    expect(session).toMatchObject({
      object: "checkout.session",
      mode: "subscription",
      status: "open",
      payment_status: "unpaid",
      customer: customer.id,
      amount_total: 1000,
      currency: "usd",
      client_reference_id: "user_1",
      metadata: { userId: "user_1" },
      subscription: null,
      success_url: "http://app.test/ok?session_id={CHECKOUT_SESSION_ID}",
      livemode: false,
    });
    expect(session.id).toMatch(/^cs_test_/);
    expect(session.url).toBe(`${f.sim.url}/c/pay/${session.id}`);
    expect(session.line_items).toBeUndefined();
    const expanded = await f.stripe.checkout.sessions.retrieve(session.id, { expand: ["line_items", "customer"] });
    expect(expanded.line_items!.data[0]).toMatchObject({
      object: "item",
      quantity: 1,
      amount_total: 1000,
      price: { id: basic.id },
      description: "Basic",
    });
    expect((expanded.customer as Stripe.Customer).email).toBe("ada@example.com");
    const items = await f.stripe.checkout.sessions.listLineItems(session.id);
    expect(items.data.map((i) => i.price!.id)).toEqual([basic.id]);

    const errors = await Promise.all([
      stripeError(
        f.stripe.checkout.sessions.create({
          mode: "payment",
          line_items: [{ price: basic.id, quantity: 1 }],
          success_url: "http://a.test",
        }),
      ),
      stripeError(
        f.stripe.checkout.sessions.create({
          mode: "subscription",
          line_items: [{ price: "price_nope", quantity: 1 }],
          success_url: "http://a.test",
        }),
      ),
      stripeError(
        f.stripe.checkout.sessions.create({
          mode: "subscription",
          line_items: [{ price: basic.id }],
          success_url: "http://a.test",
        }),
      ),
      stripeError(
        f.stripe.checkout.sessions.create({
          line_items: [{ price: pack.id, quantity: 1 }],
        } as Stripe.Checkout.SessionCreateParams),
      ),
      stripeError(
        f.stripe.checkout.sessions.create({
          mode: "payment",
          customer: "cus_nope",
          line_items: [{ price: pack.id, quantity: 1 }],
        }),
      ),
    ]);
    expect(errors.map((e) => [e.statusCode, e.param])).toEqual([
      [400, "line_items[0][price]"],
      [400, "line_items[0][price]"],
      [400, "line_items[0][quantity]"],
      [400, "mode"],
      [400, "customer"],
    ]);
    expect(errors[1]!.code).toBe("resource_missing");
  });

  it("refuses an inactive price, lists sessions by customer and expires a session", async () => {
    const { pack, customer } = await seedCatalog(f.stripe);
    const session = await f.stripe.checkout.sessions.create({
      mode: "payment",
      customer: customer.id,
      line_items: [{ price: pack.id, quantity: 2 }],
      success_url: "http://a.test/ok",
    });
    expect(session.amount_total).toBe(1000);
    expect((await f.stripe.checkout.sessions.list({ customer: customer.id })).data.map((s) => s.id)).toEqual([
      session.id,
    ]);
    const expired = await f.stripe.checkout.sessions.expire(session.id);
    expect(expired).toMatchObject({ status: "expired", url: null });
    expect(f.sim.events.at(-1)!.type).toBe("checkout.session.expired");
    await f.stripe.prices.update(pack.id, { active: false });
    const err = await stripeError(
      f.stripe.checkout.sessions.create({
        mode: "payment",
        line_items: [{ price: pack.id, quantity: 1 }],
        success_url: "http://a.test",
      }),
    );
    expect(err.message).toMatch(/inactive/);
  });
});

describe("subscriptions, invoices, payments", () => {
  it("has current-API shapes after a paid subscription checkout", async () => {
    const { pro, customer } = await seedCatalog(f.stripe);
    const session = await f.stripe.checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      line_items: [{ price: pro.id, quantity: 1 }],
      success_url: "http://a.test/ok",
      subscription_data: { metadata: { userId: "user_1" } },
    });
    f.sim.completeCheckout(session.id, "paid");
    const done = await f.stripe.checkout.sessions.retrieve(session.id, { expand: ["subscription.latest_invoice"] });
    expect(done).toMatchObject({ status: "complete", payment_status: "paid" });
    const sub = done.subscription as Stripe.Subscription;
    expect(done.invoice).toBe((sub.latest_invoice as Stripe.Invoice).id);
    expect(sub).toMatchObject({
      object: "subscription",
      status: "active",
      customer: customer.id,
      cancel_at_period_end: false,
      metadata: { userId: "user_1" },
    });
    const item = sub.items.data[0]!;
    expect(item.price.id).toBe(pro.id);
    expect(item.current_period_end).toBeGreaterThan(item.current_period_start);
    const start = new Date(item.current_period_start * 1000);
    const end = new Date(item.current_period_end * 1000);
    expect(end.getUTCMonth()).toBe((start.getUTCMonth() + 1) % 12);
    const invoice = sub.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({
      object: "invoice",
      billing_reason: "subscription_create",
      status: "paid",
      amount_paid: 3000,
      amount_due: 3000,
      customer: customer.id,
    });
    expect(invoice.parent).toMatchObject({
      type: "subscription_details",
      subscription_details: { subscription: sub.id, metadata: { userId: "user_1" } },
    });
    const line = invoice.lines.data[0]!;
    expect(line.pricing).toMatchObject({
      type: "price_details",
      price_details: { price: pro.id, product: pro.product },
    });
    expect(line.period).toEqual({ start: item.current_period_start, end: item.current_period_end });
    expect(line.amount).toBe(3000);
    expect((await f.stripe.invoices.listLineItems(invoice.id)).data.map((l) => l.id)).toEqual([line.id]);

    const withPayments = await f.stripe.invoices.retrieve(invoice.id, { expand: ["payments"] });
    const intentId = withPayments.payments!.data[0]!.payment.payment_intent as string;
    const intent = await f.stripe.paymentIntents.retrieve(intentId, { expand: ["latest_charge"] });
    expect(intent).toMatchObject({ status: "succeeded", amount: 3000, amount_received: 3000 });
    expect(intent.latest_charge as Stripe.Charge).toMatchObject({ status: "succeeded", paid: true, amount: 3000 });
    // From a charge back to its invoice: charge → payment_intent → GET /v1/invoice_payments.
    const byIntent = await f.stripe.invoicePayments.list({
      payment: { type: "payment_intent", payment_intent: intentId },
    });
    expect(byIntent.data.map((p) => [p.invoice, p.status, p.amount_paid])).toEqual([[invoice.id, "paid", 3000]]);
    expect((await f.stripe.invoicePayments.retrieve(byIntent.data[0]!.id)).id).toBe(byIntent.data[0]!.id);
    expect((await f.stripe.invoicePayments.list({ invoice: invoice.id })).data.map((p) => p.id)).toEqual([
      byIntent.data[0]!.id,
    ]);
    expect(
      (await f.stripe.invoicePayments.list({ payment: { type: "payment_intent", payment_intent: "pi_none" } })).data,
    ).toEqual([]);
    await expect(f.stripe.invoicePayments.retrieve("inpay_none")).rejects.toMatchObject({ statusCode: 404 });

    expect((await f.stripe.subscriptions.list({ customer: customer.id })).data.map((s) => s.id)).toEqual([sub.id]);
    expect((await f.stripe.invoices.list({ subscription: sub.id })).data.map((i) => i.id)).toEqual([invoice.id]);
    expect((await f.stripe.invoices.list({ customer: customer.id })).data).toHaveLength(1);
    expect((await f.stripe.charges.list({ customer: customer.id })).data).toHaveLength(1);
    expect((await f.stripe.checkout.sessions.list({ subscription: sub.id })).data.map((s) => s.id)).toEqual([
      session.id,
    ]);
    expect(
      (await f.stripe.subscriptions.retrieve(sub.id, { expand: ["items.data.price.product"] })).items.data[0]!.price
        .product,
    ).toMatchObject({ name: "Pro" });
  });

  it("switches plans with proration, cancels at period end and undoes it, cancels now", async () => {
    const { basic, pro, customer } = await seedCatalog(f.stripe);
    const session = await f.stripe.checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      line_items: [{ price: basic.id, quantity: 1 }],
      success_url: "http://a.test",
    });
    const subId = f.sim.completeCheckout(session.id).subscription!;
    const sub = await f.stripe.subscriptions.retrieve(subId);
    const itemId = sub.items.data[0]!.id;
    const switched = await f.stripe.subscriptions.update(subId, {
      items: [{ id: itemId, price: pro.id }],
      proration_behavior: "always_invoice",
    });
    expect(switched.items.data).toHaveLength(1);
    expect(switched.items.data[0]).toMatchObject({ id: itemId, price: { id: pro.id } });
    expect(switched.items.data[0]!.current_period_end).toBe(sub.items.data[0]!.current_period_end);
    const proration = await f.stripe.invoices.retrieve(switched.latest_invoice as string);
    expect(proration).toMatchObject({ billing_reason: "subscription_update", status: "paid" });
    // Switched right after the start: almost the whole period is credited and charged.
    expect(proration.lines.data.map((l) => l.amount)).toEqual([-1000, 3000].map((a) => expect.closeTo(a, -1)));
    expect(proration.amount_paid).toBe(proration.lines.data.reduce((s, l) => s + l.amount, 0));

    const canceling = await f.stripe.subscriptions.update(subId, { cancel_at_period_end: true });
    expect(canceling).toMatchObject({
      cancel_at_period_end: true,
      status: "active",
      cancel_at: sub.items.data[0]!.current_period_end,
    });
    expect(canceling.canceled_at).not.toBeNull();
    const renewed = await f.stripe.subscriptions.update(subId, {
      cancel_at_period_end: false,
      metadata: { note: "kept" },
    });
    expect(renewed).toMatchObject({
      cancel_at_period_end: false,
      cancel_at: null,
      canceled_at: null,
      metadata: { note: "kept" },
    });

    expect(await stripeError(f.stripe.subscriptions.update(subId, { trial_end: "now" }))).toMatchObject({
      statusCode: 400,
      param: "trial_end",
    });
    expect(
      await stripeError(f.stripe.subscriptions.update(subId, { items: [{ id: itemId, price: "price_nope" }] })),
    ).toMatchObject({ statusCode: 400, code: "resource_missing" });

    const canceled = await f.stripe.subscriptions.cancel(subId);
    expect(canceled).toMatchObject({ status: "canceled" });
    expect(canceled.ended_at).not.toBeNull();
    expect((await f.stripe.subscriptions.list({ customer: customer.id })).data).toHaveLength(0);
    expect((await f.stripe.subscriptions.list({ customer: customer.id, status: "all" })).data.map((s) => s.id)).toEqual(
      [subId],
    );
    expect((await f.stripe.subscriptions.list({ customer: customer.id, status: "canceled" })).data).toHaveLength(1);
    expect((await stripeError(f.stripe.subscriptions.cancel(subId))).statusCode).toBe(400);
    expect((await stripeError(f.stripe.subscriptions.retrieve("sub_nope"))).statusCode).toBe(404);
  });

  it("refunds a pack's charge in parts, up to what remains, by charge or payment intent", async () => {
    const { pack, customer } = await seedCatalog(f.stripe);
    const session = await f.stripe.checkout.sessions.create({
      mode: "payment",
      customer: customer.id,
      line_items: [{ price: pack.id, quantity: 1 }],
      success_url: "http://a.test",
      payment_intent_data: { metadata: { pack: "starter" } },
    });
    const intentId = f.sim.completeCheckout(session.id).payment_intent!;
    const intent = await f.stripe.paymentIntents.retrieve(intentId);
    expect(intent).toMatchObject({ status: "succeeded", metadata: { pack: "starter" }, customer: customer.id });
    const chargeId = intent.latest_charge as string;
    expect((await f.stripe.charges.retrieve(chargeId)).metadata).toEqual({ pack: "starter" });
    const part = await f.stripe.refunds.create({ charge: chargeId, amount: 200 });
    expect(part).toMatchObject({
      object: "refund",
      amount: 200,
      status: "succeeded",
      charge: chargeId,
      payment_intent: intentId,
    });
    expect(await stripeError(f.stripe.refunds.create({ charge: chargeId, amount: 400 }))).toMatchObject({
      statusCode: 400,
      param: "amount",
    });
    const rest = await f.stripe.refunds.create({ payment_intent: intentId });
    expect(rest.amount).toBe(300);
    const charge = await f.stripe.charges.retrieve(chargeId, { expand: ["refunds"] });
    expect(charge).toMatchObject({ amount_refunded: 500, refunded: true });
    expect(charge.refunds!.data.map((r) => r.amount)).toEqual([300, 200]);
    expect(await stripeError(f.stripe.refunds.create({ charge: chargeId }))).toMatchObject({
      code: "charge_already_refunded",
    });
    expect((await f.stripe.refunds.list({ charge: chargeId })).data).toHaveLength(2);
    expect((await f.stripe.checkout.sessions.list({ payment_intent: intentId })).data.map((s) => s.id)).toEqual([
      session.id,
    ]);
    expect((await f.stripe.paymentIntents.list({ customer: customer.id })).data.map((p) => p.id)).toEqual([intentId]);
    expect(await stripeError(f.stripe.paymentIntents.retrieve("pi_missing"))).toMatchObject({
      statusCode: 404,
      code: "resource_missing",
    });
  });

  it("lists and retrieves events and disputes", async () => {
    const { pack, customer } = await seedCatalog(f.stripe);
    const session = await f.stripe.checkout.sessions.create({
      mode: "payment",
      customer: customer.id,
      line_items: [{ price: pack.id, quantity: 1 }],
      success_url: "http://a.test",
    });
    const intent = await f.stripe.paymentIntents.retrieve(f.sim.completeCheckout(session.id).payment_intent!);
    const dispute = f.sim.createDispute(intent.latest_charge as string);
    expect((await f.stripe.disputes.retrieve(dispute.id)).status).toBe("needs_response");
    expect((await f.stripe.disputes.list({ charge: intent.latest_charge as string })).data).toHaveLength(1);
    const events = await f.stripe.events.list({ limit: 3 });
    expect(events.data.map((e) => e.type)).toEqual([
      "charge.dispute.created",
      "checkout.session.completed",
      "charge.succeeded",
    ]);
    const completed = await f.stripe.events.retrieve(events.data[1]!.id);
    expect((completed.data.object as Stripe.Checkout.Session).id).toBe(session.id);
    expect((await f.stripe.events.list({ type: "price.*" })).data).toHaveLength(3);
    expect((await f.stripe.events.list({ types: ["customer.created", "charge.succeeded"] })).data).toHaveLength(2);
  });
});

describe("billing portal", () => {
  it("creates portal sessions and configurations, validating flows", async () => {
    const { basic, pro, customer } = await seedCatalog(f.stripe);
    const session = await f.stripe.checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      line_items: [{ price: basic.id, quantity: 1 }],
      success_url: "http://a.test",
    });
    const subId = f.sim.completeCheckout(session.id).subscription!;
    const sub = await f.stripe.subscriptions.retrieve(subId);
    const portal = await f.stripe.billingPortal.sessions.create({
      customer: customer.id,
      return_url: "http://app.test/settings",
    });
    expect(portal).toMatchObject({
      object: "billing_portal.session",
      customer: customer.id,
      return_url: "http://app.test/settings",
      flow: null,
      livemode: false,
    });
    expect(portal.url).toBe(`${f.sim.url}/p/session/${portal.id}`);
    const configs = await f.stripe.billingPortal.configurations.list();
    expect(configs.data).toHaveLength(1);
    expect(configs.data[0]).toMatchObject({ is_default: true, id: portal.configuration });

    const confirm = await f.stripe.billingPortal.sessions.create({
      customer: customer.id,
      return_url: "http://app.test/settings",
      flow_data: {
        type: "subscription_update_confirm",
        subscription_update_confirm: { subscription: subId, items: [{ id: sub.items.data[0]!.id, price: pro.id }] },
        after_completion: { type: "redirect", redirect: { return_url: "http://app.test/settings?updated=1" } },
      },
    });
    expect(confirm.flow).toMatchObject({
      type: "subscription_update_confirm",
      after_completion: { type: "redirect", redirect: { return_url: "http://app.test/settings?updated=1" } },
    });
    const other = await f.stripe.customers.create({ email: "other@example.com" });
    const errors = await Promise.all([
      stripeError(
        f.stripe.billingPortal.sessions.create({
          customer: other.id,
          flow_data: { type: "subscription_update", subscription_update: { subscription: subId } },
        }),
      ),
      stripeError(f.stripe.billingPortal.sessions.create({ customer: "cus_nope" })),
      stripeError(f.stripe.billingPortal.sessions.create({} as Stripe.BillingPortal.SessionCreateParams)),
    ]);
    expect(errors.map((e) => e.statusCode)).toEqual([400, 400, 400]);

    const config = await f.stripe.billingPortal.configurations.create({
      features: {
        subscription_update: {
          enabled: true,
          default_allowed_updates: ["price"],
          proration_behavior: "none",
          products: [{ product: pro.product as string, prices: [pro.id] }],
        },
      },
      business_profile: { headline: "Tollgate" },
    });
    expect(config.features.subscription_update).toMatchObject({
      enabled: true,
      proration_behavior: "none",
      products: [{ product: pro.product, prices: [pro.id] }],
    });
    const updated = await f.stripe.billingPortal.configurations.update(config.id, {
      features: { subscription_cancel: { enabled: false } },
    });
    expect(updated.features.subscription_cancel.enabled).toBe(false);
    expect(updated.features.subscription_update.proration_behavior).toBe("none");
  });
});

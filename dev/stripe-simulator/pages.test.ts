// Hosted pages driven like a browser without JavaScript (form posts, redirects), and the HTTP
// control API.
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

function post(url: string, fields: Record<string, string>) {
  return fetch(url, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });
}

async function control(path: string, body?: unknown, method = body === undefined ? "GET" : "POST") {
  const res = await fetch(`${f.sim.url}/_simulator${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The `action` and hidden fields of the form holding the button labelled `label`. */
function formWith(html: string, label: string): { action: string; fields: Record<string, string> } {
  const forms = html.split("<form").slice(1);
  const form = forms.find((fm) => fm.includes(label));
  if (!form) throw new Error(`no form with "${label}"`);
  const action = /action="([^"]+)"/.exec(form)![1]!;
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[m[1]!] = m[2]!;
  return { action, fields };
}

async function subscription(price = catalog.basic.id) {
  const session = await f.stripe.checkout.sessions.create({
    mode: "subscription",
    customer: catalog.customer.id,
    line_items: [{ price, quantity: 1 }],
    success_url: "http://a.test",
  });
  const subscriptionId = f.sim.completeCheckout(session.id).subscription!;
  await f.sim.settled();
  f.receiver.clear();
  return f.stripe.subscriptions.retrieve(subscriptionId);
}

describe("checkout page", () => {
  it("shows the line items and total, and Pay redirects to success_url with the session id", async () => {
    const session = await f.stripe.checkout.sessions.create({
      mode: "payment",
      customer: catalog.customer.id,
      line_items: [{ price: catalog.pack.id, quantity: 2 }],
      success_url: "http://app.test/settings?checkout=success&session_id={CHECKOUT_SESSION_ID}",
      cancel_url: "http://app.test/settings?checkout=cancel",
    });
    const page = await fetch(session.url!);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain("Starter pack");
    expect(html).toContain("$10.00");
    expect(html).toContain('<a href="http://app.test/settings?checkout=cancel">Cancel and return</a>');
    expect(html).toMatch(/<button type="submit" class="primary" name="outcome" value="paid">Pay \$10\.00<\/button>/);
    expect(html).not.toContain("<script");

    const paid = await post(session.url!, { outcome: "paid" });
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toBe(`http://app.test/settings?checkout=success&session_id=${session.id}`);
    await f.sim.settled();
    expect(f.receiver.types()).toEqual(["payment_intent.succeeded", "charge.succeeded", "checkout.session.completed"]);
    const again = await fetch(session.url!);
    expect(await again.text()).toContain("already complete");
    const intent = await f.stripe.paymentIntents.retrieve(
      (await f.stripe.checkout.sessions.retrieve(session.id)).payment_intent as string,
      { expand: ["latest_charge"] },
    );
    const receipt = await fetch((intent.latest_charge as Stripe.Charge).receipt_url!);
    expect(await receipt.text()).toContain("$10.00");
  });

  it("a declined card shows an alert and keeps the session open; a delayed method completes unpaid", async () => {
    const session = await f.stripe.checkout.sessions.create({
      mode: "subscription",
      customer: catalog.customer.id,
      line_items: [{ price: catalog.pro.id, quantity: 1 }],
      success_url: "http://app.test/ok",
    });
    const declined = await post(session.url!, { outcome: "declined" });
    expect(declined.status).toBe(402);
    expect(await declined.text()).toMatch(/role="alert">Your card was declined\./);
    expect((await f.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
    const delayed = await post(session.url!, { outcome: "async_success" });
    expect(delayed.status).toBe(303);
    expect((await f.stripe.checkout.sessions.retrieve(session.id)).payment_status).toBe("unpaid");
    expect((await post(session.url!, { outcome: "bogus" })).status).toBe(400);
    expect((await fetch(`${f.sim.url}/c/pay/cs_test_missing`)).status).toBe(404);
  });
});

describe("portal page", () => {
  it("switches plan with a form post, then cancels at period end and renews", async () => {
    const sub = await subscription();
    await f.stripe.prices.create({
      currency: "usd",
      unit_amount: 30000,
      recurring: { interval: "year" },
      product_data: { name: "Pro yearly" },
    });
    await f.sim.settled();
    f.receiver.clear();
    const portal = await f.stripe.billingPortal.sessions.create({
      customer: catalog.customer.id,
      return_url: "http://app.test/settings",
    });
    const html = await (await fetch(portal.url)).text();
    expect(html).not.toContain("Pro yearly");
    expect(html).toContain("Basic — $10.00 / month (current plan)");
    expect(html).toContain('<a href="http://app.test/settings">Return to app</a>');
    expect(html).toMatch(/value="[^"]+" disabled><label[^>]*>Basic/);
    const update = formWith(html, "Update plan");
    const switched = await post(new URL(update.action, f.sim.url).href, { ...update.fields, price: catalog.pro.id });
    expect(switched.status).toBe(303);
    expect(switched.headers.get("location")).toBe(`/p/session/${portal.id}?done=updated`);
    await f.sim.settled();
    expect(f.receiver.types()).toEqual([
      "customer.subscription.updated",
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
    ]);
    expect((await f.stripe.subscriptions.retrieve(sub.id)).items.data[0]!.price.id).toBe(catalog.pro.id);
    const invoice = f.receiver.events()[3]!.data.object as Stripe.Invoice;
    const hosted = await (await fetch(invoice.hosted_invoice_url!)).text();
    expect(hosted).toContain("subscription_update");
    expect(hosted).toContain("Remaining time on 1 × Pro");

    const after = await (await fetch(new URL(switched.headers.get("location")!, f.sim.url))).text();
    expect(after).toContain("Your plan has been updated.");
    const cancel = formWith(after, "Cancel plan");
    expect((await post(new URL(cancel.action, f.sim.url).href, cancel.fields)).status).toBe(303);
    const canceled = await f.stripe.subscriptions.retrieve(sub.id);
    expect(canceled).toMatchObject({ cancel_at_period_end: true, status: "active" });
    const pending = await (await fetch(portal.url)).text();
    expect(pending).toContain("will be canceled on");
    const renew = formWith(pending, "Renew plan");
    expect((await post(new URL(renew.action, f.sim.url).href, renew.fields)).status).toBe(303);
    expect((await f.stripe.subscriptions.retrieve(sub.id)).cancel_at_period_end).toBe(false);
    await f.sim.settled();
    expect(f.receiver.types().slice(-2)).toEqual(["customer.subscription.updated", "customer.subscription.updated"]);
  });

  it("a subscription_update_confirm flow shows the change and redirects after Confirm", async () => {
    const sub = await subscription();
    const portal = await f.stripe.billingPortal.sessions.create({
      customer: catalog.customer.id,
      return_url: "http://app.test/settings",
      flow_data: {
        type: "subscription_update_confirm",
        subscription_update_confirm: {
          subscription: sub.id,
          items: [{ id: sub.items.data[0]!.id, price: catalog.pro.id }],
        },
        after_completion: { type: "redirect", redirect: { return_url: "http://app.test/settings?plan=updated" } },
      },
    });
    const html = await (await fetch(portal.url)).text();
    expect(html).toContain("Confirm your new plan");
    expect(html).toContain("To: <strong>Pro — $30.00 / month</strong>");
    expect(html).not.toContain("Cancel plan");
    const confirm = formWith(html, "Confirm");
    const res = await post(new URL(confirm.action, f.sim.url).href, confirm.fields);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("http://app.test/settings?plan=updated");
    expect((await f.stripe.subscriptions.retrieve(sub.id)).items.data[0]!.price.id).toBe(catalog.pro.id);
  });

  it("a subscription_update flow shows only the plan picker; configuration limits the offered prices", async () => {
    const sub = await subscription();
    const enterprise = await f.stripe.prices.create({
      currency: "usd",
      unit_amount: 9000,
      recurring: { interval: "month" },
      product_data: { name: "Enterprise" },
    });
    const config = await f.stripe.billingPortal.configurations.create({
      features: {
        subscription_update: {
          enabled: true,
          default_allowed_updates: ["price"],
          products: [
            { product: catalog.basic.product as string, prices: [catalog.basic.id] },
            { product: catalog.pro.product as string, prices: [catalog.pro.id] },
          ],
        },
      },
    });
    const portal = await f.stripe.billingPortal.sessions.create({
      customer: catalog.customer.id,
      configuration: config.id,
      flow_data: { type: "subscription_update", subscription_update: { subscription: sub.id } },
    });
    const html = await (await fetch(portal.url)).text();
    expect(html).toContain("Pro — $30.00 / month");
    expect(html).not.toContain("Enterprise");
    expect(html).not.toContain("Cancel plan");
    const update = formWith(html, "Update plan");
    const refused = await post(new URL(update.action, f.sim.url).href, { ...update.fields, price: enterprise.id });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("not offered");
    expect((await post(new URL(update.action, f.sim.url).href, update.fields)).status).toBe(400);
  });

  it("a subscription_cancel flow cancels at period end", async () => {
    const sub = await subscription();
    const portal = await f.stripe.billingPortal.sessions.create({
      customer: catalog.customer.id,
      return_url: "http://app.test/s",
      flow_data: { type: "subscription_cancel", subscription_cancel: { subscription: sub.id } },
    });
    const cancel = formWith(await (await fetch(portal.url)).text(), "Cancel plan");
    await post(new URL(cancel.action, f.sim.url).href, cancel.fields);
    expect((await f.stripe.subscriptions.retrieve(sub.id)).cancel_at_period_end).toBe(true);
  });
});

describe("HTTP control API", () => {
  it("completes a checkout, renews, fails a payment, pays, refunds and disputes", async () => {
    const session = await f.stripe.checkout.sessions.create({
      mode: "subscription",
      customer: catalog.customer.id,
      line_items: [{ price: catalog.basic.id, quantity: 1 }],
      success_url: "http://a.test",
    });
    const completed = await control(`/checkout/${session.id}/complete`, { outcome: "paid" });
    expect(completed.status).toBe(200);
    const subscriptionId = completed.body.subscription as string;
    expect((await control("/settled")).body).toEqual({ settled: true });
    expect(f.receiver.types().at(-1)).toBe("checkout.session.completed");

    f.receiver.clear();
    expect((await control(`/customers/${catalog.customer.id}/fail-next-payment`, {})).status).toBe(200);
    const advanced = await control(`/subscriptions/${subscriptionId}/advance`, {});
    expect(advanced.body.status).toBe("past_due");
    const invoiceId = advanced.body.latest_invoice as string;
    expect((await control(`/invoices/${invoiceId}/pay`, {})).body.status).toBe("paid");
    await control("/settled");
    expect(f.receiver.types()).toEqual([
      "invoice.created",
      "invoice.finalized",
      "invoice.payment_failed",
      "customer.subscription.updated",
      "invoice.paid",
      "invoice.payment_succeeded",
      "customer.subscription.updated",
    ]);

    // A renewal debit that stays processing, then clears.
    expect((await control(`/customers/${catalog.customer.id}/delay-next-payment`, {})).status).toBe(200);
    const processing = await control(`/subscriptions/${subscriptionId}/advance`, {});
    expect(processing.body.status).toBe("active");
    const processingInvoice = processing.body.latest_invoice as string;
    expect((await f.stripe.invoices.retrieve(processingInvoice)).status).toBe("open");
    expect((await control(`/invoices/${processingInvoice}/settle-payment`, { result: "succeeded" })).body.status).toBe(
      "paid",
    );
    await control("/settled");

    const pack = await f.stripe.checkout.sessions.create({
      mode: "payment",
      customer: catalog.customer.id,
      line_items: [{ price: catalog.pack.id, quantity: 1 }],
      success_url: "http://a.test",
    });
    const intentId = (await control(`/checkout/${pack.id}/complete`, {})).body.payment_intent as string;
    const chargeId = (await f.stripe.paymentIntents.retrieve(intentId)).latest_charge as string;
    expect((await control(`/charges/${chargeId}/refund`, { amount: 100 })).body).toMatchObject({
      object: "refund",
      amount: 100,
    });
    expect((await control(`/charges/${chargeId}/dispute`, { reason: "fraudulent" })).body).toMatchObject({
      object: "dispute",
      status: "needs_response",
    });

    await f.stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true });
    expect((await control(`/subscriptions/${subscriptionId}/end-period`, {})).body.status).toBe("canceled");

    const events = await control("/events?type=charge.refunded");
    expect((events.body.data as unknown[]).length).toBe(1);
    const summary = await control("");
    expect(summary.body).toMatchObject({ url: f.sim.url, webhookUrl: f.receiver.url });
    expect((await control("/objects/subscription")).body.data).toHaveLength(1);
    expect(
      ((await control("/deliveries")).body.data as Array<{ state: string }>).every((d) => d.state === "succeeded"),
    ).toBe(true);
  });

  it("changes switches, pauses and flushes, resolves async payments and resets", async () => {
    expect((await control("/webhooks", { copies: 2, delayMs: 0 })).body).toMatchObject({ switches: { copies: 2 } });
    expect((await control("/webhooks/pause", {})).body).toMatchObject({ switches: { paused: true } });
    const session = await f.stripe.checkout.sessions.create({
      mode: "payment",
      line_items: [{ price: catalog.pack.id, quantity: 1 }],
      success_url: "http://a.test",
    });
    await control(`/checkout/${session.id}/complete`, { outcome: "async_failure" });
    expect((await control("/settled?timeoutMs=20")).status).toBe(504);
    expect(f.receiver.received).toHaveLength(0);
    expect((await control("/webhooks/flush", {})).body).toMatchObject({ settled: true });
    expect(f.receiver.types()).toEqual([
      "payment_intent.processing",
      "payment_intent.processing",
      "checkout.session.completed",
      "checkout.session.completed",
    ]);
    await control("/webhooks", { copies: 1, paused: false });
    f.receiver.clear();
    expect((await control(`/checkout/${session.id}/resolve`, {})).body).toMatchObject({ payment_status: "unpaid" });
    await control("/settled");
    expect(f.receiver.types()).toEqual([
      "payment_intent.payment_failed",
      "charge.failed",
      "checkout.session.async_payment_failed",
    ]);
    expect((await control("/reset", {})).status).toBe(200);
    expect(f.sim.objects("price")).toHaveLength(0);
  });

  it("validates bodies and 404s unknown objects and routes", async () => {
    expect((await control("/checkout/cs_test_nope/complete", {})).status).toBe(404);
    const bad = await control("/webhooks", { copies: "many" });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { type: "invalid_request_error" } });
    expect((await control("/webhooks", { bogus: true })).status).toBe(400);
    expect((await control("/nothing", {})).status).toBe(404);
    const notJson = await fetch(`${f.sim.url}/_simulator/reset`, {
      method: "POST",
      body: "x=1",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(notJson.status).toBe(400);
    const sub = await subscription();
    await f.stripe.subscriptions.cancel(sub.id);
    const advanced = await control(`/subscriptions/${sub.id}/advance`, {});
    expect(advanced.status).toBe(400);
    expect(String((advanced.body.error as { message: string }).message)).toMatch(/canceled/);
  });
});

describe("stripe SDK errors surface as Stripe's", () => {
  it("the SDK reads a missing object as a StripeInvalidRequestError", async () => {
    await expect(f.stripe.invoices.retrieve("in_missing")).rejects.toBeInstanceOf(
      Stripe.errors.StripeInvalidRequestError,
    );
  });
});

describe("dashboard", () => {
  it("lists subscriptions and renews one with a button", async () => {
    const sub = await subscription();
    const html = await (await fetch(`${f.sim.url}/`)).text();
    expect(html).toContain(sub.id);
    expect(html).toContain("plan_basic");
    const advance = formWith(html, "Advance to next period");
    const res = await post(new URL(advance.action, f.sim.url).href, advance.fields);
    expect(res.status).toBe(303);
    const after = await (await fetch(new URL(res.headers.get("location")!, f.sim.url))).text();
    expect(after).toContain(`Subscription ${sub.id} is now active.`);
    const renewed = await f.stripe.subscriptions.retrieve(sub.id);
    expect(renewed.items.data[0]!.current_period_start).toBe(sub.items.data[0]!.current_period_end);
    const saved = await post(`${f.sim.url}/_dashboard/webhooks`, { copies: "2", delayMs: "0" });
    expect(saved.status).toBe(303);
    expect(f.sim.webhookSwitches()).toMatchObject({ copies: 2, shuffle: false, paused: false });
    f.sim.setWebhookSwitches({ copies: 1 });
    const bad = await post(`${f.sim.url}/_dashboard/webhooks`, { copies: "0" });
    expect(decodeURIComponent(bad.headers.get("location")!)).toContain("Error: copies must be");
  });
});

// Plan changes as Stripe bills them: `proration_date` (prorations as though the update happened
// then, refused outside the current period), the proration invoice's lines and periods, and the
// portal's `schedule_at_period_end` (a downgrade kept until the period ends, through a
// subscription schedule, then applied by the renewal with no proration).
import type Stripe from "stripe";
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

async function subscribe(price = catalog.basic.id): Promise<Stripe.Subscription> {
  const session = await f.stripe.checkout.sessions.create({
    mode: "subscription",
    customer: catalog.customer.id,
    line_items: [{ price, quantity: 1 }],
    success_url: "http://a.test",
  });
  const id = f.sim.completeCheckout(session.id).subscription!;
  await f.sim.settled();
  f.receiver.clear();
  return f.stripe.subscriptions.retrieve(id);
}

function post(url: string, fields: Record<string, string>) {
  return fetch(url, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });
}

/** Opens a portal session's page and presses its button labelled `label`. */
async function press(portalUrl: string, label: string): Promise<Response> {
  const html = await (await fetch(portalUrl)).text();
  const form = html
    .split("<form")
    .slice(1)
    .find((fm) => fm.includes(label));
  if (!form) throw new Error(`no form with "${label}"`);
  const action = /action="([^"]+)"/.exec(form)![1]!;
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[m[1]!] = m[2]!;
  return post(new URL(action, f.sim.url).href, fields);
}

describe("proration_date", () => {
  it("prorates as though the switch happened then: a credit and a charge for the last day, each line's period from that day to the period's end", async () => {
    const sub = await subscribe();
    const item = sub.items.data[0]!;
    const lastDay = item.current_period_end - 86_400;
    await f.stripe.subscriptions.update(sub.id, {
      items: [{ id: item.id, price: catalog.pro.id }],
      proration_behavior: "always_invoice",
      proration_date: lastDay,
    });
    const invoice = await f.stripe.invoices.retrieve(
      (await f.stripe.subscriptions.retrieve(sub.id)).latest_invoice as string,
    );
    const length = item.current_period_end - item.current_period_start;
    expect(invoice.billing_reason).toBe("subscription_update");
    expect(
      invoice.lines.data.map((l) => ({
        amount: l.amount,
        period: l.period,
        proration: l.parent!.subscription_item_details!.proration,
        price: l.pricing!.price_details!.price,
      })),
    ).toEqual([
      {
        amount: -Math.round((1000 * 86_400) / length),
        period: { start: lastDay, end: item.current_period_end },
        proration: true,
        price: catalog.basic.id,
      },
      {
        amount: Math.round((3000 * 86_400) / length),
        period: { start: lastDay, end: item.current_period_end },
        proration: true,
        price: catalog.pro.id,
      },
    ]);
    expect(invoice).toMatchObject({ status: "paid", amount_paid: invoice.total });
  });

  it("is refused outside the current period, and nothing changes", async () => {
    const sub = await subscribe();
    const item = sub.items.data[0]!;
    const error = await f.stripe.subscriptions
      .update(sub.id, {
        items: [{ id: item.id, price: catalog.pro.id }],
        proration_behavior: "always_invoice",
        proration_date: item.current_period_end + 1,
      })
      .catch((e: unknown) => e as Stripe.errors.StripeError);
    expect(error).toMatchObject({
      statusCode: 400,
      param: "proration_date",
      message: "Cannot specify proration date outside of current subscription period",
    });
    expect((await f.stripe.subscriptions.retrieve(sub.id)).items.data[0]!.price.id).toBe(catalog.basic.id);
  });
});

describe("portal schedule_at_period_end", () => {
  async function portalConfiguration() {
    return f.stripe.billingPortal.configurations.create({
      features: {
        subscription_update: {
          enabled: true,
          default_allowed_updates: ["price"],
          proration_behavior: "always_invoice",
          schedule_at_period_end: { conditions: [{ type: "decreasing_item_amount" }] },
          products: [
            { product: catalog.basic.product as string, prices: [catalog.basic.id] },
            { product: catalog.pro.product as string, prices: [catalog.pro.id] },
          ],
        },
      },
    });
  }

  async function confirmSwitch(configuration: string, sub: Stripe.Subscription, price: string) {
    const portal = await f.stripe.billingPortal.sessions.create({
      customer: catalog.customer.id,
      configuration,
      flow_data: {
        type: "subscription_update_confirm",
        subscription_update_confirm: { subscription: sub.id, items: [{ id: sub.items.data[0]!.id, price }] },
      },
    });
    expect((await press(portal.url, "Confirm")).status).toBe(303);
  }

  it("a downgrade keeps the price until the period ends (a schedule, no invoice, no credit); the renewal bills the lower price, and the schedule is released after its last phase", async () => {
    const config = await portalConfiguration();
    const sub = await subscribe(catalog.pro.id);
    const item = sub.items.data[0]!;
    await confirmSwitch(config.id, sub, catalog.basic.id);
    await f.sim.settled();
    expect(f.receiver.types()).toEqual(["subscription_schedule.created", "customer.subscription.updated"]);
    const scheduled = await f.stripe.subscriptions.retrieve(sub.id);
    expect(scheduled.items.data[0]!.price.id).toBe(catalog.pro.id);
    expect(scheduled.latest_invoice).toBe(sub.latest_invoice);
    expect(((await f.stripe.customers.retrieve(catalog.customer.id)) as Stripe.Customer).balance).toBe(0);
    const schedule = await f.stripe.subscriptionSchedules.retrieve(scheduled.schedule as string);
    expect(schedule).toMatchObject({
      status: "active",
      subscription: sub.id,
      end_behavior: "release",
      current_phase: { start_date: item.current_period_start, end_date: item.current_period_end },
    });
    expect(schedule.phases.map((p) => ({ start: p.start_date, price: p.items[0]!.price }))).toEqual([
      { start: item.current_period_start, price: catalog.pro.id },
      { start: item.current_period_end, price: catalog.basic.id },
    ]);

    f.receiver.clear();
    f.sim.advanceSubscription(sub.id);
    await f.sim.settled();
    const renewed = await f.stripe.subscriptions.retrieve(sub.id);
    expect(renewed.items.data[0]!.price.id).toBe(catalog.basic.id);
    const renewal = await f.stripe.invoices.retrieve(renewed.latest_invoice as string);
    expect(renewal.billing_reason).toBe("subscription_cycle");
    expect(
      renewal.lines.data.map((l) => ({
        amount: l.amount,
        price: l.pricing!.price_details!.price,
        proration: l.parent!.subscription_item_details!.proration,
      })),
    ).toEqual([{ amount: 1000, price: catalog.basic.id, proration: false }]);
    expect(f.receiver.types()).toEqual([
      "subscription_schedule.updated",
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
      "customer.subscription.updated",
    ]);

    f.sim.advanceSubscription(sub.id);
    await f.sim.settled();
    expect((await f.stripe.subscriptions.retrieve(sub.id)).schedule).toBeNull();
    expect(await f.stripe.subscriptionSchedules.retrieve(schedule.id)).toMatchObject({
      status: "released",
      released_subscription: sub.id,
      subscription: null,
    });
  });

  it("an upgrade is applied at once and invoiced (always_invoice), and releases a downgrade scheduled before it", async () => {
    const elite = await f.stripe.prices.create({
      currency: "usd",
      unit_amount: 5000,
      recurring: { interval: "month" },
      product_data: { name: "Elite" },
    });
    const config = await portalConfiguration();
    await f.stripe.billingPortal.configurations.update(config.id, {
      features: {
        subscription_update: {
          products: [
            { product: catalog.basic.product as string, prices: [catalog.basic.id] },
            { product: catalog.pro.product as string, prices: [catalog.pro.id] },
            { product: elite.product as string, prices: [elite.id] },
          ],
        },
      },
    });
    const sub = await subscribe(catalog.pro.id);
    await confirmSwitch(config.id, sub, catalog.basic.id);
    const scheduleId = (await f.stripe.subscriptions.retrieve(sub.id)).schedule as string;
    await f.sim.settled();
    f.receiver.clear();

    await confirmSwitch(config.id, sub, elite.id);
    await f.sim.settled();
    expect(f.receiver.types()).toEqual([
      "subscription_schedule.released",
      "customer.subscription.updated",
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
    ]);
    const upgraded = await f.stripe.subscriptions.retrieve(sub.id);
    expect(upgraded).toMatchObject({ schedule: null });
    expect(upgraded.items.data[0]!.price.id).toBe(elite.id);
    const invoice = await f.stripe.invoices.retrieve(upgraded.latest_invoice as string);
    expect(invoice).toMatchObject({ billing_reason: "subscription_update", status: "paid" });
    expect(invoice.lines.data.map((l) => l.pricing!.price_details!.price)).toEqual([catalog.pro.id, elite.id]);
    expect(await f.stripe.subscriptionSchedules.retrieve(scheduleId)).toMatchObject({
      status: "released",
      released_subscription: sub.id,
    });
  });
});

describe("a switch to another billing interval", () => {
  it("resets the billing cycle to the switch and invoices at once the new period, less the old price's unused time, whatever proration_behavior says", async () => {
    const yearly = await f.stripe.prices.create({
      currency: "usd",
      unit_amount: 10_000,
      recurring: { interval: "year" },
      product: catalog.basic.product as string,
    });
    for (const behavior of ["create_prorations", "none"] as const) {
      const sub = await subscribe();
      const item = sub.items.data[0]!;
      const at = item.current_period_start + 10 * 86_400;
      await f.stripe.subscriptions.update(sub.id, {
        items: [{ id: item.id, price: yearly.id }],
        proration_behavior: behavior,
        proration_date: at,
      });
      await f.sim.settled();
      const switched = await f.stripe.subscriptions.retrieve(sub.id);
      const next = switched.items.data[0]!;
      expect(switched.billing_cycle_anchor).toBe(at);
      expect([next.id, next.price.id, next.current_period_start]).toEqual([item.id, yearly.id, at]);
      expect(new Date(next.current_period_end * 1000).getUTCFullYear()).toBe(new Date(at * 1000).getUTCFullYear() + 1);
      const invoice = await f.stripe.invoices.retrieve(switched.latest_invoice as string);
      const unused = Math.round(
        (1000 * (item.current_period_end - at)) / (item.current_period_end - item.current_period_start),
      );
      expect(invoice).toMatchObject({ billing_reason: "subscription_update", status: "paid" });
      expect(invoice.lines.data.map((l) => [l.amount, l.parent!.subscription_item_details!.proration])).toEqual(
        behavior === "none"
          ? [[10_000, false]]
          : [
              [-unused, true],
              [10_000, false],
            ],
      );
      expect(f.receiver.types()).toEqual([
        "customer.subscription.updated",
        "invoice.created",
        "invoice.finalized",
        "invoice.paid",
        "invoice.payment_succeeded",
      ]);
    }
  });

  it("still refuses an added item at another interval than the subscription's", async () => {
    const yearly = await f.stripe.prices.create({
      currency: "usd",
      unit_amount: 10_000,
      recurring: { interval: "year" },
      product: catalog.pro.product as string,
    });
    const sub = await subscribe();
    await expect(f.stripe.subscriptions.update(sub.id, { items: [{ price: yearly.id }] })).rejects.toMatchObject({
      statusCode: 400,
      message: "Currency and interval fields must match across all plans on this subscription.",
    });
  });
});

// Test clocks through the real SDK (`stripe.testHelpers.testClocks`), as Stripe documents them: a
// customer on a clock subscribes at the clock's time; an advance answers `advancing`, renews every
// period that ends on the way at that period's end, then turns `ready`; Stripe's limits on advances.
import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { seedCatalog, startSimulatorFixture, type SimulatorFixture } from "./testing";

let f: SimulatorFixture;
let catalog: Awaited<ReturnType<typeof seedCatalog>>;

beforeAll(async () => {
  f = await startSimulatorFixture({ testClockAdvanceMs: 30 });
});
afterAll(() => f.close());
beforeEach(async () => {
  f.sim.reset();
  catalog = await seedCatalog(f.stripe);
  await f.sim.settled();
  f.receiver.clear();
});

const JAN_31 = Date.UTC(2027, 0, 31, 10) / 1000;
const utcDay = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

async function ready(clockId: string): Promise<Stripe.TestHelpers.TestClock> {
  for (let i = 0; i < 200; i++) {
    const clock = await f.stripe.testHelpers.testClocks.retrieve(clockId);
    if (clock.status === "ready") return clock;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`test clock ${clockId} did not get ready`);
}

async function clockCustomerSubscribed(price: string) {
  const clock = await f.stripe.testHelpers.testClocks.create({ frozen_time: JAN_31, name: "day 31" });
  const customer = await f.stripe.customers.create({ email: "clock@example.com", test_clock: clock.id });
  const session = await f.stripe.checkout.sessions.create({
    mode: "subscription",
    customer: customer.id,
    line_items: [{ price, quantity: 1 }],
    success_url: "http://app.test/ok",
  });
  const subscriptionId = f.sim.completeCheckout(session.id, "paid").subscription!;
  await f.sim.settled();
  return { clock, customer, subscriptionId };
}

describe("test clocks", () => {
  it("creates, retrieves and lists clocks in Stripe's shape; a customer on one is created at its time", async () => {
    const clock = await f.stripe.testHelpers.testClocks.create({ frozen_time: JAN_31, name: "day 31" });
    expect(clock).toMatchObject({
      object: "test_helpers.test_clock",
      frozen_time: JAN_31,
      livemode: false,
      name: "day 31",
      status: "ready",
      status_details: {},
    });
    expect(clock.id).toMatch(/^clock_/);
    expect(clock.deletes_after - clock.created).toBe(30 * 86_400);
    expect(await f.stripe.testHelpers.testClocks.retrieve(clock.id)).toEqual(clock);
    expect((await f.stripe.testHelpers.testClocks.list()).data.map((c) => c.id)).toEqual([clock.id]);
    const customer = await f.stripe.customers.create({ test_clock: clock.id });
    expect(customer).toMatchObject({ test_clock: clock.id, created: JAN_31 });
    expect((await f.stripe.customers.list({ test_clock: clock.id })).data.map((c) => c.id)).toEqual([customer.id]);
    await expect(f.stripe.customers.create({ test_clock: "clock_missing" })).rejects.toMatchObject({ statusCode: 404 });
  });

  it("a monthly subscription anchored on Jan 31 renews Feb 28, Mar 31, Apr 30 as the clock advances, with the clock's events", async () => {
    const { clock, subscriptionId } = await clockCustomerSubscribed(catalog.basic.id);
    const sub = await f.stripe.subscriptions.retrieve(subscriptionId);
    expect(sub).toMatchObject({ test_clock: clock.id, start_date: JAN_31, billing_cycle_anchor: JAN_31 });
    expect(utcDay(sub.items.data[0]!.current_period_end)).toBe("2027-02-28");
    f.receiver.clear();

    // At most two months at a time (Stripe's limit): Mar 31 first, then Apr 30 at noon.
    const march = Date.UTC(2027, 2, 31, 10) / 1000;
    const target = Date.UTC(2027, 3, 30, 12) / 1000;
    const advancing = await f.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: march });
    expect(advancing).toMatchObject({
      status: "advancing",
      frozen_time: JAN_31,
      status_details: { advancing: { target_frozen_time: march } },
    });
    await expect(f.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: march + 1 })).rejects.toMatchObject({
      statusCode: 400,
    });
    expect(await ready(clock.id)).toMatchObject({ frozen_time: march, status_details: {} });
    await f.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: target });
    expect(await ready(clock.id)).toMatchObject({ frozen_time: target, status_details: {} });
    await f.sim.settled();

    const types = f.receiver.types();
    expect(types[0]).toBe("test_helpers.test_clock.advancing");
    expect(types.at(-1)).toBe("test_helpers.test_clock.ready");
    expect(types.filter((t) => t.startsWith("test_helpers."))).toEqual([
      "test_helpers.test_clock.advancing",
      "test_helpers.test_clock.ready",
      "test_helpers.test_clock.advancing",
      "test_helpers.test_clock.ready",
    ]);
    expect(types.filter((t) => t === "invoice.paid")).toHaveLength(3);
    const invoices = (await f.stripe.invoices.list({ subscription: subscriptionId })).data.reverse();
    expect(invoices.map((i) => [i.billing_reason, utcDay(i.created), i.test_clock])).toEqual([
      ["subscription_create", "2027-01-31", clock.id],
      ["subscription_cycle", "2027-02-28", clock.id],
      ["subscription_cycle", "2027-03-31", clock.id],
      ["subscription_cycle", "2027-04-30", clock.id],
    ]);
    const renewed = await f.stripe.subscriptions.retrieve(subscriptionId);
    expect(utcDay(renewed.items.data[0]!.current_period_start)).toBe("2027-04-30");
    expect(utcDay(renewed.items.data[0]!.current_period_end)).toBe("2027-05-31");
    // A plan switch now is at the clock's time: its proration invoice is dated Apr 30.
    await f.stripe.subscriptions.update(subscriptionId, {
      items: [{ id: renewed.items.data[0]!.id, price: catalog.pro.id }],
      proration_behavior: "always_invoice",
    });
    const latest = (await f.stripe.invoices.list({ subscription: subscriptionId, limit: 1 })).data[0]!;
    expect([latest.billing_reason, latest.created]).toEqual(["subscription_update", target]);
  });

  it("refuses an advance backwards, or past two intervals of the shortest subscription (two years without one)", async () => {
    const { clock } = await clockCustomerSubscribed(catalog.basic.id);
    const advance = (frozen_time: number) => f.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time });
    await expect(advance(JAN_31)).rejects.toMatchObject({ statusCode: 400, param: "frozen_time" });
    // Monthly: at most two months on (Mar 31).
    await expect(advance(Date.UTC(2027, 2, 31, 10) / 1000 + 1)).rejects.toMatchObject({ param: "frozen_time" });
    await advance(Date.UTC(2027, 2, 31, 10) / 1000);
    await ready(clock.id);
    const empty = await f.stripe.testHelpers.testClocks.create({ frozen_time: JAN_31 });
    await expect(
      f.stripe.testHelpers.testClocks.advance(empty.id, { frozen_time: Date.UTC(2029, 0, 31, 11) / 1000 }),
    ).rejects.toMatchObject({ param: "frozen_time" });
    await f.stripe.testHelpers.testClocks.advance(empty.id, { frozen_time: Date.UTC(2029, 0, 31, 10) / 1000 });
    expect((await ready(empty.id)).frozen_time).toBe(Date.UTC(2029, 0, 31, 10) / 1000);
  });

  it("deleting a clock deletes its customers and their subscriptions", async () => {
    const { clock, customer, subscriptionId } = await clockCustomerSubscribed(catalog.basic.id);
    expect(await f.stripe.testHelpers.testClocks.del(clock.id)).toEqual({
      id: clock.id,
      object: "test_helpers.test_clock",
      deleted: true,
    });
    await expect(f.stripe.customers.retrieve(customer.id)).rejects.toMatchObject({ statusCode: 404 });
    await expect(f.stripe.subscriptions.retrieve(subscriptionId)).rejects.toMatchObject({ statusCode: 404 });
    await expect(f.stripe.testHelpers.testClocks.retrieve(clock.id)).rejects.toMatchObject({ statusCode: 404 });
  });
});

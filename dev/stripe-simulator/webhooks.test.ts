// Delivery switches: copies, shuffle, delay, pause/flush, retries with backoff, settled().
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { seedCatalog, startSimulatorFixture, type SimulatorFixture } from "./testing";

let f: SimulatorFixture;
let catalog: Awaited<ReturnType<typeof seedCatalog>>;
let base = 0;
/** Deliveries made by the test itself (not by seeding the catalog). */
const deliveries = () => f.sim.deliveries.slice(base);

beforeAll(async () => {
  f = await startSimulatorFixture({ webhooks: { retryBaseMs: 10 } });
});
afterAll(() => f.close());
beforeEach(async () => {
  f.sim.reset();
  f.sim.setWebhookSwitches({ copies: 1, shuffle: false, delayMs: 0, paused: false, maxAttempts: 4, retryBaseMs: 10 });
  catalog = await seedCatalog(f.stripe);
  await f.sim.settled();
  f.receiver.clear();
  base = f.sim.deliveries.length;
});

const SUBSCRIBE_ORDER = [
  "payment_method.attached",
  "customer.subscription.created",
  "invoice.created",
  "invoice.finalized",
  "invoice.paid",
  "invoice.payment_succeeded",
  "checkout.session.completed",
];

async function subscribe() {
  const session = await f.stripe.checkout.sessions.create({
    mode: "subscription",
    customer: catalog.customer.id,
    line_items: [{ price: catalog.basic.id, quantity: 1 }],
    success_url: "http://a.test",
  });
  f.sim.completeCheckout(session.id);
}

describe("webhook switches", () => {
  it("copies: every event is delivered N times, identically signed payloads", async () => {
    f.sim.setWebhookSwitches({ copies: 3 });
    await subscribe();
    await f.sim.settled();
    const types = f.receiver.types();
    expect(types).toHaveLength(SUBSCRIBE_ORDER.length * 3);
    expect(types.filter((_, i) => i % 3 === 0)).toEqual(SUBSCRIBE_ORDER);
    const ids = f.receiver.events().map((e) => e.id);
    expect(new Set(ids).size).toBe(SUBSCRIBE_ORDER.length);
    expect(deliveries().map((d) => d.copy)).toEqual(SUBSCRIBE_ORDER.flatMap(() => [0, 1, 2]));
  });

  it("shuffle: the flow's events arrive in another order, all of them", async () => {
    let seed = 7;
    const { startSimulatorFixture: start } = await import("./testing");
    const g = await start({
      random: () => (seed = (seed * 16807) % 2147483647) / 2147483647,
      webhooks: { shuffle: true },
    });
    try {
      const local = await seedCatalog(g.stripe);
      await g.sim.settled();
      g.receiver.clear();
      const orders = new Set<string>();
      for (let i = 0; i < 5; i++) {
        const session = await g.stripe.checkout.sessions.create({
          mode: "subscription",
          customer: local.customer.id,
          line_items: [{ price: local.basic.id, quantity: 1 }],
          success_url: "http://a.test",
        });
        g.sim.completeCheckout(session.id);
        await g.sim.settled();
        const types = g.receiver.types();
        expect([...types].sort()).toEqual([...SUBSCRIBE_ORDER].sort());
        orders.add(types.join(","));
        g.receiver.clear();
      }
      expect(orders.size).toBeGreaterThan(1);
      expect([...orders].some((o) => o !== SUBSCRIBE_ORDER.join(","))).toBe(true);
    } finally {
      await g.close();
    }
  });

  it("delay: each delivery waits delayMs", async () => {
    f.sim.setWebhookSwitches({ delayMs: 40 });
    const started = Date.now();
    await f.stripe.customers.create({ email: "a@example.com" });
    await f.stripe.customers.create({ email: "b@example.com" });
    expect(f.receiver.received).toHaveLength(0);
    await f.sim.settled();
    expect(f.receiver.types()).toEqual(["customer.created", "customer.created"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(80);
  });

  it("pause holds deliveries; settled() times out while paused; flush delivers them", async () => {
    f.sim.pauseWebhooks();
    await subscribe();
    await new Promise((r) => setTimeout(r, 30));
    expect(f.receiver.received).toHaveLength(0);
    expect(f.sim.isSettled()).toBe(false);
    await expect(f.sim.settled(50)).rejects.toThrow(/paused/);
    await f.sim.flushWebhooks();
    expect(f.receiver.types()).toEqual(SUBSCRIBE_ORDER);
    expect(f.sim.webhookSwitches().paused).toBe(true);
    await f.stripe.customers.create({ email: "later@example.com" });
    f.sim.resumeWebhooks();
    await f.sim.settled();
    expect(f.receiver.types().at(-1)).toBe("customer.created");
  });

  it("retries a non-2xx answer with backoff until it succeeds, without blocking the queue", async () => {
    f.sim.setWebhookSwitches({ retryBaseMs: 150 });
    f.receiver.failNext(2, 500);
    await f.stripe.customers.create({ email: "retry@example.com" });
    await f.stripe.customers.create({ email: "next@example.com" });
    await f.sim.settled();
    expect(deliveries().map((d) => [d.state, d.attempts.map((a) => a.status)])).toEqual([
      ["succeeded", [500, 200]],
      ["succeeded", [500, 200]],
    ]);
    // The second event went out while the first waited for its retry.
    const arrivals = f.receiver.received.map((r) => [r.status, (r.event!.data.object as { email: string }).email]);
    expect(arrivals).toEqual([
      [500, "retry@example.com"],
      [500, "next@example.com"],
      [200, "retry@example.com"],
      [200, "next@example.com"],
    ]);
    const [first] = deliveries();
    expect(first!.attempts[1]!.at - first!.attempts[0]!.at).toBeGreaterThanOrEqual(140);
  });

  it("gives a delivery up after maxAttempts, and settled() still resolves", async () => {
    f.sim.setWebhookSwitches({ maxAttempts: 2 });
    f.receiver.failNext(5, 503);
    await f.stripe.customers.create({ email: "gone@example.com" });
    await f.sim.settled();
    const delivery = deliveries()[0]!;
    expect(delivery.state).toBe("failed");
    expect(delivery.attempts.map((a) => a.status)).toEqual([503, 503]);
  });

  it("records a network error when the endpoint is down", async () => {
    f.sim.setWebhookUrl("http://127.0.0.1:9/unreachable");
    f.sim.setWebhookSwitches({ maxAttempts: 1 });
    try {
      await f.stripe.customers.create({ email: "down@example.com" });
      await f.sim.settled();
      expect(deliveries()[0]).toMatchObject({ state: "failed", url: "http://127.0.0.1:9/unreachable" });
      expect(deliveries()[0]!.attempts[0]).toMatchObject({ status: null });
      expect(deliveries()[0]!.attempts[0]!.error).toBeTruthy();
    } finally {
      f.sim.setWebhookUrl(f.receiver.url);
    }
  });

  it("without a webhook URL events are stored but not delivered", async () => {
    f.sim.setWebhookUrl(null);
    try {
      await f.stripe.customers.create({ email: "quiet@example.com" });
      await f.sim.settled();
      expect(deliveries()).toHaveLength(0);
      expect(f.sim.events.at(-1)!.type).toBe("customer.created");
    } finally {
      f.sim.setWebhookUrl(f.receiver.url);
    }
  });
});

// The webhook endpoint's contract, through the production code (`handleStripeWebhook`): signatures,
// the claim log, duplicates (also concurrent), failures and retries, stuck claims, and events
// delivered in any order.
import { describe, expect, it } from "vitest";
import { startCheckout } from "../checkout";
import { createStripeClient } from "../stripe";
import { billingTestHarness, TEST_STRIPE_KEY } from "@/test/billing/harness";
import { handleStripeWebhook } from "./index";
import { claimEvent } from "./log";

const h = billingTestHarness();
const TOKENS = 1000n;

async function counts() {
  const [row] = await h.t.sql<{ log: number; ledger: number; subs: number }>(
    `SELECT (SELECT count(*)::int FROM stripe_webhooks_log) AS log, (SELECT count(*)::int FROM token_transactions) AS ledger,
            (SELECT count(*)::int FROM user_subscriptions WHERE status <> 'none') AS subs`,
  );
  return row!;
}

async function logRow(eventId: string) {
  const [row] = await h.t.sql<{ status: string; attempts: number; error: string | null }>(
    "SELECT status::text, attempts, error FROM stripe_webhooks_log WHERE stripe_event_id = $1",
    [eventId],
  );
  return row;
}

/** Runs a pack purchase with deliveries held; returns the raw events Stripe sent, by type. */
async function heldPackPurchase(packId = "starter") {
  const user = await h.newUser("held");
  h.hold = [];
  try {
    const destination = await startCheckout(h.ctx, user, { kind: "pack", id: packId });
    if (destination.kind !== "checkout") throw new Error("expected a checkout");
    await h.sim.completeCheckout(destination.sessionId, "paid");
    await h.sim.settled();
    const held = h.hold;
    const completed = held.find((d) => (JSON.parse(d.body) as { type: string }).type === "checkout.session.completed");
    if (!completed) throw new Error("no checkout.session.completed was sent");
    return {
      user,
      sessionId: destination.sessionId,
      event: JSON.parse(completed.body) as { id: string; type: string },
    };
  } finally {
    h.hold = null;
  }
}

describe("signatures", () => {
  it("a forged signature, a stale timestamp or a missing header → 400 and nothing written", async () => {
    const { user, event } = await heldPackPurchase();
    const before = await counts();
    const buckets = await h.buckets(user.id);

    const forged = await h.deliver(event, { secret: "whsec_not_the_endpoint_secret" });
    const stale = await h.deliver(event, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    const missing = await h.deliver(event, { signature: null });
    const garbage = await h.deliver(event, { signature: "t=1,v1=deadbeef" });
    for (const response of [forged, stale, missing, garbage]) {
      expect(response.status).toBe(400);
      expect(response.body.received).toBe(false);
    }
    expect(missing.body).toEqual({
      received: false,
      error: "invalid_signature",
      message: "Missing Stripe-Signature header.",
    });
    expect(await counts()).toEqual(before);
    expect(await logRow(event.id)).toBeUndefined();
    expect(await h.buckets(user.id)).toEqual(buckets);

    // The same event, correctly signed, is accepted.
    expect((await h.deliver(event)).status).toBe(200);
    expect((await h.buckets(user.id)).purchased).toBe(buckets.purchased + 2_000n * TOKENS);
  });

  it("a body changed after signing is refused", async () => {
    const { event } = await heldPackPurchase();
    const body = JSON.stringify(event);
    const header = h.stripe.webhooks.generateTestHeaderString({ payload: body, secret: h.ctx.webhookSecret });
    const tampered = body.replace(event.id, `${event.id}x`);
    expect((await handleStripeWebhook(h.ctx, tampered, header, { log: () => {} })).status).toBe(400);
  });
});

describe("the claim log", () => {
  it("the same event 10 times, one after another and concurrently → one effect", async () => {
    const { user, event } = await heldPackPurchase();
    const base = (await h.buckets(user.id)).purchased;
    const sequential = [];
    for (let i = 0; i < 10; i++) sequential.push((await h.deliver(event)).body.outcome);
    expect(sequential).toEqual(["processed", ...Array(9).fill("duplicate")]);
    expect((await h.buckets(user.id)).purchased).toBe(base + 2_000n * TOKENS);

    const second = await heldPackPurchase("basic");
    const base2 = (await h.buckets(second.user.id)).purchased;
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => h.deliver(second.event)));
    // One processes it; each other one is told to retry (409) while it is in flight, or is a 200
    // no-op once it is finished — never a 200 before the work is done.
    expect(concurrent.filter((r) => r.body.outcome === "processed")).toHaveLength(1);
    for (const r of concurrent) {
      if (r.body.outcome === "processed") continue;
      expect(r.status === 409 ? r.retryAfterSeconds : r.body.outcome).toBe(r.status === 409 ? 5 : "duplicate");
    }
    expect((await h.buckets(second.user.id)).purchased).toBe(base2 + 3_200n * TOKENS);
    expect(await logRow(second.event.id)).toEqual({ status: "processed", attempts: 1, error: null });
  });

  it("an event type Tollgate does not handle → 200, logged as ignored once", async () => {
    const event = {
      id: `evt_unknown_${Date.now()}`,
      object: "event",
      type: "customer.created",
      data: { object: { id: "cus_x", object: "customer" } },
    };
    expect((await h.deliver(event)).body).toEqual({ received: true, outcome: "ignored" });
    expect((await h.deliver(event)).status).toBe(200);
    expect(await logRow(event.id)).toEqual({
      status: "ignored",
      attempts: 1,
      error: "event type customer.created is not handled",
    });
  });

  it("a failing handler → 500, failed with the error and attempt; the retry succeeds", async () => {
    const { user, event } = await heldPackPurchase();
    const base = (await h.buckets(user.id)).purchased;
    // Stripe's API unreachable while the handler runs (it re-reads the session).
    const down = {
      ...h.ctx,
      stripe: createStripeClient({ secretKey: TEST_STRIPE_KEY, apiBase: "http://127.0.0.1:9" }),
    };
    const body = JSON.stringify(event);
    const sign = () => h.stripe.webhooks.generateTestHeaderString({ payload: body, secret: h.ctx.webhookSecret });
    const failed = await handleStripeWebhook(down, body, sign(), { log: () => {} });
    expect(failed.status).toBe(500);
    const row = await logRow(event.id);
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect(row!.error).toMatch(/StripeConnectionError/);
    expect((await h.buckets(user.id)).purchased).toBe(base);

    const retried = await handleStripeWebhook(h.ctx, body, sign(), { log: () => {} });
    expect(retried).toEqual({ status: 200, body: { received: true, outcome: "processed" } });
    expect(await logRow(event.id)).toEqual({ status: "processed", attempts: 2, error: null });
    expect((await h.buckets(user.id)).purchased).toBe(base + 2_000n * TOKENS);
  });

  it("a claim stuck in processing is answered 409 for 5 minutes, then taken again", async () => {
    const { user, event } = await heldPackPurchase();
    const base = (await h.buckets(user.id)).purchased;
    expect(await claimEvent(h.t.db, event, event)).not.toBeNull(); // a process that died mid-way
    expect((await h.deliver(event)).status).toBe(409);
    expect((await h.buckets(user.id)).purchased).toBe(base);

    await h.t.sql(
      "UPDATE stripe_webhooks_log SET claimed_at = now() - interval '301 seconds' WHERE stripe_event_id = $1",
      [event.id],
    );
    expect((await h.deliver(event)).body.outcome).toBe("processed");
    expect(await logRow(event.id)).toEqual({ status: "processed", attempts: 2, error: null });
    expect((await h.buckets(user.id)).purchased).toBe(base + 2_000n * TOKENS);
  });
});

describe("order", () => {
  /** A seeded shuffle (mulberry32), so a failure names the order that broke it. */
  function shuffle<T>(items: T[], seed: number): T[] {
    let a = seed >>> 0;
    const random = () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  /**
   * One subscription lifecycle: subscribe to Pro, buy a pack, upgrade to Elite (invoiced at once),
   * renew, fail a renewal, pay it, refund the pack. Returns the user and the events in sent order.
   */
  async function lifecycle(hold: boolean) {
    const user = await h.newUser("life");
    h.hold = hold ? [] : null;
    try {
      const plan = await startCheckout(h.ctx, user, { kind: "plan", id: "pro" });
      if (plan.kind !== "checkout") throw new Error("expected a checkout");
      await h.sim.completeCheckout(plan.sessionId, "paid");
      const pack = await startCheckout(h.ctx, user, { kind: "pack", id: "starter" });
      if (pack.kind !== "checkout") throw new Error("expected a checkout");
      await h.sim.completeCheckout(pack.sessionId, "paid");
      await h.sim.settled();
      const session = await h.stripe.checkout.sessions.retrieve(plan.sessionId);
      const subscriptionId = session.subscription as string;
      const customerId = session.customer as string;
      const sub = await h.stripe.subscriptions.retrieve(subscriptionId);
      const elite = (await h.stripe.prices.list({ lookup_keys: ["tollgate_plan_elite_monthly"] })).data[0]!;
      await h.stripe.subscriptions.update(subscriptionId, {
        items: [{ id: sub.items.data[0]!.id, price: elite.id }],
        proration_behavior: "always_invoice",
      });
      await h.sim.advanceSubscription(subscriptionId);
      await h.sim.failNextPayment(customerId);
      await h.sim.advanceSubscription(subscriptionId);
      const pastDue = await h.stripe.subscriptions.retrieve(subscriptionId);
      await h.stripe.invoices.pay(pastDue.latest_invoice as string);
      const packSession = await h.stripe.checkout.sessions.retrieve(pack.sessionId, { expand: ["payment_intent"] });
      await h.stripe.refunds.create({
        charge: (packSession.payment_intent as { latest_charge: string }).latest_charge,
      });
      await h.sim.settled();
      return { user, held: h.hold ?? [] };
    } finally {
      h.hold = null;
    }
  }

  async function finalState(userId: string) {
    const b = await h.buckets(userId);
    const s = await h.subscriptionRow(userId);
    return {
      allowance: b.allowance,
      purchased: b.purchased,
      status: s!.status,
      plan: s!.plan_id,
      sameReset: b.nextResetAt.getTime() === (s!.current_period_end as Date).getTime(),
    };
  }

  it("a lifecycle delivered in shuffled orders (and twice) ends in the same state as in order", async () => {
    const inOrder = await lifecycle(false);
    expect(h.deliveries.filter((d) => d.status !== 200)).toEqual([]);
    const expected = await finalState(inOrder.user.id);
    expect(expected).toEqual({
      allowance: 5_000n * TOKENS,
      purchased: 0n,
      status: "active",
      plan: "elite",
      sameReset: true,
    });

    for (const seed of [1, 2, 3]) {
      const { user, held } = await lifecycle(true);
      expect(held.length).toBeGreaterThan(15);
      const order = shuffle([...held, ...held], seed);
      const statuses = await Promise.all(
        // Shuffled, and in two concurrent streams, so some events also race each other.
        [order.slice(0, order.length / 2), order.slice(order.length / 2)].map(async (stream) => {
          const out: number[] = [];
          for (const d of stream) {
            // A delivery racing the same event in the other stream is told to retry (409), as Stripe would.
            let status = (await handleStripeWebhook(h.ctx, d.body, d.signature, { log: () => {} })).status;
            while (status === 409) {
              await new Promise((resolve) => setTimeout(resolve, 20));
              status = (await handleStripeWebhook(h.ctx, d.body, d.signature, { log: () => {} })).status;
            }
            out.push(status);
          }
          return out;
        }),
      );
      expect(statuses.flat().every((s) => s === 200)).toBe(true);
      expect({ seed, ...(await finalState(user.id)) }).toEqual({ seed, ...expected });
    }
  });
});

describe("a delivery while the same event is in flight", () => {
  /** A Stripe API that holds every request until `release()`, then drops the connection. */
  async function heldStripeApi() {
    const { createServer } = await import("node:http");
    const sockets: import("node:net").Socket[] = [];
    let arrived!: () => void;
    const firstRequest = new Promise<void>((resolve) => (arrived = resolve));
    const server = createServer((req) => {
      sockets.push(req.socket);
      arrived();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as import("node:net").AddressInfo).port;
    return {
      stripe: createStripeClient({ secretKey: TEST_STRIPE_KEY, apiBase: `http://127.0.0.1:${port}` }),
      firstRequest,
      release: async () => {
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }

  it("is answered 409 with Retry-After (never 200); the first attempt fails, Stripe's retry processes it once", async () => {
    const { user, event } = await heldPackPurchase();
    const base = (await h.buckets(user.id)).purchased;
    const api = await heldStripeApi();
    const body = JSON.stringify(event);
    const sign = () => h.stripe.webhooks.generateTestHeaderString({ payload: body, secret: h.ctx.webhookSecret });

    // First delivery: its handler is held open on the Stripe read.
    const first = handleStripeWebhook({ ...h.ctx, stripe: api.stripe }, body, sign(), { log: () => {} });
    await api.firstRequest;
    expect(await logRow(event.id)).toEqual({ status: "processing", attempts: 1, error: null });

    // The same event again, concurrently (Stripe redelivers, or a second endpoint instance gets it).
    const concurrent = await Promise.all(
      [1, 2, 3].map(() => handleStripeWebhook(h.ctx, body, sign(), { log: () => {} })),
    );
    for (const response of concurrent) {
      expect(response).toEqual({
        status: 409,
        retryAfterSeconds: 5,
        body: { received: false, error: "request_in_progress", message: "This event is being processed; retry later." },
      });
    }
    expect((await h.buckets(user.id)).purchased).toBe(base);

    // The first attempt fails (Stripe unreachable mid-way): 500, logged failed.
    await api.release();
    expect((await first).status).toBe(500);
    expect(await logRow(event.id)).toMatchObject({ status: "failed", attempts: 1 });

    // Stripe's retry of the delivery answered 409 claims it and processes it.
    expect(await handleStripeWebhook(h.ctx, body, sign(), { log: () => {} })).toEqual({
      status: 200,
      body: { received: true, outcome: "processed" },
    });
    expect(await logRow(event.id)).toEqual({ status: "processed", attempts: 2, error: null });
    expect((await h.buckets(user.id)).purchased).toBe(base + 2_000n * TOKENS);
    const grants = await h.t.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM token_transactions WHERE user_id = $1 AND kind = 'grant_pack'",
      [user.id],
    );
    expect(grants[0]!.n).toBe(1);

    // A later redelivery of the finished event is the 200 no-op.
    expect(await handleStripeWebhook(h.ctx, body, sign(), { log: () => {} })).toEqual({
      status: 200,
      body: { received: true, outcome: "duplicate" },
    });
  });
});

// Admin replay of logged events through the production webhook code: the loopback Stripe simulator
// sends real signed events to the harness's receiver (handleStripeWebhook), and the replay re-runs
// them from the log. A replay is one more attempt of the event; it never changes a balance twice.
import { describe, expect, it } from "vitest";
import { startCheckout } from "../checkout";
import { createStripeClient } from "../stripe";
import { billingTestHarness, TEST_STRIPE_KEY } from "@/test/billing/harness";
import { handleStripeWebhook } from "./index";
import { claimEvent } from "./log";
import { replayWebhookEvent } from "./replay";

const h = billingTestHarness();
const TOKENS = 1000n;
const quiet = { log: () => {} };

type User = { id: string; email: string; name: string };

async function logRow(eventId: string) {
  const [row] = await h.t.sql<{ status: string; attempts: number; error: string | null }>(
    "SELECT status::text, attempts, error FROM stripe_webhooks_log WHERE stripe_event_id = $1",
    [eventId],
  );
  return row;
}

/** Runs `flow` and returns the ids of the events of `type` the receiver processed meanwhile. */
async function eventsDuring(type: string, flow: () => Promise<unknown>): Promise<string[]> {
  const from = h.deliveries.length;
  await flow();
  const seen = h.deliveries.slice(from).filter((d) => d.type === type);
  expect(seen.every((d) => d.status === 200)).toBe(true);
  return seen.map((d) => d.eventId);
}

async function checkout(user: User, kind: "plan" | "pack", id: string) {
  const destination = await startCheckout(h.ctx, user, { kind, id });
  if (destination.kind !== "checkout") throw new Error("expected a checkout");
  await h.sim.completeCheckout(destination.sessionId, "paid");
  await h.sim.settled();
}

async function snapshot(userId: string) {
  return { buckets: await h.buckets(userId), keys: await h.ledgerKeys(userId) };
}

describe("replaying a processed event", () => {
  it("a pack's checkout.session.completed, replayed twice: processed again, attempts counted, one grant", async () => {
    const user = await h.newUser("replay-pack");
    const [eventId] = await eventsDuring("checkout.session.completed", () => checkout(user, "pack", "starter"));
    expect(eventId).toBeDefined();
    const before = await snapshot(user.id);
    expect(before.buckets.purchased).toBe(2_000n * TOKENS);
    expect(await logRow(eventId!)).toEqual({ status: "processed", attempts: 1, error: null });

    expect(await replayWebhookEvent(h.ctx, eventId!, quiet)).toEqual({ ok: true, outcome: "processed", attempt: 2 });
    expect(await replayWebhookEvent(h.ctx, eventId!, quiet)).toEqual({ ok: true, outcome: "processed", attempt: 3 });

    expect(await snapshot(user.id)).toEqual(before);
    expect(await logRow(eventId!)).toEqual({ status: "processed", attempts: 3, error: null });
  });

  it("a subscription's invoice.paid, replayed twice: the period's allowance is granted once", async () => {
    const user = await h.newUser("replay-invoice");
    const [eventId] = await eventsDuring("invoice.paid", () => checkout(user, "plan", "pro"));
    expect(eventId).toBeDefined();
    const before = await snapshot(user.id);
    expect(before.buckets.allowance).toBe(3_000n * TOKENS);

    for (const attempt of [2, 3]) {
      expect(await replayWebhookEvent(h.ctx, eventId!, quiet)).toEqual({ ok: true, outcome: "processed", attempt });
    }
    expect(await snapshot(user.id)).toEqual(before);
  });
});

describe("replaying a failed event", () => {
  /** A pack purchase whose checkout.session.completed failed (Stripe unreachable while it ran). */
  async function failedPackEvent() {
    const user = await h.newUser("replay-failed");
    h.hold = [];
    let body: string;
    try {
      await checkout(user, "pack", "starter");
      const held = h.hold.find((d) => (JSON.parse(d.body) as { type: string }).type === "checkout.session.completed");
      if (!held) throw new Error("no checkout.session.completed was sent");
      body = held.body;
    } finally {
      h.hold = null;
    }
    const down = {
      ...h.ctx,
      stripe: createStripeClient({ secretKey: TEST_STRIPE_KEY, apiBase: "http://127.0.0.1:9" }),
    };
    const signature = h.stripe.webhooks.generateTestHeaderString({ payload: body, secret: h.ctx.webhookSecret });
    expect((await handleStripeWebhook(down, body, signature, quiet)).status).toBe(500);
    const eventId = (JSON.parse(body) as { id: string }).id;
    expect(await logRow(eventId)).toMatchObject({ status: "failed", attempts: 1 });
    expect((await h.buckets(user.id)).purchased).toBe(0n);
    return { user, eventId, down };
  }

  it("→ processed with its grant; a second replay grants nothing more", async () => {
    const { user, eventId } = await failedPackEvent();
    expect(await replayWebhookEvent(h.ctx, eventId, quiet)).toEqual({ ok: true, outcome: "processed", attempt: 2 });
    expect(await logRow(eventId)).toEqual({ status: "processed", attempts: 2, error: null });
    expect((await h.buckets(user.id)).purchased).toBe(2_000n * TOKENS);

    expect(await replayWebhookEvent(h.ctx, eventId, quiet)).toMatchObject({ ok: true, outcome: "processed" });
    expect((await h.buckets(user.id)).purchased).toBe(2_000n * TOKENS);
  });

  it("a replay that fails again records the error and the attempt, like a delivery", async () => {
    const { user, eventId, down } = await failedPackEvent();
    expect(await replayWebhookEvent(down, eventId, quiet)).toEqual({ ok: true, outcome: "failed", attempt: 2 });
    const row = await logRow(eventId);
    expect(row).toMatchObject({ status: "failed", attempts: 2 });
    expect(row!.error).toMatch(/StripeConnectionError/);
    expect((await h.buckets(user.id)).purchased).toBe(0n);
  });

  it("concurrent replays (a double click, two admins) grant once", async () => {
    const { user, eventId } = await failedPackEvent();
    const results = await Promise.all(Array.from({ length: 6 }, () => replayWebhookEvent(h.ctx, eventId, quiet)));
    expect(results.some((r) => r.ok && r.outcome === "processed")).toBe(true);
    expect((await h.buckets(user.id)).purchased).toBe(2_000n * TOKENS);
    expect((await h.ledgerKeys(user.id)).filter((k) => k.startsWith("checkout:"))).toHaveLength(1);
    expect(await logRow(eventId)).toMatchObject({ status: "processed" });
  });
});

describe("what is not replayed", () => {
  it("an attempt in flight, an unknown id, a type Tollgate does not handle", async () => {
    const event = { id: `evt_inflight_${Date.now()}`, type: "invoice.paid" };
    expect(await claimEvent(h.t.db, event, event)).not.toBeNull();
    expect(await replayWebhookEvent(h.ctx, event.id, quiet)).toEqual({ ok: false, error: "in_progress" });
    expect(await logRow(event.id)).toMatchObject({ status: "processing", attempts: 1 });

    expect(await replayWebhookEvent(h.ctx, "evt_does_not_exist", quiet)).toEqual({ ok: false, error: "not_found" });

    const ignored = {
      id: `evt_ignored_${Date.now()}`,
      object: "event",
      type: "customer.created",
      data: { object: { id: "cus_x", object: "customer" } },
    };
    expect((await h.deliver(ignored)).body.outcome).toBe("ignored");
    expect(await replayWebhookEvent(h.ctx, ignored.id, quiet)).toEqual({ ok: false, error: "not_handled" });
    expect(await logRow(ignored.id)).toMatchObject({ status: "ignored", attempts: 1 });
  });
});

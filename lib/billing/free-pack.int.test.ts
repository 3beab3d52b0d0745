// The money path of a pack a promotion code made free (effects.ts grantPackForSession): Checkout
// completes with `payment_status: "no_payment_required"`, no payment intent and amount_total 0, and
// the pack is granted once — however many times, and however concurrently, the webhook and the
// success page ask. A session that is not paid for grants nothing, whatever its webhook payload says:
// the session is re-read from Stripe.
import { describe, expect, it } from "vitest";
import { verifyLedger } from "../tokens/ledger";
import { billingTestHarness } from "@/test/billing/harness";
import { startCheckout } from "./checkout";
import { confirmCheckout } from "./confirm-checkout";
import { grantPackForSession } from "./effects";

const h = billingTestHarness();
const STARTER = 2_000_000n; // millitokens of the starter pack

type Held = { id: string; type: string; data: { object: Record<string, unknown> } };

async function packSession(user: { id: string; email: string; name: string }): Promise<string> {
  const destination = await startCheckout(h.ctx, user, { kind: "pack", id: "starter" });
  if (destination.kind !== "checkout") throw new Error("expected a checkout");
  return destination.sessionId;
}

/** Completes `sessionId` with its webhooks held (answered 200, not processed); the held events. */
async function completeHeld(sessionId: string) {
  if (!h.sim.objects("promotion_code").some((p) => p.code === "FREEPACK"))
    h.sim.createPromotionCode({ code: "FREEPACK", percentOff: 100, duration: "once" });
  h.hold = [];
  h.sim.completeCheckout(sessionId, "paid", { promotionCode: "FREEPACK" });
  await h.sim.settled();
  const held = h.hold.map((d) => JSON.parse(d.body) as Held);
  h.hold = null;
  return held;
}

async function packGrants(userId: string) {
  return h.t.sql<{ idempotency_key: string; purchased: string; source_ref: string }>(
    "SELECT idempotency_key, purchased_delta::text AS purchased, source_ref FROM token_transactions WHERE user_id = $1 AND kind = 'grant_pack'",
    [userId],
  );
}

describe("a pack made free by a promotion code", () => {
  it("completes with no_payment_required and no payment, and grants the pack exactly once", async () => {
    const user = await h.newUser("free-pack");
    const sessionId = await packSession(user);
    const held = await completeHeld(sessionId);
    const session = await h.stripe.checkout.sessions.retrieve(sessionId);
    expect(session).toMatchObject({ status: "complete", payment_status: "no_payment_required", amount_total: 0 });
    expect(session.payment_intent).toBeNull();
    const completed = held.find((e) => e.type === "checkout.session.completed")!;
    expect(held.some((e) => e.type.startsWith("payment_intent.") || e.type.startsWith("charge."))).toBe(false);

    // The webhook, its redelivery (same event id) and a second copy under another event id.
    expect((await h.deliver(completed)).status).toBe(200);
    expect((await h.deliver(completed)).status).toBe(200);
    expect((await h.deliver({ ...completed, id: `${completed.id}_copy` })).status).toBe(200);
    expect(await packGrants(user.id)).toEqual([
      { idempotency_key: `checkout:${sessionId}`, purchased: String(STARTER), source_ref: sessionId },
    ]);
    // The invoice events of the €0 post-payment invoice grant nothing more.
    for (const event of held.filter((e) => e.type.startsWith("invoice."))) {
      expect((await h.deliver(event)).status).toBe(200);
    }
    expect((await h.buckets(user.id)).purchased).toBe(STARTER);
    expect(await packGrants(user.id)).toHaveLength(1);
  });

  it("two deliveries at once, the success page and a direct call racing them: one grant", async () => {
    const user = await h.newUser("free-pack-race");
    const sessionId = await packSession(user);
    const held = await completeHeld(sessionId);
    const completed = held.find((e) => e.type === "checkout.session.completed")!;
    const results = await Promise.all([
      h.deliver(completed),
      h.deliver({ ...completed, id: `${completed.id}_second` }),
      confirmCheckout(h.ctx, user.id, sessionId, { minIntervalMs: 0 }),
      grantPackForSession(h.ctx, sessionId),
      grantPackForSession(h.ctx, sessionId),
    ]);
    expect(results.slice(0, 2).map((r) => (r as { status: number }).status)).toEqual([200, 200]);
    expect(results[2]).toEqual({ ok: true, kind: "pack", paid: true });
    expect(await packGrants(user.id)).toHaveLength(1);
    expect((await h.buckets(user.id)).purchased).toBe(STARTER);
    expect((await verifyLedger(h.t.db)).mismatches).toEqual([]);
  });

  it("an unpaid session grants nothing, even when its webhook payload claims it is free", async () => {
    const user = await h.newUser("unpaid-pack");
    const sessionId = await packSession(user);
    // A delayed method: Checkout completes unpaid, the payment is still processing.
    h.hold = [];
    h.sim.completeCheckout(sessionId, "async_success");
    await h.sim.settled();
    const completed = h.hold
      .map((d) => JSON.parse(d.body) as Held)
      .find((e) => e.type === "checkout.session.completed")!;
    h.hold = null;
    expect(completed.data.object).toMatchObject({ payment_status: "unpaid" });
    expect((await h.deliver(completed)).status).toBe(200);
    // A validly signed payload that lies (no_payment_required, €0): the re-read session says unpaid.
    const forged = {
      ...completed,
      id: `${completed.id}_forged`,
      data: { object: { ...completed.data.object, payment_status: "no_payment_required", amount_total: 0 } },
    };
    expect((await h.deliver(forged)).status).toBe(200);
    expect(await grantPackForSession(h.ctx, sessionId)).toEqual({ ignored: `session ${sessionId} is unpaid` });
    expect(await packGrants(user.id)).toEqual([]);
    expect((await h.buckets(user.id)).purchased).toBe(0n);

    // The payment clears: granted once.
    h.sim.resolveAsyncPayment(sessionId, "succeeded");
    await h.sim.settled();
    expect((await h.buckets(user.id)).purchased).toBe(STARTER);
  });

  it("no_payment_required is not enough: a session with an amount to pay, or not complete, grants nothing", async () => {
    const user = await h.newUser("inconsistent-pack");
    for (const state of [
      { status: "complete", payment_status: "no_payment_required", amount_total: 1900 },
      { status: "open", payment_status: "no_payment_required", amount_total: 0 },
    ]) {
      const sessionId = await packSession(user);
      // The stored session is put in a state Checkout would not produce for a pack, as a guard test.
      Object.assign(h.sim.get(sessionId)!, state);
      expect(await grantPackForSession(h.ctx, sessionId)).toEqual({
        ignored: `session ${sessionId} is no_payment_required`,
      });
    }
    expect(await packGrants(user.id)).toEqual([]);
  });
});

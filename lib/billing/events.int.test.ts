// Each event type's token effect, end to end: the production checkout/portal code talks to the
// loopback Stripe simulator, which sends signed webhooks to the production webhook code.
import { describe, expect, it } from "vitest";
import { allowanceKey } from "../tokens/ledger";
import { startCheckout } from "./checkout";
import { confirmCheckout } from "./confirm-checkout";
import { billingTestHarness } from "@/test/billing/harness";

const h = billingTestHarness();
const TOKENS = 1000n;

async function subscribe(user: { id: string; email: string; name: string }, planId: string) {
  return h.subscribe(user, planId);
}

async function buyPack(
  user: { id: string; email: string; name: string },
  packId: string,
  outcome: "paid" | "async_success" | "async_failure" = "paid",
) {
  const destination = await startCheckout(h.ctx, user, { kind: "pack", id: packId });
  if (destination.kind !== "checkout") throw new Error("expected a checkout");
  await h.sim.completeCheckout(destination.sessionId, outcome);
  await h.sim.settled();
  return destination.sessionId;
}

async function chargeOfSession(sessionId: string): Promise<string> {
  const session = await h.stripe.checkout.sessions.retrieve(sessionId, { expand: ["payment_intent"] });
  const intent = session.payment_intent as { latest_charge: string };
  return intent.latest_charge;
}

describe("subscriptions", () => {
  it("checkout of Pro → active Pro, the period started with 3,000 tokens under the cron's key", async () => {
    const user = await h.newUser();
    const before = await h.buckets(user.id);
    expect(before.allowance).toBe(100n * TOKENS);
    const { subscriptionId } = await subscribe(user, "pro");

    const row = await h.subscriptionRow(user.id);
    expect(row).toMatchObject({ plan_id: "pro", status: "active", cancel_at_period_end: false });
    const sub = await h.stripe.subscriptions.retrieve(subscriptionId);
    const item = sub.items.data[0]!;
    expect((row!.current_period_start as Date).getTime()).toBe(item.current_period_start * 1000);
    expect((row!.current_period_end as Date).getTime()).toBe(item.current_period_end * 1000);

    const after = await h.buckets(user.id);
    expect(after.allowance).toBe(3_000n * TOKENS);
    expect(after.purchased).toBe(0n);
    expect(after.periodStart.getTime()).toBe(item.current_period_start * 1000);
    expect(after.nextResetAt.getTime()).toBe(item.current_period_end * 1000);
    expect(await h.ledgerKeys(user.id)).toContain(allowanceKey(user.id, new Date(item.current_period_start * 1000)));
    expect(h.deliveries.filter((d) => d.status !== 200)).toEqual([]);
  });

  it("a user who subscribes within the second they signed up gets the plan's allowance (Stripe dates periods to the second)", async () => {
    // Sign up at the start of a fresh second: the subscription is created within it, and Stripe
    // dates its period to that whole second, before the sign-up's millisecond.
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000)));
    const user = await h.newUser("same-second", new Date());
    const { subscriptionId } = await subscribe(user, "pro");
    const item = (await h.stripe.subscriptions.retrieve(subscriptionId)).items.data[0]!;
    const after = await h.buckets(user.id);
    expect(after.allowance).toBe(3_000n * TOKENS);
    expect(after.periodStart.getTime()).toBe(item.current_period_start * 1000);
  });

  it("a subscriber choosing another plan goes to the portal's plan-update confirmation, not a second checkout", async () => {
    const user = await h.newUser();
    const { subscriptionId } = await subscribe(user, "pro");
    const elite = await startCheckout(h.ctx, user, { kind: "plan", id: "elite" });
    expect(elite).toMatchObject({ kind: "portal", reason: "plan_change" });
    const same = await startCheckout(h.ctx, user, { kind: "plan", id: "pro" });
    expect(same).toMatchObject({ kind: "portal", reason: "same_plan" });
    const list = await h.stripe.subscriptions.list({
      customer: (await h.subscriptionRow(user.id))!.stripe_customer_id as string,
      status: "all",
    });
    expect(list.data.map((s) => s.id)).toEqual([subscriptionId]);
  });

  it("renewal resets the allowance to the plan's and leaves purchased tokens alone", async () => {
    const user = await h.newUser();
    const { subscriptionId } = await subscribe(user, "pro");
    await buyPack(user, "starter");
    const first = await h.buckets(user.id);
    expect(first).toMatchObject({ allowance: 3_000n * TOKENS, purchased: 2_000n * TOKENS });

    await h.sim.advanceSubscription(subscriptionId);
    await h.sim.settled();
    const sub = await h.stripe.subscriptions.retrieve(subscriptionId);
    const renewed = await h.buckets(user.id);
    expect(renewed.allowance).toBe(3_000n * TOKENS);
    expect(renewed.purchased).toBe(2_000n * TOKENS);
    expect(renewed.periodStart.getTime()).toBe(sub.items.data[0]!.current_period_start * 1000);
    expect(renewed.periodStart.getTime()).toBe(first.nextResetAt.getTime());
    expect(await h.ledgerKeys(user.id)).toContain(allowanceKey(user.id, renewed.periodStart));
  });

  it("an upgrade invoiced at once grants the difference pro-rated from the change (once); a downgrade applies at renewal", async () => {
    const user = await h.newUser();
    const { subscriptionId } = await subscribe(user, "pro");
    const sub = await h.stripe.subscriptions.retrieve(subscriptionId);
    const prices = await h.stripe.prices.list({
      lookup_keys: ["tollgate_plan_elite_monthly", "tollgate_plan_essential_monthly"],
    });
    const price = (key: string) => prices.data.find((p) => p.lookup_key === key)!.id;

    await h.stripe.subscriptions.update(subscriptionId, {
      items: [{ id: sub.items.data[0]!.id, price: price("tollgate_plan_elite_monthly") }],
      proration_behavior: "always_invoice",
    });
    await h.sim.settled();
    expect((await h.subscriptionRow(user.id))!.plan_id).toBe("elite");
    const item = sub.items.data[0]!;
    const proration = await h.stripe.invoices.retrieve(
      (await h.stripe.subscriptions.retrieve(subscriptionId)).latest_invoice as string,
    );
    const changedAt = proration.lines.data[0]!.period.start;
    const upgraded =
      3_000n * TOKENS +
      (2_000n * TOKENS * BigInt(item.current_period_end - changedAt)) /
        BigInt(item.current_period_end - item.current_period_start);
    expect((await h.buckets(user.id)).allowance).toBe(upgraded);

    await h.stripe.subscriptions.update(subscriptionId, {
      items: [{ id: sub.items.data[0]!.id, price: price("tollgate_plan_essential_monthly") }],
      proration_behavior: "create_prorations",
    });
    await h.sim.settled();
    expect((await h.subscriptionRow(user.id))!.plan_id).toBe("essential");
    expect((await h.buckets(user.id)).allowance).toBe(upgraded);

    await h.sim.advanceSubscription(subscriptionId);
    await h.sim.settled();
    expect((await h.buckets(user.id)).allowance).toBe(1_000n * TOKENS);
  });

  it("a failed renewal → past_due, tokens kept, no new allowance; paying it starts the period", async () => {
    const user = await h.newUser();
    const { subscriptionId, customerId } = await subscribe(user, "pro");
    const before = await h.buckets(user.id);
    await h.sim.failNextPayment(customerId);
    await h.sim.advanceSubscription(subscriptionId);
    await h.sim.settled();
    expect((await h.subscriptionRow(user.id))!.status).toBe("past_due");
    const during = await h.buckets(user.id);
    expect(during).toEqual(before);

    const sub = await h.stripe.subscriptions.retrieve(subscriptionId);
    await h.stripe.invoices.pay(sub.latest_invoice as string);
    await h.sim.settled();
    expect((await h.subscriptionRow(user.id))!.status).toBe("active");
    const paid = await h.buckets(user.id);
    expect(paid.allowance).toBe(3_000n * TOKENS);
    expect(paid.periodStart.getTime()).toBe(before.nextResetAt.getTime());
  });

  it("a deleted subscription → no plan, the allowance kept until the period's end (then the free tier)", async () => {
    const user = await h.newUser();
    const { subscriptionId } = await subscribe(user, "pro");
    const before = await h.buckets(user.id);
    await h.stripe.subscriptions.cancel(subscriptionId);
    await h.sim.settled();
    expect(await h.subscriptionRow(user.id)).toMatchObject({ status: "canceled", plan_id: null });
    expect(await h.buckets(user.id)).toEqual(before);
  });
});

describe("packs", () => {
  it("a paid Starter pack grants 2,000 purchased tokens under checkout:<session id>; two checkouts grant twice", async () => {
    const user = await h.newUser();
    const first = await buyPack(user, "starter");
    expect((await h.buckets(user.id)).purchased).toBe(2_000n * TOKENS);
    expect(await h.ledgerKeys(user.id)).toContain(`checkout:${first}`);
    const second = await buyPack(user, "starter");
    expect(second).not.toBe(first);
    expect((await h.buckets(user.id)).purchased).toBe(4_000n * TOKENS);
    expect((await h.buckets(user.id)).allowance).toBe(100n * TOKENS);
  });

  it("a delayed payment grants when it clears, and nothing when it fails", async () => {
    const user = await h.newUser();
    const ok = await buyPack(user, "basic", "async_success");
    expect((await h.buckets(user.id)).purchased).toBe(0n);
    await h.sim.resolveAsyncPayment(ok);
    await h.sim.settled();
    expect((await h.buckets(user.id)).purchased).toBe(3_200n * TOKENS);

    const failed = await buyPack(user, "plus", "async_failure");
    await h.sim.resolveAsyncPayment(failed);
    await h.sim.settled();
    expect((await h.buckets(user.id)).purchased).toBe(3_200n * TOKENS);
  });

  it("a full refund takes back what remains of the pack; a later dispute of the same charge takes nothing more", async () => {
    const user = await h.newUser();
    const sessionId = await buyPack(user, "starter");
    // Spend 500 tokens of it (after the 100 free ones): 1,500 remain.
    await h.t.db.$transaction(async (tx) => {
      const { adjust } = await import("../tokens/ledger");
      const admin = await tx.user.create({ data: { email: `admin-${user.id}@example.com`, role: "admin" } });
      const r = await adjust(tx, {
        userId: user.id,
        amount: -600n * TOKENS,
        reason: "spend",
        actorId: admin.id,
        idempotencyKey: `spend:${user.id}`,
      });
      if (!r.ok) throw new Error(r.error.type);
    });
    expect(await h.buckets(user.id)).toMatchObject({ allowance: 0n, purchased: 1_500n * TOKENS });

    const charge = await chargeOfSession(sessionId);
    await h.stripe.refunds.create({ charge });
    await h.sim.settled();
    expect((await h.buckets(user.id)).purchased).toBe(0n);
    const [row] = await h.t.sql<{ purchased_delta: string; shortfall: string }>(
      "SELECT purchased_delta::text, shortfall::text FROM token_transactions WHERE user_id = $1 AND kind = 'clawback'",
      [user.id],
    );
    expect(row).toEqual({ purchased_delta: String(-1_500n * TOKENS), shortfall: String(500n * TOKENS) });

    // The simulator refuses to dispute a fully refunded charge; Stripe can still send a dispute of
    // one (a chargeback filed anyway): a signed charge.dispute.created for it takes nothing more.
    const dispute = {
      id: `evt_dispute_${user.id}`,
      object: "event",
      type: "charge.dispute.created",
      data: { object: { id: `dp_${user.id}`, object: "dispute", charge, amount: 1900 } },
    };
    expect((await h.deliver(dispute)).body.outcome).toBe("processed");
    const clawbacks = await h.t.sql("SELECT id FROM token_transactions WHERE user_id = $1 AND kind = 'clawback'", [
      user.id,
    ]);
    expect(clawbacks).toHaveLength(1);
  });

  it("a partial refund takes back its share; a dispute afterwards takes the rest", async () => {
    const user = await h.newUser();
    const sessionId = await buyPack(user, "starter"); // €19.00 for 2,000 tokens
    const charge = await chargeOfSession(sessionId);
    await h.stripe.refunds.create({ charge, amount: 475 }); // a quarter
    await h.sim.settled();
    expect((await h.buckets(user.id)).purchased).toBe(1_500n * TOKENS);
    await h.sim.createDispute(charge);
    await h.sim.settled();
    expect((await h.buckets(user.id)).purchased).toBe(0n);
    expect(h.deliveries.filter((d) => d.status !== 200)).toEqual([]);
  });
});

describe("the checkout success page", () => {
  it("applies a session before its webhooks arrive; the webhooks then change nothing", async () => {
    const user = await h.newUser();
    h.hold = [];
    try {
      const pack = await startCheckout(h.ctx, user, { kind: "pack", id: "starter" });
      const plan = await startCheckout(h.ctx, user, { kind: "plan", id: "pro" });
      if (pack.kind !== "checkout" || plan.kind !== "checkout") throw new Error("expected checkouts");
      await h.sim.completeCheckout(pack.sessionId, "paid");
      await h.sim.completeCheckout(plan.sessionId, "paid");
      await h.sim.settled();
      expect((await h.buckets(user.id)).purchased).toBe(0n);

      expect(await confirmCheckout(h.ctx, user.id, pack.sessionId)).toEqual({ ok: true, kind: "pack", paid: true });
      expect(await confirmCheckout(h.ctx, user.id, plan.sessionId)).toEqual({ ok: true, kind: "plan", paid: true });
      expect(await confirmCheckout(h.ctx, user.id, plan.sessionId)).toEqual({ ok: true, kind: "plan", paid: true });
      const confirmed = await h.buckets(user.id);
      expect(confirmed).toMatchObject({ allowance: 3_000n * TOKENS, purchased: 2_000n * TOKENS });
      expect(await h.subscriptionRow(user.id)).toMatchObject({ plan_id: "pro", status: "active" });

      const held = h.hold;
      h.hold = null;
      expect(held.length).toBeGreaterThan(3);
      for (const d of held) {
        const { handleStripeWebhook } = await import("./webhook");
        expect((await handleStripeWebhook(h.ctx, d.body, d.signature, { log: () => {} })).status).toBe(200);
      }
      expect(await h.buckets(user.id)).toEqual(confirmed);
    } finally {
      h.hold = null;
    }
  });

  it("refuses a session of another user's customer", async () => {
    const owner = await h.newUser();
    const other = await h.newUser();
    const pack = await startCheckout(h.ctx, owner, { kind: "pack", id: "starter" });
    if (pack.kind !== "checkout") throw new Error("expected a checkout");
    await startCheckout(h.ctx, other, { kind: "pack", id: "basic" }); // gives `other` a customer too
    await h.sim.completeCheckout(pack.sessionId, "paid");
    await h.sim.settled();
    const otherBefore = await h.buckets(other.id);
    expect(await confirmCheckout(h.ctx, other.id, pack.sessionId)).toEqual({ ok: false, reason: "not_yours" });
    expect(await h.buckets(other.id)).toEqual(otherBefore);
  });
});

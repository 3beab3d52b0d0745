// Auto top-up over real Postgres and the Stripe simulator (webhooks run the production webhook
// code): exactly one PaymentIntent charged and one grant for 50 concurrent settles crossing the
// threshold on five "instances"; duplicate and concurrent webhooks; a retry after a crash; the
// receipt mail; a refund clawing back like a pack.
import { afterEach, describe, expect, it } from "vitest";
import { billingTestHarness } from "@/test/billing/harness";
import { autoTopUpHelpers } from "@/test/billing/auto-topup";
import { verifyLedger } from "../../tokens/ledger";
import { armAttempt } from "./attempt";
import { chargeAttempt, checkAutoTopUp } from "./charge";
import { topUpSucceeded } from "./outcome";
import { sweepAutoTopUps, STALE_MS } from "./sweep";
import type { BillingContext } from "../context";

const h = billingTestHarness({ poolMax: 30 });
const a = autoTopUpHelpers(h);
const BASIC = 3_200_000n; // the Basic pack: 3,200 tokens

afterEach(() => {
  h.sim.setWebhookSwitches({ copies: 1, paused: false });
  expect(a.failures).toEqual([]);
});

describe("the threshold crossing", () => {
  it("50 metered calls crossing at once on five instances charge one PaymentIntent and grant once", async () => {
    const user = await a.userWithCard();
    await a.enable(user.id, { thresholdTokens: 80 });
    a.signedIn.userId = user.id;
    const routes = Array.from({ length: 5 }, () => a.route());
    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => a.call(routes[i % 5]!)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    await a.eventually(async () => (await a.topUpGrants(user.id)).length === 1);
    await h.sim.settled();
    // Let any straggling listener finish: nothing more may happen.
    await new Promise((r) => setTimeout(r, 300));

    const intents = a.intents(user.customerId);
    expect(intents).toHaveLength(1);
    expect(intents[0]).toMatchObject({ status: "succeeded", amount: 2900, currency: "eur" });
    expect(a.charges(intents[0]!.id)).toHaveLength(1);
    expect(await a.topUpGrants(user.id)).toEqual([
      { idempotency_key: `topup:${intents[0]!.id}`, purchased_delta: String(BASIC) },
    ]);
    expect(await a.attempts(user.id)).toEqual([
      expect.objectContaining({
        status: "succeeded",
        idempotency_key: `auto_topup:${user.id}:0`,
        payment_intent_id: intents[0]!.id,
      }),
    ]);
    const balance = await h.buckets(user.id);
    expect(balance.allowance + balance.purchased).toBe(100_000n - 50_000n + BASIC);
    expect((await verifyLedger(h.t.db, { userIds: [user.id] })).mismatches).toEqual([]);
    // The crossing is re-armed (generation 1) and the receipt queued once, with Stripe’s receipt.
    expect((await a.settings(user.id))?.generation).toBe(1);
    const receipts = await a.mails(user.id, "topup_receipt");
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.data).toMatchObject({
      packName: "Basic",
      tokens: 3200,
      amount: { minorUnits: 2900, currency: "eur" },
      receiptUrl: expect.stringMatching(/\/receipts\/ch_/),
    });
  });

  it("50 concurrent checks of one crossing write one attempt and charge once", async () => {
    const user = await a.userWithCard();
    await a.enable(user.id, { thresholdTokens: 150 }); // already below: 100 free tokens
    const results = await Promise.all(Array.from({ length: 50 }, () => checkAutoTopUp(h.ctx, user.id)));
    expect(results.filter((r) => "armed" in r)).toHaveLength(1);
    expect(a.intents(user.customerId)).toHaveLength(1);
    expect(await a.topUpGrants(user.id)).toHaveLength(1);
    expect((await verifyLedger(h.t.db, { userIds: [user.id] })).mismatches).toEqual([]);
  });

  it("nothing happens above the threshold, or when auto top-up is off", async () => {
    const user = await a.userWithCard();
    await a.enable(user.id, { thresholdTokens: 50 });
    expect(await checkAutoTopUp(h.ctx, user.id)).toEqual({ skipped: "above_threshold" });
    await a.enable(user.id, { enabled: false, thresholdTokens: 500 });
    expect(await checkAutoTopUp(h.ctx, user.id)).toEqual({ skipped: "off" });
    expect(a.intents(user.customerId)).toHaveLength(0);
  });
});

describe("exactly once", () => {
  it("the webhook after the synchronous grant, and three copies of it, grant nothing more", async () => {
    h.sim.setWebhookSwitches({ copies: 3 });
    const user = await a.userWithCard();
    await a.enable(user.id, { thresholdTokens: 150 });
    expect(await checkAutoTopUp(h.ctx, user.id)).toMatchObject({ charged: "succeeded" });
    await h.sim.settled();
    const [intent] = a.intents(user.customerId);
    const outcomes = h.deliveries.filter((d) => d.type === "payment_intent.succeeded" && d.status === 200);
    expect(outcomes.length).toBeGreaterThanOrEqual(1);
    expect(await a.topUpGrants(user.id)).toEqual([
      { idempotency_key: `topup:${intent!.id}`, purchased_delta: String(BASIC) },
    ]);
    expect(await a.mails(user.id, "topup_receipt")).toHaveLength(1);
  });

  it("concurrent duplicate webhooks (distinct event ids) before the synchronous answer grant once", async () => {
    const user = await a.userWithCard();
    await a.enable(user.id, { thresholdTokens: 150 });
    const armed = await armAttempt(h.ctx.db, user.id);
    if (!("armed" in armed)) throw new Error("not armed");
    // The create call's answer is lost (a crash): only the webhooks are left to grant.
    h.hold = [];
    const charged = await chargeAttempt(lostAnswer(h.ctx), armed.armed.id);
    expect(charged).toBe("pending");
    await h.sim.settled();
    const held = h.hold.map((d) => JSON.parse(d.body) as { id: string; type: string });
    h.hold = null;
    const succeeded = held.find((e) => e.type === "payment_intent.succeeded")!;
    const copies = Array.from({ length: 6 }, (_, i) => ({ ...succeeded, id: `${succeeded.id}_copy${i}` }));
    const answers = await Promise.all(copies.map((event) => h.deliver(event)));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(await a.topUpGrants(user.id)).toHaveLength(1);
    expect(await a.attempts(user.id)).toEqual([expect.objectContaining({ status: "succeeded" })]);
    // Concurrent direct calls too (the sync path and the webhook at once).
    const intentId = a.intents(user.customerId)[0]!.id;
    await Promise.all(Array.from({ length: 5 }, () => topUpSucceeded(h.ctx, intentId)));
    expect(await a.topUpGrants(user.id)).toHaveLength(1);
    expect(await a.mails(user.id, "topup_receipt")).toHaveLength(1);
  });

  it("a crash after the attempt was written (never sent, or its answer lost) is charged once by the sweep", async () => {
    h.sim.pauseWebhooks();
    const never = await a.userWithCard();
    const lost = await a.userWithCard();
    for (const user of [never, lost]) await a.enable(user.id, { thresholdTokens: 150 });
    const neverArmed = await armAttempt(h.ctx.db, never.id); // the process died right after the commit
    const lostArmed = await armAttempt(h.ctx.db, lost.id);
    if (!("armed" in neverArmed) || !("armed" in lostArmed)) throw new Error("not armed");
    expect(await chargeAttempt(lostAnswer(h.ctx), lostArmed.armed.id)).toBe("pending");
    expect(a.intents(lost.customerId)).toHaveLength(1);
    // A second settle does not make a second attempt while the first is pending.
    expect(await checkAutoTopUp(h.ctx, lost.id)).toEqual({ skipped: "already_attempted" });
    const later = new Date(Date.now() + STALE_MS + 1_000);
    const report = await sweepAutoTopUps(h.ctx, later);
    expect(report.retried).toBe(2);
    await sweepAutoTopUps(h.ctx, later); // a second run finds nothing pending
    h.sim.resumeWebhooks();
    await h.sim.settled();
    for (const user of [never, lost]) {
      const intents = a.intents(user.customerId);
      expect(intents).toHaveLength(1);
      expect(a.charges(intents[0]!.id)).toHaveLength(1);
      expect(await a.topUpGrants(user.id)).toHaveLength(1);
      expect((await verifyLedger(h.t.db, { userIds: [user.id] })).mismatches).toEqual([]);
    }
  });
});

describe("the sweep", () => {
  it("an attempt pending past Stripe's 24 h key window is abandoned, not charged: off, mailed, re-armed on turn-on", async () => {
    const user = await a.userWithCard();
    await a.enable(user.id, { thresholdTokens: 150 });
    const armed = await armAttempt(h.ctx.db, user.id);
    if (!("armed" in armed)) throw new Error("not armed");
    const report = await sweepAutoTopUps(h.ctx, new Date(Date.now() + 25 * 60 * 60_000));
    expect(report.abandoned).toBe(1);
    expect(a.intents(user.customerId)).toHaveLength(0);
    expect(await a.attempts(user.id)).toEqual([
      expect.objectContaining({ status: "failed", failure_code: "abandoned" }),
    ]);
    expect(await a.settings(user.id)).toMatchObject({ enabled: false, disabled_reason: "abandoned" });
    expect((await a.mails(user.id, "topup_failed"))[0]!.data).toMatchObject({ reason: "other" });
    // Turned on again: a new crossing (generation 1), charged once.
    await a.enable(user.id, { thresholdTokens: 150 });
    expect(await checkAutoTopUp(h.ctx, user.id, new Date(Date.now() + 2 * 60 * 60_000))).toMatchObject({
      armed: { idempotencyKey: `auto_topup:${user.id}:1` },
      charged: "succeeded",
    });
  });

  it("finds an account below its threshold that no listener told", async () => {
    const user = await a.userWithCard();
    await a.enable(user.id, { thresholdTokens: 150 });
    const report = await sweepAutoTopUps(h.ctx);
    expect(report.checked).toBeGreaterThanOrEqual(1);
    expect(await a.topUpGrants(user.id)).toHaveLength(1);
  });
});

describe("money back", () => {
  it("a refund of a top-up's charge takes its tokens back like a pack's", async () => {
    const user = await a.userWithCard();
    await a.enable(user.id, { thresholdTokens: 150 });
    await checkAutoTopUp(h.ctx, user.id);
    await h.sim.settled();
    const before = await h.buckets(user.id);
    const [intent] = a.intents(user.customerId);
    await a.enable(user.id, { enabled: false }); // no new top-up after the refund
    h.sim.refundCharge(intent!.latest_charge as string);
    await h.sim.settled();
    const after = await h.buckets(user.id);
    expect(before.purchased - after.purchased).toBe(BASIC);
    expect(await h.ledgerKeys(user.id)).toContain(`refund:${intent!.latest_charge as string}:${BASIC}`);
    expect((await verifyLedger(h.t.db, { userIds: [user.id] })).mismatches).toEqual([]);
  });
});

/** A context whose PaymentIntent create reaches Stripe but whose answer is lost (the process died). */
function lostAnswer(ctx: BillingContext): BillingContext {
  const paymentIntents = Object.create(ctx.stripe.paymentIntents) as typeof ctx.stripe.paymentIntents;
  paymentIntents.create = (async (...args: Parameters<typeof ctx.stripe.paymentIntents.create>) => {
    await ctx.stripe.paymentIntents.create(...args);
    throw new Error("connection reset: the answer was lost");
  }) as typeof paymentIntents.create;
  const stripe = Object.create(ctx.stripe) as typeof ctx.stripe;
  Object.defineProperty(stripe, "paymentIntents", { value: paymentIntents });
  return { ...ctx, stripe };
}

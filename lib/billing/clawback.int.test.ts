// Money that goes back takes its tokens back (issue 14 §3): a refunded or disputed subscription
// invoice claws back the allowance it granted (what remains of it, pro-rata for a partial refund), a
// won dispute gives it back, and a pack's won dispute gives the pack back. End to end: the
// simulator refunds / disputes, sends signed webhooks, the production webhook code applies them.
import { describe, expect, it } from "vitest";
import { settle } from "../tokens/ledger";
import { holdOrThrow, reserveInput } from "@/test/ledger/helpers";
import { startCheckout } from "./checkout";
import { billingTestHarness } from "@/test/billing/harness";

const h = billingTestHarness();
const TOKENS = 1000n;
const PRO = 3_000n * TOKENS; // Pro: 3,000 tokens for $19.00
const PRO_CENTS = 1900n;

type User = { id: string; email: string; name: string };

async function subscribe(user: User, planId = "pro") {
  const { subscriptionId, customerId } = await h.subscribe(user, planId);
  return { subscriptionId, customerId };
}

/** The charge that paid the subscription's latest invoice (invoice → payments → payment intent → charge). */
async function chargeOfLatestInvoice(subscriptionId: string): Promise<{ chargeId: string; invoiceId: string }> {
  const sub = await h.stripe.subscriptions.retrieve(subscriptionId);
  const invoice = await h.stripe.invoices.retrieve(sub.latest_invoice as string, { expand: ["payments"] });
  const intent = await h.stripe.paymentIntents.retrieve(invoice.payments!.data[0]!.payment.payment_intent as string);
  return { chargeId: intent.latest_charge as string, invoiceId: invoice.id };
}

async function spend(userId: string, millitokens: bigint) {
  const id = await holdOrThrow(h.t.db, reserveInput(userId, millitokens));
  await settle(h.t.db, { reservationId: id, cost: millitokens });
}

async function chargeRows(userId: string, chargeId: string) {
  return h.t.sql<{
    kind: string;
    allowance_delta: string;
    purchased_delta: string;
    shortfall: string;
    idempotency_key: string;
    reason: string;
  }>(
    `SELECT kind::text, allowance_delta::text, purchased_delta::text, shortfall::text, idempotency_key, reason FROM token_transactions
     WHERE user_id = $1 AND source_ref = $2 ORDER BY id`,
    [userId, chargeId],
  );
}

/** The last webhook event the simulator sent of `type`, as its signed body would carry it. */
function lastEvent(type: string) {
  const event = [...h.sim.events].reverse().find((e) => e.type === type);
  if (!event) throw new Error(`no ${type} event`);
  return event;
}

describe("a refunded subscription invoice", () => {
  it("a full refund takes back the whole allowance the invoice granted: one clawback row, exact millitokens; a redelivery changes nothing", async () => {
    const user = await h.newUser("refund-full");
    const { subscriptionId } = await subscribe(user);
    expect((await h.buckets(user.id)).allowance).toBe(PRO);
    const { chargeId } = await chargeOfLatestInvoice(subscriptionId);

    await h.stripe.refunds.create({ charge: chargeId });
    await h.sim.settled();
    expect(await h.buckets(user.id)).toMatchObject({ allowance: 0n, purchased: 0n });
    expect(await chargeRows(user.id, chargeId)).toEqual([
      {
        kind: "clawback",
        allowance_delta: String(-PRO),
        purchased_delta: "0",
        shortfall: "0",
        idempotency_key: `refund:${chargeId}:${PRO}`,
        reason: "subscription payment refunded",
      },
    ]);

    // Stripe delivers the same event again, and a fresh copy of it: nothing more is taken.
    const event = lastEvent("charge.refunded");
    expect((await h.deliver(event)).body.outcome).toBe("duplicate");
    expect((await h.deliver({ ...event, id: `${event.id}_again` })).status).toBe(200);
    expect(await chargeRows(user.id, chargeId)).toHaveLength(1);
    expect((await h.buckets(user.id)).allowance).toBe(0n);
  });

  it("partial refunds take their pro-rata share, rounded up, adding up to the refunded total", async () => {
    const user = await h.newUser("refund-partial");
    const { subscriptionId } = await subscribe(user);
    const { chargeId } = await chargeOfLatestInvoice(subscriptionId);

    await h.stripe.refunds.create({ charge: chargeId, amount: 700 });
    await h.sim.settled();
    const first = (PRO * 700n + PRO_CENTS - 1n) / PRO_CENTS; // 1,105,264 (1,105,263.16 rounded up)
    expect(first).toBe(1_105_264n);
    expect((await h.buckets(user.id)).allowance).toBe(PRO - first);

    await h.stripe.refunds.create({ charge: chargeId, amount: 100 });
    await h.sim.settled();
    const second = (PRO * 800n + PRO_CENTS - 1n) / PRO_CENTS; // 1,263,158 in total
    expect(second).toBe(1_263_158n);
    expect((await h.buckets(user.id)).allowance).toBe(PRO - second);
    expect((await chargeRows(user.id, chargeId)).map((r) => [r.allowance_delta, r.idempotency_key])).toEqual([
      [String(-first), `refund:${chargeId}:${first}`],
      [String(-(second - first)), `refund:${chargeId}:${second}`],
    ]);

    // The first refund's event redelivered late (a fresh event id): still nothing more.
    const event = h.sim.events.find(
      (e) => e.type === "charge.refunded" && (e.data as { object: { id: string } }).object.id === chargeId,
    )!;
    expect((await h.deliver({ ...event, id: `${event.id}_late` })).status).toBe(200);
    expect((await h.buckets(user.id)).allowance).toBe(PRO - second);
  });

  it("takes only what remains of the allowance; the rest is recorded as shortfall", async () => {
    const user = await h.newUser("refund-spent");
    const { subscriptionId } = await subscribe(user);
    const { chargeId } = await chargeOfLatestInvoice(subscriptionId);
    await spend(user.id, 2_500_123n);

    await h.stripe.refunds.create({ charge: chargeId });
    await h.sim.settled();
    expect((await h.buckets(user.id)).allowance).toBe(0n);
    expect(await chargeRows(user.id, chargeId)).toEqual([
      expect.objectContaining({
        kind: "clawback",
        allowance_delta: "-499877",
        shortfall: "2500123",
        idempotency_key: `refund:${chargeId}:${PRO}`,
      }),
    ]);
  });

  it("a refund of an earlier period's invoice after renewal takes nothing from the new period (that allowance expired)", async () => {
    const user = await h.newUser("refund-old");
    const { subscriptionId } = await subscribe(user);
    const { chargeId } = await chargeOfLatestInvoice(subscriptionId);
    await h.sim.advanceSubscription(subscriptionId);
    await h.sim.settled();
    expect((await h.buckets(user.id)).allowance).toBe(PRO);

    await h.stripe.refunds.create({ charge: chargeId });
    await h.sim.settled();
    expect((await h.buckets(user.id)).allowance).toBe(PRO);
    expect(await chargeRows(user.id, chargeId)).toEqual([
      expect.objectContaining({ kind: "clawback", allowance_delta: "0", shortfall: String(PRO) }),
    ]);
  });
});

describe("order of events", () => {
  it("a refund handled before its invoice.paid: the period is started first, then taken back; the later events change nothing", async () => {
    const user = await h.newUser("refund-first");
    h.hold = [];
    let held: { body: string; signature: string }[];
    try {
      const destination = await startCheckout(h.ctx, user, { kind: "plan", id: "pro" });
      if (destination.kind !== "checkout") throw new Error("expected a checkout");
      await h.sim.completeCheckout(destination.sessionId, "paid");
      const session = await h.stripe.checkout.sessions.retrieve(destination.sessionId);
      const { chargeId } = await chargeOfLatestInvoice(session.subscription as string);
      await h.stripe.refunds.create({ charge: chargeId });
      await h.sim.settled();
      held = h.hold;
    } finally {
      h.hold = null;
    }
    const type = (d: { body: string }) => (JSON.parse(d.body) as { type: string }).type;
    const refund = held.filter((d) => type(d) === "charge.refunded");
    expect(refund).toHaveLength(1);
    for (const d of [...refund, ...held.filter((d) => type(d) !== "charge.refunded")]) {
      expect((await h.deliver(JSON.parse(d.body) as object)).status).toBe(200);
    }
    expect(await h.buckets(user.id)).toMatchObject({ allowance: 0n, purchased: 0n });
    const rows = await h.t.sql<{ kind: string; allowance_delta: string }>(
      "SELECT kind::text, allowance_delta::text FROM token_transactions WHERE user_id = $1 AND kind IN ('grant_allowance', 'clawback') ORDER BY id",
      [user.id],
    );
    expect(rows).toEqual([
      { kind: "grant_allowance", allowance_delta: String(PRO) },
      { kind: "clawback", allowance_delta: String(-PRO) },
    ]);
  });
});

describe("a disputed subscription invoice", () => {
  it("a dispute takes the allowance back at once; a won dispute gives back what was taken, once", async () => {
    const user = await h.newUser("dispute-won");
    const { subscriptionId } = await subscribe(user);
    const { chargeId } = await chargeOfLatestInvoice(subscriptionId);
    await spend(user.id, 1_000_000n);

    const dispute = h.sim.createDispute(chargeId);
    await h.sim.settled();
    expect((await h.buckets(user.id)).allowance).toBe(0n);

    h.sim.closeDispute(dispute.id as string, "won");
    await h.sim.settled();
    expect((await h.buckets(user.id)).allowance).toBe(PRO - 1_000_000n);
    expect(await chargeRows(user.id, chargeId)).toEqual([
      {
        kind: "clawback",
        allowance_delta: "-2000000",
        purchased_delta: "0",
        shortfall: "1000000",
        idempotency_key: `refund:${chargeId}:${PRO}`,
        reason: "subscription payment disputed",
      },
      {
        kind: "grant_allowance",
        allowance_delta: "2000000",
        purchased_delta: "0",
        shortfall: "0",
        idempotency_key: `restore:${chargeId}:1:0`,
        reason: "Dispute won: allowance given back",
      },
    ]);

    // Every event of the charge redelivered, in reverse: the state stays.
    for (const type of ["charge.dispute.closed", "charge.dispute.created"]) {
      const event = lastEvent(type);
      expect((await h.deliver({ ...event, id: `${event.id}_again` })).status).toBe(200);
    }
    expect((await h.buckets(user.id)).allowance).toBe(PRO - 1_000_000n);
    expect(await chargeRows(user.id, chargeId)).toHaveLength(2);
  });

  it("a lost dispute keeps it taken; a refund and a dispute of one charge take it once", async () => {
    const user = await h.newUser("dispute-lost");
    const { subscriptionId } = await subscribe(user);
    const { chargeId } = await chargeOfLatestInvoice(subscriptionId);
    await h.stripe.refunds.create({ charge: chargeId, amount: 950 });
    await h.sim.settled();
    expect((await h.buckets(user.id)).allowance).toBe(PRO / 2n);

    const dispute = h.sim.createDispute(chargeId);
    await h.sim.settled();
    expect((await h.buckets(user.id)).allowance).toBe(0n);
    h.sim.closeDispute(dispute.id as string, "lost");
    await h.sim.settled();
    expect((await h.buckets(user.id)).allowance).toBe(0n);
    expect((await chargeRows(user.id, chargeId)).map((r) => [r.kind, r.allowance_delta])).toEqual([
      ["clawback", "-1500000"],
      ["clawback", "-1500000"],
    ]);
  });

  it("a won dispute after a partial refund gives back only what the dispute took", async () => {
    const user = await h.newUser("dispute-after-refund");
    const { subscriptionId } = await subscribe(user);
    const { chargeId } = await chargeOfLatestInvoice(subscriptionId);
    await h.stripe.refunds.create({ charge: chargeId, amount: 950 }); // takes 1,500,000
    await h.sim.settled();
    await spend(user.id, 1_200_000n); // 300,000 left
    const dispute = h.sim.createDispute(chargeId); // asks 1,500,000 more: 300,000 taken, 1,200,000 short
    await h.sim.settled();
    expect((await h.buckets(user.id)).allowance).toBe(0n);
    h.sim.closeDispute(dispute.id as string, "won");
    await h.sim.settled();
    expect((await h.buckets(user.id)).allowance).toBe(300_000n);
  });
});

describe("packs are consistent", () => {
  it("a disputed pack is taken back, and given back when the dispute is won", async () => {
    const user = await h.newUser("pack-dispute");
    const destination = await startCheckout(h.ctx, user, { kind: "pack", id: "starter" });
    if (destination.kind !== "checkout") throw new Error("expected a checkout");
    await h.sim.completeCheckout(destination.sessionId, "paid");
    await h.sim.settled();
    const session = await h.stripe.checkout.sessions.retrieve(destination.sessionId, { expand: ["payment_intent"] });
    const chargeId = (session.payment_intent as { latest_charge: string }).latest_charge;
    expect((await h.buckets(user.id)).purchased).toBe(2_000n * TOKENS);

    const dispute = h.sim.createDispute(chargeId);
    await h.sim.settled();
    expect((await h.buckets(user.id)).purchased).toBe(0n);
    h.sim.closeDispute(dispute.id as string, "won");
    await h.sim.settled();
    expect((await h.buckets(user.id)).purchased).toBe(2_000n * TOKENS);
    expect((await chargeRows(user.id, chargeId)).map((r) => [r.kind, r.purchased_delta, r.idempotency_key])).toEqual([
      ["clawback", "-2000000", `refund:${chargeId}:2000000`],
      ["grant_pack", "2000000", `restore:${chargeId}:1:0`],
    ]);
    expect((await h.buckets(user.id)).allowance).toBe(100n * TOKENS);
  });
});

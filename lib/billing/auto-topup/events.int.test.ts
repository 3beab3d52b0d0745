// The outgoing integrator events of an auto top-up (docs/OUTGOING_WEBHOOKS.md): `topup.succeeded`
// once per PaymentIntent, written with the grant (three copies of Stripe's webhook still make one),
// and `topup.failed` once per attempt with the reason — a decline is `payment_failed`, a card that
// needs 3-D Secure `requires_action` — written with the turning off. Read from the outbox table
// (the delivery itself is lib/webhooks' own tests).
import { beforeEach, describe, expect, it } from "vitest";
import { billingTestHarness } from "@/test/billing/harness";
import { autoTopUpHelpers } from "@/test/billing/auto-topup";
import { createEndpoint } from "../../webhooks/endpoints";
import { parseWebhookPayload } from "../../webhooks/events";
import { checkAutoTopUp } from "./charge";

const h = billingTestHarness();
const a = autoTopUpHelpers(h);

beforeEach(async () => {
  await h.t.sql("DELETE FROM webhook_endpoints");
  const created = await createEndpoint(
    h.t.db,
    { url: "http://127.0.0.1:9/hooks", eventTypes: ["topup.succeeded", "topup.failed"] },
    { adminId: "admin", allowPrivate: true },
  );
  if (!created.ok) throw new Error(created.message);
});

async function events(userId: string) {
  const rows = await h.t.sql<{ type: string; idempotency_key: string; payload: string }>(
    "SELECT type, idempotency_key, payload FROM webhook_events WHERE user_id = $1 ORDER BY created_at",
    [userId],
  );
  return rows.map((r) => ({ key: r.idempotency_key, ...parseWebhookPayload(r.payload) }));
}

describe("auto top-up's outgoing events", () => {
  it("topup.succeeded once, with the pack, the tokens granted and the amount received", async () => {
    h.sim.setWebhookSwitches({ copies: 3 });
    const user = await a.userWithCard();
    await a.enable(user.id, { thresholdTokens: 150 });
    expect(await checkAutoTopUp(h.ctx, user.id)).toMatchObject({ charged: "succeeded" });
    await h.sim.settled();
    const [intent] = a.intents(user.customerId);
    expect(await events(user.id)).toEqual([
      {
        key: `topup.succeeded:${intent!.id}`,
        type: "topup.succeeded",
        timestamp: expect.any(String),
        data: {
          userId: user.id,
          packId: "basic",
          grantedMillitokens: "3200000",
          amountCents: intent!.amount_received,
          currency: intent!.currency,
          paymentIntentId: intent!.id,
        },
      },
    ]);
  });

  it.each([
    ["pm_card_chargeDeclined", "payment_failed"],
    ["pm_card_authenticationRequired", "requires_action"],
  ] as const)("topup.failed once for %s: %s", async (card, reason) => {
    const user = await a.userWithCard(card);
    await a.enable(user.id, { thresholdTokens: 150 });
    expect(await checkAutoTopUp(h.ctx, user.id)).toMatchObject({ charged: "failed" });
    await h.sim.settled(); // payment_intent.payment_failed comes too: still one event
    const [attempt] = await a.attempts(user.id);
    const [intent] = a.intents(user.customerId);
    expect(await events(user.id)).toEqual([
      {
        key: `topup.failed:${attempt!.idempotency_key}`,
        type: "topup.failed",
        timestamp: expect.any(String),
        data: { userId: user.id, packId: "basic", reason, paymentIntentId: intent!.id },
      },
    ]);
  });
});

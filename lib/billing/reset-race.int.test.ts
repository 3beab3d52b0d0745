// The monthly reset cron and Stripe's renewal webhooks racing on the same periods: whichever comes
// first starts the period, the other is a no-op (they share the key `allowance:<user>:<start>`).
// Real parts on both sides: the simulator renews the subscriptions and signs the webhooks, the
// production webhook code handles them, and the production reset runs at the same time.
import { describe, expect, it } from "vitest";
import { verifyLedger } from "../tokens/ledger";
import { resetMonthlyTokens } from "../tokens/reset/monthly-reset";
import { syncSubscription } from "./sync-subscription";
import { billingTestHarness } from "@/test/billing/harness";
import { handleStripeWebhook } from "./webhook";

const h = billingTestHarness();
const PRO = 3_000_000n;

async function subscribePro(label: string) {
  const user = await h.newUser(label);
  const { subscriptionId, customerId } = await h.subscribe(user, "pro");
  return { userId: user.id, subscriptionId, customerId };
}

describe("renewal: invoice.paid and the reset cron racing", () => {
  it("start each renewed period exactly once, whoever wins", async () => {
    const subscribers = [];
    for (let i = 0; i < 6; i++) subscribers.push(await subscribePro("race"));

    // Renew every subscription while the app's webhook endpoint only queues the deliveries.
    h.hold = [];
    for (const s of subscribers) await h.sim.advanceSubscription(s.subscriptionId);
    await h.sim.settled();
    const held = h.hold;
    h.hold = null;
    expect(held.length).toBeGreaterThan(0);
    // Our copy of Stripe learns the new periods (as a success page or portal return would sync).
    for (const s of subscribers) await syncSubscription(h.ctx, s.customerId);
    const renewed = await Promise.all(subscribers.map((s) => h.subscriptionRow(s.userId)));
    const starts = renewed.map((row) => row!.current_period_start as Date);

    // Now both at once: every held webhook delivered concurrently with the cron.
    const now = new Date(Math.max(...starts.map((d) => d.getTime())) + 1);
    const [summary] = await Promise.all([
      resetMonthlyTokens(h.t.db, { connectionString: h.t.directUrl }, { now, renewalGraceMs: 0, batchSize: 2 }),
      ...held.map((d) => handleStripeWebhook(h.ctx, d.body, d.signature, { log: () => {} })),
    ]);
    expect(summary.errors).toEqual([]);

    for (const [i, s] of subscribers.entries()) {
      // Two plan grants in all: the subscription's first period, and its renewal — once.
      const grants = await h.t.sql<{ idempotency_key: string }>(
        "SELECT idempotency_key FROM token_transactions WHERE user_id = $1 AND kind = 'grant_allowance' ORDER BY id",
        [s.userId],
      );
      expect(grants).toHaveLength(2);
      expect(grants[1]!.idempotency_key).toBe(`allowance:${s.userId}:${starts[i]!.toISOString()}`);
      expect(await h.buckets(s.userId)).toMatchObject({ allowance: PRO, periodStart: starts[i] });
    }
    expect((await verifyLedger(h.t.db)).mismatches).toEqual([]);
  });
});

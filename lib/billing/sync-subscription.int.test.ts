// The convergent sync reads Stripe outside any transaction, then writes under the user's lock only
// if its read began no earlier than the stored one's: a slow reader never overwrites a newer state.
import { describe, expect, it } from "vitest";
import { withUserLock } from "./context";
import { startCheckout } from "./checkout";
import { readSubscription, syncSubscriptionLocked } from "./sync-subscription";
import { billingTestHarness } from "@/test/billing/harness";

const h = billingTestHarness();

describe("syncSubscription: read, then lock and write", () => {
  it("a read that began earlier never overwrites what a later read wrote, in either order of writing", async () => {
    const user = await h.newUser("sync-order");
    const destination = await startCheckout(h.ctx, user, { kind: "plan", id: "pro" });
    if (destination.kind !== "checkout") throw new Error("expected a checkout");
    await h.sim.completeCheckout(destination.sessionId, "paid");
    await h.sim.settled();
    const row = await h.subscriptionRow(user.id);
    const customerId = row!.stripe_customer_id as string;
    const subscriptionId = row!.stripe_subscription_id as string;

    h.hold = []; // webhooks queued, not processed: only our two syncs write
    try {
      const older = await readSubscription(h.ctx, customerId); // sees cancel_at_period_end = false
      await h.stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true });
      const newer = await readSubscription(h.ctx, customerId); // sees true

      // The later read writes first, then the earlier one arrives: refused, the row stays.
      await withUserLock(h.ctx, user.id, (tx) => syncSubscriptionLocked(tx, user.id, newer));
      const kept = await withUserLock(h.ctx, user.id, (tx) => syncSubscriptionLocked(tx, user.id, older));
      expect(kept.cancelAtPeriodEnd).toBe(true);
      expect((await h.subscriptionRow(user.id))!.cancel_at_period_end).toBe(true);

      // In order (the earlier first) the later one wins as well.
      await h.stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: false });
      const third = await readSubscription(h.ctx, customerId);
      const fourth = await readSubscription(h.ctx, customerId);
      await withUserLock(h.ctx, user.id, (tx) => syncSubscriptionLocked(tx, user.id, third));
      await withUserLock(h.ctx, user.id, (tx) => syncSubscriptionLocked(tx, user.id, fourth));
      expect((await h.subscriptionRow(user.id))!.cancel_at_period_end).toBe(false);
      // And the first read, long stale, still cannot go back over them.
      await withUserLock(h.ctx, user.id, (tx) => syncSubscriptionLocked(tx, user.id, newer));
      expect((await h.subscriptionRow(user.id))!.cancel_at_period_end).toBe(false);
    } finally {
      h.hold = null;
    }
  });
});

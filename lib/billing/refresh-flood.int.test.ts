// GET side effects (issue 14 §5): `?checkout=success` and `?portal=returned` call Stripe. A flood of
// such GETs from one user must not starve another user's metered calls of pooled connections:
// Stripe is read outside transactions and the refreshes are debounced per user. Measured here on
// the production code: 40 concurrent confirmCheckout / refreshAfterPortal of one user, against a
// Stripe that answers after 40 ms, while another user's metered call (reserve → the model call →
// settle, through the ledger pipeline, on the same 10-connection pool) is timed.
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { LedgerPipeline } from "../tokens/ledger";
import { reserveInput } from "@/test/ledger/helpers";
import { startCheckout } from "./checkout";
import { confirmCheckout, refreshAfterPortal } from "./confirm-checkout";
import { billingTestHarness } from "@/test/billing/harness";

const POOL = 10; // DATABASE_POOL_MAX's default
const STRIPE_LATENCY_MS = 40;
/** A metered call's model time: the ledger's part is a few ms, the model's is what a user waits for. */
const MODEL_MS = 100;

const h = billingTestHarness({ poolMax: POOL, latencyMs: STRIPE_LATENCY_MS });

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe("a flood of checkout-success / portal-return GETs from one user", () => {
  it(
    "slows none of another user's metered calls by 2× or more, and calls Stripe a bounded number of times",
    { timeout: 120_000 },
    async () => {
      const flooder = await h.newUser("flooder");
      const destination = await startCheckout(h.ctx, flooder, { kind: "plan", id: "pro" });
      if (destination.kind !== "checkout") throw new Error("expected a checkout");
      await h.sim.completeCheckout(destination.sessionId, "paid");
      await h.sim.settled();
      const victim = await h.newUser("victim");
      const pipeline = new LedgerPipeline({ pool: h.t.pool, db: h.t.db });

      /** One metered call of the other user: hold, the model's time, settle. Returns its ms. */
      async function meteredCall(): Promise<{ total: number; ledger: number }> {
        const started = performance.now();
        const held = await pipeline.reserve(reserveInput(victim.id, 2_000n));
        if (!held.ok) throw new Error(held.error.type);
        const reserved = performance.now();
        await sleep(MODEL_MS);
        const beforeSettle = performance.now();
        const settled = await pipeline.settle({ reservationId: held.reservation.id, userId: victim.id, cost: 1_000n });
        if (!settled.ok) throw new Error(settled.error.type);
        const done = performance.now();
        return { total: done - started, ledger: reserved - started + (done - beforeSettle) };
      }

      // Baseline, in the same test: no flood.
      await meteredCall();
      const baseline: number[] = [];
      for (let i = 0; i < 8; i++) baseline.push((await meteredCall()).total);

      // The flood: 40 GETs at once (half back from checkout, half back from the portal), while the
      // other user's calls keep running until it is over.
      const requestsBefore = h.sim.requests.length;
      let flooding = true;
      const flood = Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          i % 2 === 0
            ? confirmCheckout(h.ctx, flooder.id, destination.sessionId)
            : refreshAfterPortal(h.ctx, flooder.id),
        ),
      ).finally(() => (flooding = false));
      const during: { total: number; ledger: number }[] = [];
      while (flooding || during.length < 3) during.push(await meteredCall());
      const results = await flood;
      const stripeCalls = h.sim.requests.length - requestsBefore;

      // The slowdown of the slowest metered call during the flood: every call must stay under 2×.
      const ratio = Math.max(...during.map((d) => d.total)) / median(baseline);
      console.log(
        `[refresh flood] baseline median ${median(baseline).toFixed(1)} ms; during the flood median ${median(during.map((d) => d.total)).toFixed(1)} ms ` +
          `(slowest ${Math.max(...during.map((d) => d.total)).toFixed(1)} ms, ledger part max ${Math.max(...during.map((d) => d.ledger)).toFixed(1)} ms, ` +
          `${during.length} calls); ratio ${ratio.toFixed(2)}; Stripe requests for 40 GETs: ${stripeCalls}`,
      );
      expect(results.filter((r) => r !== undefined)).toEqual(Array(20).fill({ ok: true, kind: "plan", paid: true }));
      expect(ratio).toBeLessThan(2);
      // One checkout confirmation and one portal refresh actually ran (each a handful of reads).
      expect(stripeCalls).toBeLessThanOrEqual(12);
    },
  );

  it("asked again within the interval, the refresh waits its turn and then runs once; another user's is not held back by it", async () => {
    const a = await h.newUser("debounce-a");
    const b = await h.newUser("debounce-b");
    for (const u of [a, b]) {
      const destination = await startCheckout(h.ctx, u, { kind: "plan", id: "pro" });
      if (destination.kind !== "checkout") throw new Error("expected a checkout");
      await h.sim.completeCheckout(destination.sessionId, "paid");
    }
    await h.sim.settled();
    await refreshAfterPortal(h.ctx, a.id);
    const before = h.sim.requests.length;
    const waiting = Promise.all([
      refreshAfterPortal(h.ctx, a.id),
      refreshAfterPortal(h.ctx, a.id),
      refreshAfterPortal(h.ctx, a.id),
    ]);
    await refreshAfterPortal(h.ctx, b.id); // another user: at once
    const afterB = h.sim.requests.length;
    expect(afterB).toBeGreaterThan(before);
    await waiting;
    // The three of user a: one refresh (one subscription list), after the interval.
    const listed = h.sim.requests.slice(afterB).filter((r) => r.method === "GET" && r.path === "/v1/subscriptions");
    expect(listed).toHaveLength(1);
  });
});

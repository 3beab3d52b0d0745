// Admin replay of a logged Stripe event: re-runs its handler through the same dispatcher and the same
// claim log as the webhook endpoint (./index.ts `runClaimed`), so a replay is one more attempt of the
// event — attempts + 1, then processed / ignored / failed with the error.
//
// Which event is replayed: the payload stored in `stripe_webhooks_log`, not a fresh copy fetched from
// Stripe. The stored payload is exactly the body whose signature was verified on receipt, and Stripe
// keeps events retrievable for 30 days only, so an old failure could not be replayed otherwise. The
// handlers never build state from the payload anyway: they re-read the subscription, invoice, session
// or charge from Stripe (convergent sync), so a replay acts on Stripe's current state.
//
// Idempotent: each handler writes the ledger under the same idempotency key whichever delivery runs
// it (`invoice:<id>`, `checkout:<session id>`, `refund:<charge id>`, …), so replaying an event that was
// already processed changes no balance a second time. A replay never runs beside an attempt in flight:
// it claims the row first, and a row `processing` (and not stale) is refused.
import type Stripe from "stripe";
import type { BillingContext } from "../context";
import { handlerFor } from "./dispatch";
import { runClaimed, webhookLog } from "./index";
import { STALE_CLAIM_MS } from "./log";

export type ReplayResult =
  | { ok: true; outcome: "processed" | "ignored" | "failed"; attempt: number }
  | { ok: false; error: "not_found" | "not_handled" | "in_progress" };

export async function replayWebhookEvent(
  ctx: BillingContext,
  stripeEventId: string,
  { staleAfterMs = STALE_CLAIM_MS, log = webhookLog } = {},
): Promise<ReplayResult> {
  const [row] = await ctx.db.$queryRaw<{ type: string }[]>`
    SELECT type FROM stripe_webhooks_log WHERE stripe_event_id = ${stripeEventId}`;
  if (!row) return { ok: false, error: "not_found" };
  if (!handlerFor(row.type)) return { ok: false, error: "not_handled" };

  // The claim, in one statement: any finished row (processed, ignored, failed) or a stale claim is
  // taken; a claim in flight is left alone.
  const claimed = await ctx.db.$queryRaw<{ id: bigint; attempts: number; payload: unknown }[]>`
    UPDATE stripe_webhooks_log
    SET status = 'processing', attempts = attempts + 1, claimed_at = now(), error = NULL
    WHERE stripe_event_id = ${stripeEventId}
      AND (status <> 'processing' OR claimed_at < now() - make_interval(secs => ${staleAfterMs / 1000}))
    RETURNING id, attempts, payload`;
  const claim = claimed[0];
  if (!claim) return { ok: false, error: "in_progress" };

  const event = claim.payload as Stripe.Event;
  const result = await runClaimed(ctx, event, { rowId: claim.id, attempt: claim.attempts }, log);
  const outcome = result.status === 200 ? (result.body.outcome === "ignored" ? "ignored" : "processed") : "failed";
  return { ok: true, outcome, attempt: claim.attempts };
}

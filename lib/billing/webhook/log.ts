// The `stripe_webhooks_log` claim: what makes webhook handling idempotent. Each Stripe event id is
// one row (unique). Delivering an event claims it; a claim is granted to exactly one delivery at a
// time — the first one, a retry after a failure, or a retry after a claim stuck in `processing`
// (a process that died mid-way) for longer than STALE_CLAIM_MS. Every other delivery of the same
// event is refused: while a claim is in flight it is answered 409 (Stripe retries it later, so an
// attempt that then fails is retried), once the event is finished it is a 200 no-op.
import type { Db } from "../../db/client";

/** A claim older than this is considered abandoned and can be taken again. */
export const STALE_CLAIM_MS = 5 * 60 * 1000;

export interface Claim {
  rowId: bigint;
  /** 1 for the first delivery, n for the n-th claim of this event. */
  attempt: number;
}

interface EventLike {
  id: string;
  type: string;
}

/**
 * Claims `event` for processing, in one statement: inserts its row, or takes over a failed or stale
 * claim (attempts + 1, error cleared). Null when another delivery holds or has finished it.
 */
export async function claimEvent(
  db: Db,
  event: EventLike,
  payload: unknown,
  { staleAfterMs = STALE_CLAIM_MS } = {},
): Promise<Claim | null> {
  const rows = await db.$queryRaw<{ id: bigint; attempts: number }[]>`
    INSERT INTO stripe_webhooks_log (stripe_event_id, type, status, attempts, payload, received_at, claimed_at)
    VALUES (${event.id}, ${event.type}, 'processing', 1, ${JSON.stringify(payload)}::jsonb, now(), now())
    ON CONFLICT (stripe_event_id) DO UPDATE
      SET status = 'processing', attempts = stripe_webhooks_log.attempts + 1, claimed_at = now(), error = NULL
      WHERE stripe_webhooks_log.status = 'failed'
         OR (stripe_webhooks_log.status = 'processing'
             AND stripe_webhooks_log.claimed_at < now() - make_interval(secs => ${staleAfterMs / 1000}))
    RETURNING id, attempts`;
  const row = rows[0];
  return row ? { rowId: row.id, attempt: row.attempts } : null;
}

/**
 * Why a claim was refused: the event is finished (processed / ignored: a duplicate, nothing to do)
 * or still in flight (a claim held by another delivery, or a failure racing this delivery's claim:
 * either way this delivery must be retried, never acknowledged).
 */
export async function refusedClaimState(db: Db, eventId: string): Promise<"finished" | "in_flight"> {
  const [row] = await db.$queryRaw<{ status: string }[]>`
    SELECT status::text AS status FROM stripe_webhooks_log WHERE stripe_event_id = ${eventId}`;
  return row && (row.status === "processed" || row.status === "ignored") ? "finished" : "in_flight";
}

/** Records an event type Tollgate does not handle: `ignored`, once (a duplicate changes nothing). */
export async function recordIgnored(db: Db, event: EventLike, payload: unknown, reason: string): Promise<boolean> {
  const inserted = await db.$executeRaw`
    INSERT INTO stripe_webhooks_log (stripe_event_id, type, status, attempts, payload, error, received_at, claimed_at, processed_at)
    VALUES (${event.id}, ${event.type}, 'ignored', 1, ${JSON.stringify(payload)}::jsonb, ${reason}, now(), now(), now())
    ON CONFLICT (stripe_event_id) DO NOTHING`;
  return inserted === 1;
}

/**
 * Closes a claim: processed, ignored (with why) or failed (with the error, so Stripe's retry claims
 * it again). Only the holder of the claim's attempt closes it: a delivery whose stale claim was
 * taken over cannot overwrite the newer attempt's outcome.
 */
export async function finishClaim(
  db: Db,
  claim: Claim,
  outcome: { status: "processed" | "ignored" | "failed"; note?: string },
): Promise<void> {
  await db.$executeRaw`
    UPDATE stripe_webhooks_log
    SET status = ${outcome.status}::"WebhookStatus", error = ${outcome.note ?? null},
        processed_at = CASE WHEN ${outcome.status} = 'failed' THEN NULL ELSE now() END
    WHERE id = ${claim.rowId} AND attempts = ${claim.attempt} AND status = 'processing'`;
}

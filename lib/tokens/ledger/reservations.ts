// Reserve → settle → release: what a metered call does with the ledger. The hold is not a ledger
// row (no token moves); `reserved` on the balance equals the sum of `held` reservations, and
// available = allowance + purchased − reserved.
//
// The three are operations of one SQL function, `ledger_apply` (apply.ts): these run one at a time
// in the caller's connection or transaction; the ledger pipeline (pipeline.ts) runs many to a
// statement under load, with the same results.
//
// Lock order, everywhere: a reservation row first, then the balance row. Reserve locks only the
// balance; the sweep skips reservations locked by someone else. So these never deadlock.
import type { DbTx } from "../../db/client";
import {
  releaseCall,
  reserveCall,
  runCall,
  settleCall,
  type ReleaseResult,
  type ReserveInput,
  type ReserveResult,
  type SettleInput,
  type SettleResult,
} from "./apply";

/**
 * Holds `amount` if the user can cover it, or answers InsufficientTokens with what was available
 * and holds nothing. A retry with the same request id returns the first reservation. See reserveCall.
 */
export async function reserve(tx: DbTx, input: ReserveInput): Promise<ReserveResult> {
  return runCall(tx, reserveCall(input));
}

/** Charges the exact cost of a reserved call and returns the rest of its hold; once. See settleCall. */
export async function settle(tx: DbTx, input: SettleInput): Promise<SettleResult> {
  return runCall(tx, settleCall(input));
}

/** Returns everything a reservation holds; a no-op (`released: false`) when it is no longer held. */
export async function release(tx: DbTx, reservationId: string): Promise<ReleaseResult> {
  return runCall(tx, releaseCall(reservationId));
}

// ─── sweep ───────────────────────────────────────────────────────────────────────────────────

/** Arbitrary constant: one sweep at a time (two could lock balances in opposite orders). */
const SWEEP_LOCK_KEY = 72_707_322;

export interface SweepResult {
  /** Reservations expired and returned. */
  expired: number;
  /** Millitokens returned to availability. */
  amount: bigint;
  /** False when another sweep was running: this one did nothing. */
  ran: boolean;
}

/**
 * Releases the holds of reservations whose time to live has passed (their process died), in
 * batches of `batchSize`, each one statement: the reservations become `expired` and each user's
 * `reserved` drops by their sum. Reservations being settled right now are skipped (SKIP LOCKED)
 * and picked up by a later sweep if still held. Safe to run any number of times and concurrently.
 */
export async function sweepExpiredReservations(
  tx: DbTx,
  now: Date = new Date(),
  { batchSize = 1000, userId }: { batchSize?: number; userId?: string } = {},
): Promise<SweepResult> {
  if (userId !== undefined) return sweepUser(tx, userId, now);
  const result: SweepResult = { expired: 0, amount: 0n, ran: true };
  for (;;) {
    const [row] = await tx.$queryRaw<{ locked: boolean; expired: bigint; amount: bigint }[]>`
      WITH lock AS (SELECT pg_try_advisory_xact_lock(${SWEEP_LOCK_KEY}) AS locked),
      due AS (
        SELECT id FROM token_reservations
        WHERE status = 'held' AND expires_at <= ${now} AND (SELECT locked FROM lock)
        ORDER BY expires_at LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED
      ), exp AS (
        UPDATE token_reservations r SET status = 'expired', finished_at = ${now}
        FROM due WHERE r.id = due.id
        RETURNING r.user_id, r.amount
      ), agg AS (
        SELECT user_id, sum(amount)::bigint AS total, count(*) AS n FROM exp GROUP BY user_id
      ), upd AS (
        UPDATE user_token_balance b SET reserved = b.reserved - agg.total, updated_at = now()
        FROM agg WHERE b.user_id = agg.user_id
        RETURNING b.user_id
      )
      SELECT (SELECT locked FROM lock) AS locked, coalesce(sum(n), 0)::bigint AS expired,
        coalesce(sum(total), 0)::bigint AS amount
      FROM agg`;
    if (!row?.locked) return { ...result, ran: result.expired > 0 };
    result.expired += Number(row.expired);
    result.amount += row.amount;
    if (Number(row.expired) < batchSize) return result;
  }
}

/**
 * Releases the expired holds of one user (one statement, no global lock: it only touches that
 * user's rows, in the usual reservation → balance lock order). The metering wrapper calls it before
 * refusing a request, so a hold left by a dead process never locks its user out, cron or not.
 */
async function sweepUser(tx: DbTx, userId: string, now: Date): Promise<SweepResult> {
  const [row] = await tx.$queryRaw<{ expired: bigint; amount: bigint }[]>`
    WITH exp AS (
      UPDATE token_reservations r SET status = 'expired', finished_at = ${now}
      WHERE r.id IN (
        SELECT id FROM token_reservations
        WHERE user_id = ${userId} AND status = 'held' AND expires_at <= ${now}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING r.amount
    ), upd AS (
      UPDATE user_token_balance b SET reserved = b.reserved - (SELECT sum(amount) FROM exp), updated_at = now()
      WHERE b.user_id = ${userId} AND EXISTS (SELECT 1 FROM exp)
      RETURNING b.user_id
    )
    SELECT count(*)::bigint AS expired, coalesce(sum(amount), 0)::bigint AS amount FROM exp`;
  return { expired: Number(row?.expired ?? 0), amount: row?.amount ?? 0n, ran: true };
}

// Reserve → settle → release: what a metered call does with the ledger. The hold is not a ledger
// row (no token moves); `reserved` on the balance equals the sum of `held` reservations, and
// available = allowance + purchased − reserved.
//
// The hot statements carry the `/* tollgate:prepared */` marker (PREPARED in lib/db/client.ts): their
// plans are cached per connection.
//
// Lock order, everywhere: a reservation row first, then the balance row. Reserve locks only the
// balance; the sweep skips reservations locked by someone else. So these never deadlock.
import { randomUUID } from "node:crypto";
import { Prisma } from "../../db/generated/client";
import type { DbTx } from "../../db/client";
import {
  LedgerUsageError,
  requireKey,
  requireNonNegative,
  requirePositive,
  type AccountNotFound,
  type IdempotencyKeyReused,
  type InsufficientTokens,
  type ReservationClosed,
  type ReservationNotFound,
  type Result,
} from "./errors";
import { findByKey } from "./grant";
import { LEDGER_ROW, jsonParam, snapshot, type BalanceSnapshot, type LedgerRow, type UsageBreakdown } from "./types";

export type ReservationStatus = "held" | "settled" | "released" | "expired";

export interface Reservation {
  id: string;
  userId: string;
  amount: bigint;
  feature: string;
  requestId: string;
  status: ReservationStatus;
  pricingVersion: number | null;
  expiresAt: Date;
}

const RESERVATION = Prisma.sql`id::text AS id, user_id AS "userId", amount, feature, request_id AS "requestId",
  status::text AS status, pricing_version AS "pricingVersion", expires_at AS "expiresAt"`;

/** The idempotency key of a call's charge. */
export function callKey(requestId: string): string {
  return `call:${requestId}`;
}

// ─── reserve ─────────────────────────────────────────────────────────────────────────────────

export interface ReserveInput {
  userId: string;
  /** Worst-case cost, millitokens > 0. */
  amount: bigint;
  feature: string;
  /** Unique per call; a retry with the same id returns the same reservation. */
  requestId: string;
  /** How long the hold lives before the sweep may release it (the call's process died). */
  ttlMs: number;
  pricingVersion?: number;
  now?: Date;
}

export type ReserveResult = Result<
  { reservation: Reservation; duplicate: boolean; available: bigint },
  InsufficientTokens | AccountNotFound | IdempotencyKeyReused
>;

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; meta?: { code?: string; driverAdapterError?: { cause?: { kind?: string } } }; message?: string };
  return (
    e?.code === "P2002" ||
    e?.meta?.code === "23505" ||
    e?.meta?.driverAdapterError?.cause?.kind === "UniqueConstraintViolation" ||
    /unique constraint|duplicate key/i.test(e?.message ?? "")
  );
}

/**
 * Holds `amount` if the user can cover it, in one statement: a conditional UPDATE of the balance
 * (never read-then-write) and the reservation row. Refused → InsufficientTokens with what was
 * available, and nothing held. A second reserve with the same request id violates its unique index,
 * which aborts the statement (so nothing is held twice) and returns the first reservation.
 */
export async function reserve(tx: DbTx, input: ReserveInput): Promise<ReserveResult> {
  requirePositive("reserve amount", input.amount);
  requireKey("requestId", input.requestId);
  if (!Number.isInteger(input.ttlMs) || input.ttlMs <= 0) throw new LedgerUsageError("ttlMs must be a positive integer");
  const expiresAt = new Date((input.now ?? new Date()).getTime() + input.ttlMs);
  const id = randomUUID();

  let row: { reserved: boolean; availableBefore: bigint | null; availableAfter: bigint | null } | undefined;
  try {
    [row] = await tx.$queryRaw<typeof row[]>`/* tollgate:prepared */
      WITH upd AS (
        UPDATE user_token_balance SET reserved = reserved + ${input.amount}, updated_at = now()
        WHERE user_id = ${input.userId} AND allowance + purchased - reserved >= ${input.amount}
        RETURNING allowance + purchased - reserved AS available
      ), ins AS (
        INSERT INTO token_reservations (id, user_id, amount, feature, request_id, status, pricing_version, expires_at)
        SELECT ${id}::uuid, ${input.userId}, ${input.amount}, ${input.feature}, ${input.requestId}, 'held',
          ${input.pricingVersion ?? null}, ${expiresAt}
        FROM upd
        RETURNING id
      )
      SELECT EXISTS (SELECT 1 FROM ins) AS reserved,
        (SELECT available FROM upd) AS "availableAfter",
        (SELECT allowance + purchased - reserved FROM user_token_balance WHERE user_id = ${input.userId}) AS "availableBefore"`;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return existingReservation(tx, input);
  }

  if (row?.reserved) {
    return {
      ok: true,
      duplicate: false,
      available: row.availableAfter!,
      reservation: {
        id,
        userId: input.userId,
        amount: input.amount,
        feature: input.feature,
        requestId: input.requestId,
        status: "held",
        pricingVersion: input.pricingVersion ?? null,
        expiresAt,
      },
    };
  }
  // Nothing was held, so nothing conflicted: a retry whose first hold took what was available (or
  // was settled since) must still get its reservation back, not InsufficientTokens. Asked in a new
  // statement, which also sees a first attempt that committed while this one waited for the balance.
  const [seen] = await tx.$queryRaw<{ one: number }[]>`SELECT 1 AS one FROM token_reservations WHERE request_id = ${input.requestId}`;
  if (seen) return existingReservation(tx, input);
  if (row?.availableBefore === null || row?.availableBefore === undefined) {
    return { ok: false, error: { type: "AccountNotFound", userId: input.userId } };
  }
  return { ok: false, error: { type: "InsufficientTokens", required: input.amount, available: row.availableBefore } };
}

async function existingReservation(tx: DbTx, input: ReserveInput): Promise<ReserveResult> {
  const [existing] = await tx.$queryRaw<Reservation[]>`SELECT ${RESERVATION} FROM token_reservations WHERE request_id = ${input.requestId}`;
  if (!existing) throw new Error(`reserve: request ${input.requestId} conflicted but has no reservation`);
  if (existing.userId !== input.userId) {
    return { ok: false, error: { type: "IdempotencyKeyReused", key: input.requestId, ownerUserId: existing.userId } };
  }
  const [bal] = await tx.$queryRaw<{ available: bigint }[]>`
    SELECT allowance + purchased - reserved AS available FROM user_token_balance WHERE user_id = ${input.userId}`;
  return { ok: true, duplicate: true, reservation: existing, available: bal?.available ?? 0n };
}

// ─── settle ──────────────────────────────────────────────────────────────────────────────────

export interface SettleInput {
  reservationId: string;
  /** The exact cost in millitokens (= micro-dollars), ≥ 0. */
  cost: bigint;
  usage?: UsageBreakdown;
  /** The pricing version the cost was computed with (defaults to the reservation's). */
  pricingVersion?: number;
}

export type SettleResult = Result<
  { row: LedgerRow; charged: bigint; shortfall: bigint; balance: BalanceSnapshot; duplicate: boolean },
  ReservationNotFound | ReservationClosed
>;

/**
 * Charges the exact cost of a reserved call and returns the rest of the hold, in one statement.
 * The charge is taken allowance first, then purchased. When the cost exceeds the hold, the extra is
 * taken from what is available (tokens held by other calls excepted); what still cannot be covered
 * is recorded as `shortfall` on the ledger row — usage is never silently dropped. A reservation the
 * sweep already expired (a call that outlived its hold) is still settled, from what is available.
 * Settling twice returns the first charge.
 */
export async function settle(tx: DbTx, input: SettleInput): Promise<SettleResult> {
  requireNonNegative("cost", input.cost);
  const rows = await tx.$queryRaw<(LedgerRow & { charged: bigint; reserved: bigint })[]>`/* tollgate:prepared */
    WITH res AS (
      SELECT id, user_id, amount, feature, request_id, pricing_version, status
      FROM token_reservations WHERE id = ${input.reservationId}::uuid AND status IN ('held', 'expired')
      FOR UPDATE
    ), bal AS (
      SELECT b.user_id, b.allowance, b.purchased, b.reserved,
        CASE WHEN res.status = 'held' THEN res.amount ELSE 0 END AS held
      FROM user_token_balance b JOIN res ON b.user_id = res.user_id
      FOR UPDATE OF b
    ), calc AS (
      SELECT bal.*, LEAST(${input.cost}, GREATEST(bal.allowance + bal.purchased - (bal.reserved - bal.held), 0)) AS charge
      FROM bal
    ), split AS (
      SELECT calc.*, LEAST(calc.charge, calc.allowance) AS from_allowance FROM calc
    ), ins AS (
      INSERT INTO token_transactions (user_id, kind, allowance_delta, purchased_delta, allowance_after,
        purchased_after, shortfall, source_type, source_ref, feature, pricing_version, usage, cost_micro_usd,
        idempotency_key)
      SELECT s.user_id, 'consume', -s.from_allowance, -(s.charge - s.from_allowance), s.allowance - s.from_allowance,
        s.purchased - (s.charge - s.from_allowance), ${input.cost} - s.charge, 'request', res.request_id, res.feature,
        COALESCE(${input.pricingVersion ?? null}::int, res.pricing_version), ${jsonParam(input.usage)}::jsonb,
        ${input.cost}, 'call:' || res.request_id
      FROM split s, res
      ON CONFLICT (idempotency_key) DO NOTHING
      RETURNING *
    ), upd AS (
      UPDATE user_token_balance b
      SET allowance = ins.allowance_after, purchased = ins.purchased_after, reserved = b.reserved - s.held,
          updated_at = now()
      FROM ins, split s WHERE b.user_id = ins.user_id
      RETURNING b.reserved
    ), fin AS (
      UPDATE token_reservations r SET status = 'settled', finished_at = now()
      FROM ins WHERE r.id = ${input.reservationId}::uuid
      RETURNING r.id
    )
    SELECT ${LEDGER_ROW}, ${input.cost} - shortfall AS charged, (SELECT reserved FROM upd) AS reserved,
      (SELECT count(*) FROM fin) AS finished
    FROM ins`;

  const row = rows[0];
  if (row) {
    const { charged, reserved, ...ledgerRow } = row;
    delete (ledgerRow as { finished?: unknown }).finished;
    return {
      ok: true,
      row: ledgerRow,
      charged,
      shortfall: ledgerRow.shortfall,
      balance: snapshot({ allowance: ledgerRow.allowanceAfter, purchased: ledgerRow.purchasedAfter, reserved }),
      duplicate: false,
    };
  }
  return settledOrClosed(tx, input.reservationId);
}

async function settledOrClosed(tx: DbTx, reservationId: string): Promise<SettleResult> {
  const [res] = await tx.$queryRaw<Reservation[]>`SELECT ${RESERVATION} FROM token_reservations WHERE id = ${reservationId}::uuid`;
  if (!res) return { ok: false, error: { type: "ReservationNotFound", reservationId } };
  if (res.status === "released") return { ok: false, error: { type: "ReservationClosed", reservationId, status: "released" } };
  const row = await findByKey(tx, callKey(res.requestId));
  if (!row) throw new Error(`settle: reservation ${reservationId} is ${res.status} but has no ledger row`);
  const [bal] = await tx.$queryRaw<{ allowance: bigint; purchased: bigint; reserved: bigint }[]>`
    SELECT allowance, purchased, reserved FROM user_token_balance WHERE user_id = ${res.userId}`;
  return {
    ok: true,
    row,
    charged: (row.costMicroUsd ?? 0n) - row.shortfall,
    shortfall: row.shortfall,
    balance: snapshot(bal!),
    duplicate: true,
  };
}

// ─── release ─────────────────────────────────────────────────────────────────────────────────

export type ReleaseResult = Result<{ released: boolean; balance: BalanceSnapshot | null }, ReservationNotFound>;

/**
 * Returns everything a reservation holds (the call failed). Releasing a reservation that is no
 * longer held (already released, settled or expired) changes nothing: `released: false`.
 */
export async function release(tx: DbTx, reservationId: string): Promise<ReleaseResult> {
  const rows = await tx.$queryRaw<{ allowance: bigint; purchased: bigint; reserved: bigint }[]>`/* tollgate:prepared */
    WITH res AS (
      UPDATE token_reservations SET status = 'released', finished_at = now()
      WHERE id = ${reservationId}::uuid AND status = 'held'
      RETURNING user_id, amount
    )
    UPDATE user_token_balance b SET reserved = b.reserved - res.amount, updated_at = now()
    FROM res WHERE b.user_id = res.user_id
    RETURNING b.allowance, b.purchased, b.reserved`;
  if (rows[0]) return { ok: true, released: true, balance: snapshot(rows[0]) };
  const [res] = await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM token_reservations WHERE id = ${reservationId}::uuid`;
  if (!res) return { ok: false, error: { type: "ReservationNotFound", reservationId } };
  return { ok: true, released: false, balance: null };
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

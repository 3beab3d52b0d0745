// Reserve, settle and release as operations of the SQL function `ledger_apply(ops)` (migration
// ledger_apply): one implementation of the hot path, run either alone — `reserve(tx, …)`, in any
// transaction — or many to a statement by the ledger pipeline (pipeline.ts). Each operation here is
// a `LedgerCall`: the JSON the function takes, and how its result row becomes the operation's result.
// Rare outcomes (a repeated request id, a reservation already closed) are answered by a second,
// read-only look at the database in `finish`, exactly as the operation answered them before.
import { timeOrderedId } from "../ids";
import type { DbTx } from "../../db/client";
import {
  LedgerUsageError,
  requireKey,
  requireNonNegative,
  requirePositive,
  requireUuid,
  type AccountNotFound,
  type IdempotencyKeyReused,
  type InsufficientTokens,
  type ReservationClosed,
  type ReservationNotFound,
  type Result,
  type SessionRevoked,
  type SpendLimitReached,
} from "./errors";
import { findByKey } from "./grant";
import { applyOps, type ApplyOp, type ApplyRow } from "./apply-function";
import { snapshot, type BalanceSnapshot, type LedgerRow, type UsageBreakdown } from "./types";

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
  /** The caller's session version: held only while it is the user's current one (omitted: not checked). */
  sessionVersion?: number;
}

export type ReserveResult = Result<
  { reservation: Reservation; duplicate: boolean; available: bigint },
  InsufficientTokens | SpendLimitReached | AccountNotFound | SessionRevoked | IdempotencyKeyReused
>;

/** A user's spend limit as a settle or release left it: the cap (null: none) and what this period charged. */
export interface SpendState {
  cap: bigint | null;
  spent: bigint;
}

export interface SettleInput {
  reservationId: string;
  /** The exact cost in millitokens (= micro-dollars), ≥ 0. */
  cost: bigint;
  usage?: UsageBreakdown;
  /** The pricing version the cost was computed with (defaults to the reservation's). */
  pricingVersion?: number;
  /**
   * The reservation as reserve answered it. With it, a settle whose reservation does not exist (a
   * hold committed asynchronously and lost in a database crash) still charges the call, from what
   * is available, recording any shortfall; without it, that settle answers ReservationNotFound.
   */
  held?: Pick<Reservation, "userId" | "requestId" | "feature" | "amount" | "expiresAt" | "pricingVersion">;
}

export type SettleResult = Result<
  {
    row: LedgerRow;
    charged: bigint;
    shortfall: bigint;
    balance: BalanceSnapshot;
    duplicate: boolean;
    /** The spend limit after this charge (null for a duplicate: this settle charged nothing now). */
    spend: SpendState | null;
  },
  ReservationNotFound | ReservationClosed
>;

export type ReleaseResult = Result<{ released: boolean; balance: BalanceSnapshot | null }, ReservationNotFound>;

/** The idempotency key of a call's charge. */
export function callKey(requestId: string): string {
  return `call:${requestId}`;
}

// ─── the operations ──────────────────────────────────────────────────────────────────────────

/**
 * One ledger operation ready to run: its JSON for `ledger_apply`, the user whose balance it changes
 * (the pipeline's routing key; null when the caller did not say), and how its row becomes its result.
 * `finish` may read the database (with `tx`) for the rare outcomes; it never writes.
 */
export interface LedgerCall<R> {
  op: ApplyOp;
  userId: string | null;
  finish(row: ApplyRow, tx: DbTx): Promise<R>;
}

/** Runs one call on its own, in the caller's connection or transaction. */
export async function runCall<R>(tx: DbTx, call: LedgerCall<R>): Promise<R> {
  const [row] = await applyOps(tx, [call.op]);
  return call.finish(row!, tx);
}

/**
 * reserve: holds `amount` if the user can cover it and their spend limit allows it — one conditional
 * UPDATE of the balance (never read-then-write: charged + held this period + `amount` ≤ `spend_cap`)
 * and the reservation row. Refused → SessionRevoked first when `sessionVersion` is no longer the
 * user's, SpendLimitReached when the cap refuses it (whatever the balance), else InsufficientTokens
 * with what was available; nothing is held. A retry with the same request id holds nothing more and
 * returns the first reservation — also when the first hold took all that was available, or settled.
 */
export function reserveCall(
  input: ReserveInput,
  { asyncCommit = false }: { asyncCommit?: boolean } = {},
): LedgerCall<ReserveResult> {
  requirePositive("reserve amount", input.amount);
  requireKey("requestId", input.requestId);
  if (!Number.isInteger(input.ttlMs) || input.ttlMs <= 0)
    throw new LedgerUsageError("ttlMs must be a positive integer");
  if (input.sessionVersion !== undefined && (!Number.isInteger(input.sessionVersion) || input.sessionVersion < 0))
    throw new LedgerUsageError("sessionVersion must be a non-negative integer");
  const expiresAt = new Date((input.now ?? new Date()).getTime() + input.ttlMs);
  const reservation: Reservation = {
    // Time-ordered (UUIDv7): new reservations land at the end of the primary key's index, not on a
    // random page of it (which, after each checkpoint, costs a full page in the WAL).
    id: timeOrderedId(),
    userId: input.userId,
    amount: input.amount,
    feature: input.feature,
    requestId: input.requestId,
    status: "held",
    pricingVersion: input.pricingVersion ?? null,
    expiresAt,
  };
  return {
    op: {
      op: "reserve",
      userId: input.userId,
      amount: input.amount.toString(),
      reservationId: reservation.id,
      requestId: input.requestId,
      feature: input.feature,
      pricingVersion: reservation.pricingVersion,
      expiresAt: expiresAt.toISOString(),
      // Only in a statement of its own (the pipeline's): in a caller's transaction, its writes would be asynchronous too.
      ...(asyncCommit && { asyncCommit: true as const }),
      ...(input.sessionVersion !== undefined && { sessionVersion: input.sessionVersion }),
    },
    userId: input.userId,
    async finish(row, tx) {
      if (row.outcome === "held") return { ok: true, duplicate: false, available: row.available!, reservation };
      if (row.outcome === "duplicate") return existingReservation(tx, input);
      if (row.outcome === "revoked") return { ok: false, error: { type: "SessionRevoked", userId: input.userId } };
      if (row.available === null) return { ok: false, error: { type: "AccountNotFound", userId: input.userId } };
      if (row.outcome === "capped") {
        const { cap, spent } = row.spend!;
        const error = { type: "SpendLimitReached" as const, required: input.amount, cap: cap!, spent };
        return { ok: false, error: { ...error, held: row.balance!.reserved, available: row.available } };
      }
      return { ok: false, error: { type: "InsufficientTokens", required: input.amount, available: row.available } };
    },
  };
}

const RESERVATION_COLUMNS = `id::text AS id, user_id AS "userId", amount, feature, request_id AS "requestId",
  status::text AS status, pricing_version AS "pricingVersion", expires_at AS "expiresAt"`;

async function existingReservation(tx: DbTx, input: ReserveInput): Promise<ReserveResult> {
  const [existing] = await tx.$queryRawUnsafe<Reservation[]>(
    `SELECT ${RESERVATION_COLUMNS} FROM token_reservations WHERE request_id = $1`,
    input.requestId,
  );
  if (!existing) throw new Error(`reserve: request ${input.requestId} was held but has no reservation`);
  if (existing.userId !== input.userId) {
    return { ok: false, error: { type: "IdempotencyKeyReused", key: input.requestId, ownerUserId: existing.userId } };
  }
  const [bal] = await tx.$queryRawUnsafe<{ available: bigint }[]>(
    `SELECT allowance + purchased - reserved AS available FROM user_token_balance WHERE user_id = $1`,
    input.userId,
  );
  return {
    ok: true,
    duplicate: true,
    reservation: { ...existing, amount: BigInt(existing.amount) },
    available: BigInt(bal?.available ?? 0n),
  };
}

/**
 * settle: charges the exact cost of a reserved call and returns the rest of the hold, allowance
 * first, then purchased. A cost above the hold takes the extra from what is available (other calls'
 * holds excepted); what still cannot be covered is the ledger row's `shortfall` — usage is never
 * silently dropped. A reservation the sweep expired (the call outlived its hold) is still settled
 * from what is available, and so is a missing one when `held` says what it was (a hold lost in a
 * database crash). Settling twice returns the first charge (`duplicate: true`).
 */
export function settleCall(input: SettleInput, userId: string | null = null): LedgerCall<SettleResult> {
  requireNonNegative("cost", input.cost);
  requireUuid("reservationId", input.reservationId);
  return {
    op: {
      op: "settle",
      reservationId: input.reservationId,
      cost: input.cost.toString(),
      usage: input.usage ?? null,
      pricingVersion: input.pricingVersion ?? null,
      ...(input.held && {
        userId: input.held.userId,
        requestId: input.held.requestId,
        feature: input.held.feature,
        amount: input.held.amount.toString(),
        expiresAt: input.held.expiresAt.toISOString(),
        heldPricingVersion: input.held.pricingVersion,
      }),
    },
    userId: userId ?? input.held?.userId ?? null,
    async finish(row, tx) {
      if (row.outcome === "settled") {
        const entry = row.entry!;
        return {
          ok: true,
          row: entry,
          charged: entry.costMicroUsd! - entry.shortfall,
          shortfall: entry.shortfall,
          balance: row.balance!,
          duplicate: false,
          spend: row.spend,
        };
      }
      return settledOrClosed(tx, input.reservationId);
    },
  };
}

async function settledOrClosed(tx: DbTx, reservationId: string): Promise<SettleResult> {
  const [res] = await tx.$queryRawUnsafe<Reservation[]>(
    `SELECT ${RESERVATION_COLUMNS} FROM token_reservations WHERE id = $1::uuid`,
    reservationId,
  );
  if (!res) return { ok: false, error: { type: "ReservationNotFound", reservationId } };
  if (res.status === "released")
    return { ok: false, error: { type: "ReservationClosed", reservationId, status: "released" } };
  const row = await findByKey(tx, callKey(res.requestId));
  if (!row) throw new Error(`settle: reservation ${reservationId} is ${res.status} but has no ledger row`);
  const [bal] = await tx.$queryRawUnsafe<{ allowance: bigint; purchased: bigint; reserved: bigint }[]>(
    `SELECT allowance, purchased, reserved FROM user_token_balance WHERE user_id = $1`,
    res.userId,
  );
  return {
    ok: true,
    row,
    charged: (row.costMicroUsd ?? 0n) - row.shortfall,
    shortfall: row.shortfall,
    balance: snapshot({
      allowance: BigInt(bal!.allowance),
      purchased: BigInt(bal!.purchased),
      reserved: BigInt(bal!.reserved),
    }),
    duplicate: true,
    spend: null,
  };
}

/**
 * release: returns everything a reservation holds (the call failed). Releasing a reservation that
 * is no longer held (already released, settled or expired) changes nothing: `released: false`.
 */
export function releaseCall(reservationId: string, userId: string | null = null): LedgerCall<ReleaseResult> {
  requireUuid("reservationId", reservationId);
  return {
    op: { op: "release", reservationId },
    userId,
    async finish(row, tx) {
      if (row.outcome === "released") return { ok: true, released: true, balance: row.balance };
      const [res] = await tx.$queryRawUnsafe<{ id: string }[]>(
        `SELECT id::text FROM token_reservations WHERE id = $1::uuid`,
        reservationId,
      );
      if (!res) return { ok: false, error: { type: "ReservationNotFound", reservationId } };
      return { ok: true, released: false, balance: null };
    },
  };
}

// Taking tokens back: a refunded or disputed pack or subscription invoice (clawback) and an admin's manual correction
// (adjust). Both are one statement that locks the balance and writes the row with its change.
import type { DbTx } from "../../db/client";
import {
  LedgerUsageError,
  requireKey,
  requireNonNegative,
  requirePositive,
  type AccountNotFound,
  type IdempotencyKeyReused,
  type InsufficientTokens,
  type Result,
} from "./errors";
import { duplicateOrMissing } from "./grant";
import { LEDGER_ROW, type LedgerRow } from "./types";

export interface ClawbackInput {
  userId: string;
  /** The tokens to take back, millitokens > 0. */
  amount: bigint;
  /** Where they were granted: a pack's purchased tokens (default) or a period's allowance. */
  bucket?: "purchased" | "allowance";
  /**
   * At most this much is taken (≥ 0), whatever the bucket holds: e.g. 0 when the allowance the
   * grant belonged to has already expired. The rest is recorded as shortfall.
   */
  maxTake?: bigint;
  idempotencyKey: string;
  sourceType?: string;
  sourceRef?: string;
  reason?: string;
}

export type ClawbackResult = Result<
  { row: LedgerRow; taken: bigint; shortfall: bigint; duplicate: boolean },
  AccountNotFound | IdempotencyKeyReused
>;

/**
 * Takes back what remains of a grant from its bucket (a pack's purchased tokens by default, or a
 * period's allowance): min(amount, bucket, maxTake). What was already spent (or expired) cannot be
 * taken and is recorded as `shortfall`. The other bucket is never touched.
 */
export async function clawback(tx: DbTx, input: ClawbackInput): Promise<ClawbackResult> {
  requirePositive("clawback amount", input.amount);
  requireKey("idempotencyKey", input.idempotencyKey);
  if (input.maxTake !== undefined) requireNonNegative("clawback maxTake", input.maxTake);
  const fromAllowance = input.bucket === "allowance";
  const cap = input.maxTake ?? input.amount;
  const rows = await tx.$queryRaw<LedgerRow[]>`
    WITH bal AS (
      SELECT user_id, allowance, purchased,
             LEAST(${input.amount}, ${cap}::bigint, CASE WHEN ${fromAllowance} THEN allowance ELSE purchased END) AS taken
      FROM user_token_balance WHERE user_id = ${input.userId} FOR UPDATE
    ), ins AS (
      INSERT INTO token_transactions (user_id, kind, allowance_delta, purchased_delta, allowance_after,
        purchased_after, shortfall, source_type, source_ref, reason, idempotency_key)
      SELECT user_id, 'clawback',
        CASE WHEN ${fromAllowance} THEN -taken ELSE 0 END, CASE WHEN ${fromAllowance} THEN 0 ELSE -taken END,
        CASE WHEN ${fromAllowance} THEN allowance - taken ELSE allowance END,
        CASE WHEN ${fromAllowance} THEN purchased ELSE purchased - taken END,
        ${input.amount} - taken,
        ${input.sourceType ?? null}, ${input.sourceRef ?? null}, ${input.reason ?? null}, ${input.idempotencyKey}
      FROM bal
      ON CONFLICT (idempotency_key) DO NOTHING
      RETURNING *
    ), upd AS (
      UPDATE user_token_balance b SET allowance = ins.allowance_after, purchased = ins.purchased_after, updated_at = now()
      FROM ins WHERE b.user_id = ins.user_id
      RETURNING b.user_id
    )
    SELECT ${LEDGER_ROW} FROM ins`;
  const row = rows[0] ?? (await duplicateOrMissingRow(tx, input.userId, input.idempotencyKey));
  if ("ok" in row) return row;
  return {
    ok: true,
    row,
    taken: -(row.purchasedDelta + row.allowanceDelta),
    shortfall: row.shortfall,
    duplicate: !rows[0],
  };
}

async function duplicateOrMissingRow(tx: DbTx, userId: string, key: string) {
  const found = await duplicateOrMissing(tx, userId, key);
  return found.ok ? found.row : found;
}

export interface AdjustInput {
  userId: string;
  /** Signed millitokens: > 0 adds to purchased tokens (they never expire); < 0 takes, allowance first. */
  amount: bigint;
  reason: string;
  /** The admin who made the correction. */
  actorId: string;
  idempotencyKey: string;
}

export type AdjustResult = Result<
  { row: LedgerRow; duplicate: boolean },
  AccountNotFound | IdempotencyKeyReused | InsufficientTokens
>;

/**
 * An audited manual correction (an `adjustment` row naming the admin and the reason). A deduction
 * larger than what is available (tokens held by calls in flight excepted) is refused, not clipped.
 */
export async function adjust(tx: DbTx, input: AdjustInput): Promise<AdjustResult> {
  if (typeof input.amount !== "bigint" || input.amount === 0n)
    throw new LedgerUsageError("adjust amount must be a non-zero bigint");
  if (!input.reason?.trim()) throw new LedgerUsageError("adjust needs a reason");
  if (!input.actorId) throw new LedgerUsageError("adjust needs the acting admin's id");
  requireKey("idempotencyKey", input.idempotencyKey);
  const take = input.amount < 0n ? -input.amount : 0n;
  const add = input.amount > 0n ? input.amount : 0n;

  const rows = await tx.$queryRaw<LedgerRow[]>`
    WITH bal AS (
      SELECT user_id, allowance, purchased, LEAST(${take}, allowance) AS from_allowance
      FROM user_token_balance
      -- Only a deduction needs covering: a credit is never refused, even when what is available is
      -- below 0 (an allowance that expired or was clawed back while calls held it).
      WHERE user_id = ${input.userId} AND (${take}::bigint = 0 OR allowance + purchased - reserved >= ${take})
      FOR UPDATE
    ), ins AS (
      INSERT INTO token_transactions (user_id, kind, allowance_delta, purchased_delta, allowance_after,
        purchased_after, source_type, reason, actor_id, idempotency_key)
      SELECT user_id, 'adjustment', -from_allowance, ${add} - (${take} - from_allowance), allowance - from_allowance,
        purchased + ${add} - (${take} - from_allowance), 'admin', ${input.reason.trim()}, ${input.actorId}, ${input.idempotencyKey}
      FROM bal
      ON CONFLICT (idempotency_key) DO NOTHING
      RETURNING *
    ), upd AS (
      UPDATE user_token_balance b SET allowance = ins.allowance_after, purchased = ins.purchased_after, updated_at = now()
      FROM ins WHERE b.user_id = ins.user_id
      RETURNING b.user_id
    )
    SELECT ${LEDGER_ROW} FROM ins`;
  if (rows[0]) return { ok: true, row: rows[0], duplicate: false };

  const found = await duplicateOrMissing(tx, input.userId, input.idempotencyKey);
  if (found.ok || found.error.type !== "AccountNotFound") return found;
  const [bal] = await tx.$queryRaw<{ available: bigint }[]>`
    SELECT allowance + purchased - reserved AS available FROM user_token_balance WHERE user_id = ${input.userId}`;
  if (bal) return { ok: false, error: { type: "InsufficientTokens", required: take, available: bal.available } };
  return found;
}

// grant: adds tokens to one bucket — a pack (purchased), a refund, a one-off allowance.
import type { DbTx } from "../../db/client";
import { requireKey, requirePositive, type AccountNotFound, type IdempotencyKeyReused, type Result } from "./errors";
import { LEDGER_ROW, type Bucket, type LedgerRow, type TransactionKind } from "./types";

export interface GrantInput {
  userId: string;
  bucket: Bucket;
  kind: Extract<TransactionKind, "grant_allowance" | "grant_pack" | "grant_free" | "refund" | "adjustment">;
  /** Millitokens, > 0. */
  amount: bigint;
  idempotencyKey: string;
  sourceType?: string;
  sourceRef?: string;
  pricingVersion?: number;
  reason?: string;
  actorId?: string;
}

export type GrantResult = Result<{ row: LedgerRow; duplicate: boolean }, AccountNotFound | IdempotencyKeyReused>;

export async function findByKey(tx: DbTx, key: string): Promise<LedgerRow | undefined> {
  const rows = await tx.$queryRaw<
    LedgerRow[]
  >`SELECT ${LEDGER_ROW} FROM token_transactions WHERE idempotency_key = ${key}`;
  return rows[0];
}

/**
 * The answer for a write that inserted nothing: a retry of the same key returns the first result
 * (`duplicate: true`); a key that belongs to another user is an error; otherwise the account is missing.
 */
export async function duplicateOrMissing(
  tx: DbTx,
  userId: string,
  key: string,
): Promise<
  { ok: true; row: LedgerRow; duplicate: true } | { ok: false; error: AccountNotFound | IdempotencyKeyReused }
> {
  const existing = await findByKey(tx, key);
  if (existing) {
    return existing.userId === userId
      ? { ok: true, row: existing, duplicate: true }
      : { ok: false, error: { type: "IdempotencyKeyReused", key, ownerUserId: existing.userId } };
  }
  return { ok: false, error: { type: "AccountNotFound", userId } };
}

/**
 * Adds `amount` millitokens to one bucket, with its ledger row, in one statement. Locking the
 * balance row first serialises it with every other change of this user's balance; the unique
 * idempotency key makes a retry (even a concurrent one) a no-op that returns the first row.
 */
export async function grant(tx: DbTx, input: GrantInput): Promise<GrantResult> {
  requirePositive("grant amount", input.amount);
  requireKey("idempotencyKey", input.idempotencyKey);
  const allowanceDelta = input.bucket === "allowance" ? input.amount : 0n;
  const purchasedDelta = input.bucket === "purchased" ? input.amount : 0n;

  const rows = await tx.$queryRaw<LedgerRow[]>`/* tollgate:prepared */
    WITH bal AS (
      SELECT user_id, allowance, purchased FROM user_token_balance WHERE user_id = ${input.userId} FOR UPDATE
    ), ins AS (
      INSERT INTO token_transactions (user_id, kind, allowance_delta, purchased_delta, allowance_after,
        purchased_after, source_type, source_ref, pricing_version, reason, actor_id, idempotency_key)
      SELECT bal.user_id, ${input.kind}::"TransactionKind", ${allowanceDelta}, ${purchasedDelta},
        bal.allowance + ${allowanceDelta}, bal.purchased + ${purchasedDelta}, ${input.sourceType ?? null},
        ${input.sourceRef ?? null}, ${input.pricingVersion ?? null}, ${input.reason ?? null},
        ${input.actorId ?? null}, ${input.idempotencyKey}
      FROM bal
      ON CONFLICT (idempotency_key) DO NOTHING
      RETURNING *
    ), upd AS (
      UPDATE user_token_balance b
      SET allowance = ins.allowance_after, purchased = ins.purchased_after, updated_at = now()
      FROM ins WHERE b.user_id = ins.user_id
      RETURNING b.user_id
    )
    SELECT ${LEDGER_ROW} FROM ins`;

  if (rows[0]) return { ok: true, row: rows[0], duplicate: false };
  return duplicateOrMissing(tx, input.userId, input.idempotencyKey);
}

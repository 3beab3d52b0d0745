// The token ledger: every change to a balance is one row in `token_transactions`, written in the
// same statement that changes `user_token_balance`. This module holds the ledger's atomic steps;
// it knows nothing of Stripe, OpenAI or HTTP.
//
// Guarantees of every operation here:
// - atomic: the balance and its ledger row change together, in one SQL statement that locks the
//   balance row (no read-then-write race);
// - idempotent: a second call with the same idempotency key changes nothing and returns the first
//   result (`duplicate: true`);
// - exact: amounts are BigInt millitokens end to end.
import { Prisma } from "../db/generated/client";
import type { DbTx } from "../db/client";
import { addMonthsClamped } from "./periods";

export type Bucket = "allowance" | "purchased";
export type GrantKind = "grant_allowance" | "grant_pack" | "grant_free" | "adjustment";

export interface LedgerRow {
  id: bigint;
  userId: string;
  kind: string;
  allowanceDelta: bigint;
  purchasedDelta: bigint;
  allowanceAfter: bigint;
  purchasedAfter: bigint;
  idempotencyKey: string;
}

export type LedgerError =
  | { type: "AccountNotFound"; userId: string }
  | { type: "IdempotencyKeyReused"; key: string; ownerUserId: string };

export type GrantResult = { ok: true; row: LedgerRow; duplicate: boolean } | { ok: false; error: LedgerError };

export interface GrantInput {
  userId: string;
  bucket: Bucket;
  kind: GrantKind;
  /** Millitokens, > 0. */
  amount: bigint;
  idempotencyKey: string;
  sourceType?: string;
  sourceRef?: string;
  pricingVersion?: number;
  reason?: string;
  actorId?: string;
}

const ROW_COLUMNS = Prisma.sql`id, user_id AS "userId", kind::text AS kind, allowance_delta AS "allowanceDelta",
  purchased_delta AS "purchasedDelta", allowance_after AS "allowanceAfter", purchased_after AS "purchasedAfter",
  idempotency_key AS "idempotencyKey"`;

async function findByKey(tx: DbTx, key: string): Promise<LedgerRow | undefined> {
  const rows = await tx.$queryRaw<LedgerRow[]>`SELECT ${ROW_COLUMNS} FROM token_transactions WHERE idempotency_key = ${key}`;
  return rows[0];
}

/** Adds `amount` millitokens to one bucket of a user's balance, with its ledger row. */
export async function grant(tx: DbTx, input: GrantInput): Promise<GrantResult> {
  if (input.amount <= 0n) throw new RangeError(`grant amount must be > 0 millitokens, got ${input.amount}`);
  const allowanceDelta = input.bucket === "allowance" ? input.amount : 0n;
  const purchasedDelta = input.bucket === "purchased" ? input.amount : 0n;

  const rows = await tx.$queryRaw<LedgerRow[]>`
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
    SELECT ${ROW_COLUMNS} FROM ins`;

  if (rows[0]) return { ok: true, row: rows[0], duplicate: false };

  const existing = await findByKey(tx, input.idempotencyKey);
  if (existing) {
    return existing.userId === input.userId
      ? { ok: true, row: existing, duplicate: true }
      : { ok: false, error: { type: "IdempotencyKeyReused", key: input.idempotencyKey, ownerUserId: existing.userId } };
  }
  return { ok: false, error: { type: "AccountNotFound", userId: input.userId } };
}

/** The idempotency key of a user's allowance for the period starting at `periodStart`. */
export function allowanceKey(userId: string, periodStart: Date): string {
  return `allowance:${userId}:${periodStart.toISOString()}`;
}

/**
 * Opens a new user's token account: the balance row, and the free tier granted as the allowance
 * of the first monthly period (anchored on `now`), with its ledger row. Call it inside the
 * transaction that creates the user, so a user never exists without an account.
 */
export async function openAccount(
  tx: DbTx,
  { userId, now, freeTierMillitokens, pricingVersion }: { userId: string; now: Date; freeTierMillitokens: bigint; pricingVersion: number },
): Promise<LedgerRow> {
  if (freeTierMillitokens <= 0n) throw new RangeError("the free tier must grant more than 0 tokens");
  await tx.userTokenBalance.create({
    data: { userId, allowance: 0n, purchased: 0n, reserved: 0n, periodStart: now, nextResetAt: addMonthsClamped(now, 1) },
  });
  const result = await grant(tx, {
    userId,
    bucket: "allowance",
    kind: "grant_free",
    amount: freeTierMillitokens,
    idempotencyKey: allowanceKey(userId, now),
    sourceType: "signup",
    pricingVersion,
  });
  if (!result.ok) throw new Error(`opening the account of ${userId} failed: ${result.error.type}`);
  return result.row;
}

export interface Balance {
  allowance: bigint;
  purchased: bigint;
  reserved: bigint;
  /** allowance + purchased − reserved */
  available: bigint;
  periodStart: Date;
  nextResetAt: Date;
}

/** A user's balance, or null when the user has no token account. */
export async function balance(tx: DbTx, userId: string): Promise<Balance | null> {
  const row = await tx.userTokenBalance.findUnique({ where: { userId } });
  if (!row) return null;
  return {
    allowance: row.allowance,
    purchased: row.purchased,
    reserved: row.reserved,
    available: row.allowance + row.purchased - row.reserved,
    periodStart: row.periodStart,
    nextResetAt: row.nextResetAt,
  };
}

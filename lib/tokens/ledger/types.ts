// Types shared by the ledger operations. Amounts are millitokens (BigInt) everywhere.
import { Prisma } from "../../db/generated/client";

export type Bucket = "allowance" | "purchased";

export type TransactionKind =
  | "grant_allowance"
  | "grant_pack"
  | "grant_free"
  | "expire_allowance"
  | "consume"
  | "refund"
  | "clawback"
  | "adjustment";

/** One row of `token_transactions`. */
export interface LedgerRow {
  id: bigint;
  userId: string;
  kind: TransactionKind;
  allowanceDelta: bigint;
  purchasedDelta: bigint;
  allowanceAfter: bigint;
  purchasedAfter: bigint;
  shortfall: bigint;
  sourceType: string | null;
  sourceRef: string | null;
  feature: string | null;
  pricingVersion: number | null;
  usage: UsageBreakdown | null;
  costMicroUsd: bigint | null;
  actorId: string | null;
  reason: string | null;
  idempotencyKey: string;
  createdAt: Date;
}

/**
 * What a call used, as recorded on its ledger row. Counts are plain numbers (they are small);
 * money stays in `costMicroUsd` on the row itself.
 */
export interface UsageBreakdown {
  model?: string;
  inputTokens?: number;
  cachedInputTokens?: number;
  outputTokens?: number;
  reasoningTokens?: number;
  audioInputTokens?: number;
  audioOutputTokens?: number;
  cachedAudioInputTokens?: number;
  images?: number;
  seconds?: number;
  [detail: string]: string | number | boolean | null | undefined;
}

export interface BalanceSnapshot {
  allowance: bigint;
  purchased: bigint;
  reserved: bigint;
  /**
   * allowance + purchased − reserved. It can drop below 0 when tokens held by calls in flight are
   * taken away under them — a clawback, or a new period expiring the allowance they held; those
   * calls then settle with a recorded shortfall.
   */
  available: bigint;
}

/** The columns of a ledger row, aliased to LedgerRow's names (for RETURNING and SELECT). */
export const LEDGER_ROW = Prisma.sql`id, user_id AS "userId", kind::text AS kind, allowance_delta AS "allowanceDelta",
  purchased_delta AS "purchasedDelta", allowance_after AS "allowanceAfter", purchased_after AS "purchasedAfter",
  shortfall, source_type AS "sourceType", source_ref AS "sourceRef", feature, pricing_version AS "pricingVersion",
  usage, cost_micro_usd AS "costMicroUsd", actor_id AS "actorId", reason, idempotency_key AS "idempotencyKey",
  created_at AS "createdAt"`;

export function snapshot(row: { allowance: bigint; purchased: bigint; reserved: bigint }): BalanceSnapshot {
  return {
    allowance: row.allowance,
    purchased: row.purchased,
    reserved: row.reserved,
    available: row.allowance + row.purchased - row.reserved,
  };
}

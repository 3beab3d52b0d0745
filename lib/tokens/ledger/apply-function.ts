// The SQL function \`ledger_apply(ops)\` (migration ledger_apply) as TypeScript sees it: the JSON of
// its operations, its statement, and its result rows typed with exact bigints. apply.ts builds the
// operations; the ledger pipeline (pipeline.ts) sends many of them in one statement.
import type { DbTx } from "../../db/client";
import { snapshot, type BalanceSnapshot, type LedgerRow, type UsageBreakdown } from "./types";

/** One element of `ledger_apply`'s argument. Amounts are decimal strings (exact beyond 2^53). */
export type ApplyOp =
  | {
      op: "reserve";
      userId: string;
      amount: string;
      reservationId: string;
      requestId: string;
      feature: string;
      pricingVersion: number | null;
      expiresAt: string;
      /** Only the pipeline sets it: a list of such holds alone commits without waiting for the WAL flush. */
      asyncCommit?: true;
      /** The caller's session version: held only while it is the user's current one (else 'revoked'). */
      sessionVersion?: number;
    }
  | {
      op: "settle";
      reservationId: string;
      cost: string;
      usage: UsageBreakdown | null;
      pricingVersion: number | null;
      /** The reservation as it was held: with them, a settle whose hold was lost in a crash still charges. */
      userId?: string;
      requestId?: string;
      feature?: string;
      amount?: string;
      expiresAt?: string;
      heldPricingVersion?: number | null;
    }
  | { op: "release"; reservationId: string };

/** One row of `ledger_apply`'s result, typed. */
export interface ApplyRow {
  outcome: "held" | "refused" | "capped" | "revoked" | "duplicate" | "settled" | "released" | "closed";
  available: bigint | null;
  balance: BalanceSnapshot | null;
  entry: LedgerRow | null;
  /**
   * The spend limit after the operation (settle, release), or at the refusal ('capped'): the cap
   * (null: none) and the millitokens charged this period. Null for the other outcomes.
   */
  spend: { cap: bigint | null; spent: bigint } | null;
}

/**
 * The call, with the ledger row's columns named as LedgerRow names them. The same text is prepared
 * once per connection by node-postgres (the pipeline) and by Prisma (the marker in lib/db/client.ts).
 */
export const APPLY_SQL = `/* tollgate:prepared */ SELECT op_index AS "opIndex", outcome, available,
  balance_allowance AS "balanceAllowance", balance_purchased AS "balancePurchased", balance_reserved AS "balanceReserved",
  entry_id AS "entryId", entry_user_id AS "userId", entry_allowance_delta AS "allowanceDelta", entry_purchased_delta AS "purchasedDelta",
  entry_allowance_after AS "allowanceAfter", entry_purchased_after AS "purchasedAfter", entry_shortfall AS shortfall,
  entry_source_ref AS "sourceRef", entry_feature AS feature, entry_pricing_version AS "pricingVersion", entry_usage AS usage,
  entry_cost_micro_usd AS "costMicroUsd", entry_idempotency_key AS "idempotencyKey", entry_created_at AS "createdAt",
  spend_cap AS "spendCap", period_spent AS "periodSpent"
FROM ledger_apply($1::jsonb, $2::integer) ORDER BY op_index`;

type Int = bigint | string | number;
const big = (value: Int) => BigInt(value);
const bigOrNull = (value: Int | null) => (value === null ? null : BigInt(value));

/** A raw result row, as node-postgres (bigint as string) or Prisma (bigint as BigInt) gives it. */
export interface RawApplyRow {
  opIndex: number;
  outcome: ApplyRow["outcome"];
  available: Int | null;
  balanceAllowance: Int | null;
  balancePurchased: Int | null;
  balanceReserved: Int | null;
  entryId: Int | null;
  userId: string | null;
  allowanceDelta: Int | null;
  purchasedDelta: Int | null;
  allowanceAfter: Int | null;
  purchasedAfter: Int | null;
  shortfall: Int | null;
  sourceRef: string | null;
  feature: string | null;
  pricingVersion: number | null;
  usage: UsageBreakdown | null;
  costMicroUsd: Int | null;
  idempotencyKey: string | null;
  createdAt: Date | null;
  spendCap: Int | null;
  periodSpent: Int | null;
}

export function toApplyRow(raw: RawApplyRow): ApplyRow {
  const balance =
    raw.balanceAllowance === null
      ? null
      : snapshot({
          allowance: big(raw.balanceAllowance),
          purchased: big(raw.balancePurchased!),
          reserved: big(raw.balanceReserved!),
        });
  const entry: LedgerRow | null =
    raw.entryId === null
      ? null
      : {
          id: big(raw.entryId),
          userId: raw.userId!,
          kind: "consume",
          allowanceDelta: big(raw.allowanceDelta!),
          purchasedDelta: big(raw.purchasedDelta!),
          allowanceAfter: big(raw.allowanceAfter!),
          purchasedAfter: big(raw.purchasedAfter!),
          shortfall: big(raw.shortfall!),
          sourceType: "request",
          sourceRef: raw.sourceRef,
          feature: raw.feature,
          pricingVersion: raw.pricingVersion,
          usage: raw.usage,
          costMicroUsd: bigOrNull(raw.costMicroUsd),
          actorId: null,
          reason: null,
          idempotencyKey: raw.idempotencyKey!,
          createdAt: raw.createdAt!,
        };
  const spend = raw.periodSpent === null ? null : { cap: bigOrNull(raw.spendCap), spent: big(raw.periodSpent) };
  return { outcome: raw.outcome, available: bigOrNull(raw.available), balance, entry, spend };
}

/** Runs operations through `ledger_apply` in the caller's connection or transaction (Prisma). */
export async function applyOps(tx: DbTx, ops: ApplyOp[]): Promise<ApplyRow[]> {
  const rows = await tx.$queryRawUnsafe<RawApplyRow[]>(APPLY_SQL, JSON.stringify(ops), null);
  if (rows.length !== ops.length)
    throw new Error(`ledger_apply answered ${rows.length} rows for ${ops.length} operations`);
  return rows.map(toApplyRow);
}

// startPeriod: a new allowance period — the unused allowance expires and the period's allowance is
// granted — exactly once per (user, period start), whoever asks first (Stripe's invoice.paid, the
// reset cron, sign-up).
import type { DbTx } from "../../db/client";
import {
  requireNonNegative,
  type AccountNotFound,
  type IdempotencyKeyReused,
  type Result,
  type StalePeriod,
} from "./errors";
import { duplicateOrMissing } from "./grant";
import { LEDGER_ROW, type LedgerRow } from "./types";

/** The key of a user's allowance for the period starting at `periodStart` (shared by webhook and cron). */
export function allowanceKey(userId: string, periodStart: Date): string {
  return `allowance:${userId}:${periodStart.toISOString()}`;
}

export function expiryKey(userId: string, periodStart: Date): string {
  return `expire:${userId}:${periodStart.toISOString()}`;
}

/**
 * The keys of the free period opened at sign-up: per user, since an account opens once. They never
 * equal a paid period's keys — Stripe dates periods to the second, so a user who subscribes within
 * the second they signed up (at .000 ms) would otherwise find their plan's period "already started".
 */
export function signupKeys(userId: string): PeriodKeys {
  return { allowance: `allowance:${userId}:signup`, expiry: `expire:${userId}:signup` };
}

export interface PeriodKeys {
  allowance: string;
  expiry: string;
}

export interface StartPeriodInput {
  userId: string;
  periodStart: Date;
  /** Start of the next period: when the allowance next resets. */
  periodEnd: Date;
  /** The period's allowance, in millitokens (may be 0). */
  allowance: bigint;
  kind?: "grant_allowance" | "grant_free";
  sourceType?: string;
  sourceRef?: string;
  pricingVersion?: number;
  /** Defaults to `allowanceKey` / `expiryKey` of `periodStart`. */
  keys?: PeriodKeys;
}

export type StartPeriodResult = Result<
  { expired: LedgerRow | null; granted: LedgerRow; duplicate: boolean },
  AccountNotFound | IdempotencyKeyReused | StalePeriod
>;

/**
 * One statement: lock the balance; write the expiry row (the unused allowance, possibly 0) and the
 * grant row; set the allowance, the period start and the next reset. Both rows carry keys derived
 * from (user, period start) and are always written together, so a retry or a concurrent second
 * caller conflicts on both and changes nothing. A period older than the account's current one is
 * refused (StalePeriod): granting it would expire the newer period's allowance. "Older" is judged at
 * Stripe's resolution, whole seconds: Stripe dates a subscription created at 12:00:00.9 to 12:00:00,
 * while the free period of a sign-up at 12:00:00.7 starts at the millisecond — that plan's period is
 * the newer one, not a stale one. Purchased tokens are never touched. The spend limit's count of the
 * period (`period_spent`) starts again at 0 with the period; the cap itself stays.
 */
export async function startPeriod(tx: DbTx, input: StartPeriodInput): Promise<StartPeriodResult> {
  requireNonNegative("allowance", input.allowance);
  if (!(input.periodEnd > input.periodStart)) throw new RangeError("periodEnd must be after periodStart");
  const grantKey = input.keys?.allowance ?? allowanceKey(input.userId, input.periodStart);
  const expireKey = input.keys?.expiry ?? expiryKey(input.userId, input.periodStart);
  const kind = input.kind ?? "grant_allowance";
  const sourceType = input.sourceType ?? "period";

  const rows = await tx.$queryRaw<(LedgerRow & { step: "expire" | "grant" })[]>`
    WITH bal AS (
      SELECT user_id, allowance, purchased FROM user_token_balance
      WHERE user_id = ${input.userId} AND date_trunc('second', period_start) <= ${input.periodStart}
      FOR UPDATE
    ), e AS (
      INSERT INTO token_transactions (user_id, kind, allowance_delta, purchased_delta, allowance_after,
        purchased_after, source_type, source_ref, pricing_version, idempotency_key)
      SELECT user_id, 'expire_allowance', -allowance, 0, 0, purchased, ${sourceType}, ${input.sourceRef ?? null},
        ${input.pricingVersion ?? null}, ${expireKey}
      FROM bal
      ON CONFLICT (idempotency_key) DO NOTHING
      RETURNING *
    ), g AS (
      INSERT INTO token_transactions (user_id, kind, allowance_delta, purchased_delta, allowance_after,
        purchased_after, source_type, source_ref, pricing_version, idempotency_key)
      SELECT e.user_id, ${kind}::"TransactionKind", ${input.allowance}, 0, ${input.allowance}, e.purchased_after,
        ${sourceType}, ${input.sourceRef ?? null}, ${input.pricingVersion ?? null}, ${grantKey}
      FROM e
      ON CONFLICT (idempotency_key) DO NOTHING
      RETURNING *
    ), upd AS (
      UPDATE user_token_balance b
      SET allowance = g.allowance_after, period_start = ${input.periodStart}, next_reset_at = ${input.periodEnd},
          period_spent = 0, updated_at = now()
      FROM g WHERE b.user_id = g.user_id
      RETURNING b.user_id
    )
    -- Guard: an expiry without its grant (only if something wrote the grant key alone) divides by
    -- zero, which aborts the whole statement, so a period is never half started. (Correlated, so it
    -- is evaluated per expiry row written, never as a one-time filter.)
    SELECT 'expire' AS step, ${LEDGER_ROW} FROM e WHERE 1 / (SELECT count(*)::int FROM g WHERE g.user_id = e.user_id) = 1
    UNION ALL
    SELECT 'grant' AS step, ${LEDGER_ROW} FROM g`;

  const expired = rows.find((r) => r.step === "expire");
  const granted = rows.find((r) => r.step === "grant");
  if (granted && expired) {
    return { ok: true, expired: strip(expired), granted: strip(granted), duplicate: false };
  }

  const found = await duplicateOrMissing(tx, input.userId, grantKey);
  if (found.ok) {
    const expiredRow = await tx.$queryRaw<
      LedgerRow[]
    >`SELECT ${LEDGER_ROW} FROM token_transactions WHERE idempotency_key = ${expireKey}`;
    return { ok: true, expired: expiredRow[0] ?? null, granted: found.row, duplicate: true };
  }
  if (found.error.type === "AccountNotFound") {
    const current = await tx.userTokenBalance.findUnique({
      where: { userId: input.userId },
      select: { periodStart: true },
    });
    if (current)
      return {
        ok: false,
        error: { type: "StalePeriod", periodStart: input.periodStart, currentPeriodStart: current.periodStart },
      };
  }
  return found;
}

function strip<T extends { step: unknown }>(row: T): Omit<T, "step"> {
  const rest: Partial<T> = { ...row };
  delete rest.step;
  return rest as Omit<T, "step">;
}

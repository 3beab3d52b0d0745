// The spend limit's settings: a cap on the tokens a user may spend per period, set by the user or by
// an admin, and what counts against it. The cap itself is enforced by `ledger_apply`'s reserve (one
// conditional UPDATE of the balance row: migration spend_limits, docs/SPEND_LIMITS.md); this module
// only writes `spend_cap` and reads the figures a page shows. Knows nothing of HTTP or sessions: the
// callers (server actions) check who may call them.
import { z } from "zod";
import type { DbTx } from "../db/client";
import { MILLITOKENS_PER_TOKEN } from "./units";

/** The largest cap one may set, in tokens ($100,000 of provider cost at 1 token = $0.001). */
export const MAX_SPEND_CAP_TOKENS = 100_000_000;

/**
 * A cap typed in a form: whole tokens, 1 … MAX_SPEND_CAP_TOKENS (a cap of 0 would be "no AI at all",
 * which is what removing tokens is for). Digits only, so "1e3", "12.5" or "-4" are refused.
 */
export const spendCapTokensSchema = z
  .string()
  .trim()
  .regex(/^\d{1,9}$/, "a whole number of tokens")
  .transform(Number)
  .pipe(z.number().int().min(1).max(MAX_SPEND_CAP_TOKENS));

export const tokensToCap = (tokens: number): bigint => BigInt(tokens) * MILLITOKENS_PER_TOKEN;

export interface SpendLimit {
  /** Millitokens a period, or null: no cap. */
  cap: bigint | null;
  /** Set by an admin (their id): the user cannot change it. */
  setByAdmin: string | null;
  /** Millitokens charged since the period started. */
  spent: bigint;
  /** Millitokens held by calls in flight (they count against the cap until they settle). */
  held: bigint;
  periodStart: Date;
  nextResetAt: Date;
}

/** A user's cap and what counts against it, or null without a token account. */
export async function readSpendLimit(tx: DbTx, userId: string): Promise<SpendLimit | null> {
  const row = await tx.userTokenBalance.findUnique({
    where: { userId },
    select: {
      spendCap: true,
      spendCapSetByAdmin: true,
      periodSpent: true,
      reserved: true,
      periodStart: true,
      nextResetAt: true,
    },
  });
  if (!row) return null;
  return {
    cap: row.spendCap,
    setByAdmin: row.spendCapSetByAdmin,
    spent: row.periodSpent,
    held: row.reserved,
    periodStart: row.periodStart,
    nextResetAt: row.nextResetAt,
  };
}

export type SetSpendLimitResult = { ok: true } | { ok: false; error: "no_account" | "set_by_admin" };

/**
 * The user's own cap (null removes it). Refused when an admin set the current cap: one conditional
 * UPDATE (`spend_cap_set_by_admin IS NULL`), so an admin's cap written concurrently is never
 * overwritten. A cap below what is already spent is allowed: further calls are refused until the
 * next period. Takes effect for the next reserve (holds already made stay).
 */
export async function setOwnSpendLimit(tx: DbTx, userId: string, cap: bigint | null): Promise<SetSpendLimitResult> {
  const updated = await tx.$executeRaw`
    UPDATE user_token_balance SET spend_cap = ${cap}, updated_at = now()
    WHERE user_id = ${userId} AND spend_cap_set_by_admin IS NULL`;
  if (updated === 1) return { ok: true };
  const exists = await tx.userTokenBalance.findUnique({ where: { userId }, select: { userId: true } });
  return { ok: false, error: exists ? "set_by_admin" : "no_account" };
}

/**
 * An admin's cap for any user (null removes the cap altogether, giving the user back the choice).
 * Records the admin; the user cannot raise, lower or remove it while it stands.
 */
export async function setAdminSpendLimit(
  tx: DbTx,
  { userId, adminId, cap }: { userId: string; adminId: string; cap: bigint | null },
): Promise<{ ok: true } | { ok: false; error: "no_account" }> {
  const updated = await tx.$executeRaw`
    UPDATE user_token_balance
    SET spend_cap = ${cap}, spend_cap_set_by_admin = ${cap === null ? null : adminId}, updated_at = now()
    WHERE user_id = ${userId}`;
  return updated === 1 ? { ok: true } : { ok: false, error: "no_account" };
}

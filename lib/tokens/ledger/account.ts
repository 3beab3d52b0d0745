// A user's token account: opening it (at sign-up) and reading its balance.
import type { DbTx } from "../../db/client";
import { addMonthsClamped } from "../periods";
import { LedgerUsageError } from "./errors";
import { signupKeys, startPeriod } from "./period";
import type { BalanceSnapshot, LedgerRow } from "./types";

/**
 * Opens a new user's token account: the balance row, and the free tier granted as the allowance of
 * the first monthly period (anchored on `now`), with its ledger rows. Call it inside the
 * transaction that creates the user, so a user never exists without an account.
 */
export async function openAccount(
  tx: DbTx,
  {
    userId,
    now,
    freeTierMillitokens,
    pricingVersion,
  }: { userId: string; now: Date; freeTierMillitokens: bigint; pricingVersion: number },
): Promise<LedgerRow> {
  if (freeTierMillitokens <= 0n) throw new LedgerUsageError("the free tier must grant more than 0 tokens");
  const periodEnd = addMonthsClamped(now, 1);
  await tx.userTokenBalance.create({
    data: {
      userId,
      allowance: 0n,
      purchased: 0n,
      reserved: 0n,
      periodStart: now,
      nextResetAt: periodEnd,
      periodAnchor: now,
    },
  });
  const result = await startPeriod(tx, {
    userId,
    periodStart: now,
    periodEnd,
    allowance: freeTierMillitokens,
    kind: "grant_free",
    sourceType: "signup",
    pricingVersion,
    keys: signupKeys(userId),
  });
  if (!result.ok) throw new Error(`opening the account of ${userId} failed: ${result.error.type}`);
  return result.granted;
}

export interface Balance extends BalanceSnapshot {
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

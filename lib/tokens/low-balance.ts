// When the signed-in shell shows the low-balance banner: the balance is empty, or below
// LOW_BALANCE_PERCENT (lib/env.ts, default 10) of the allowance the user gets each period (the
// plan's, or the free tier's). This is deliberately below the sidebar's amber "Running low" status
// (20 %, lib/tokens/status.ts): the colour is an early hint, the banner asks for action.
// Pure and client-safe; millitokens as bigint.

export type LowBalance = "empty" | "low" | null;

export function lowBalance(
  availableMillitokens: bigint,
  periodAllowanceMillitokens: bigint,
  percent: number,
): LowBalance {
  if (availableMillitokens <= 0n) return "empty";
  if (!Number.isInteger(percent) || percent <= 0 || periodAllowanceMillitokens <= 0n) return null;
  return availableMillitokens * 100n < periodAllowanceMillitokens * BigInt(percent) ? "low" : null;
}

// The colour-coded status of a balance, relative to the allowance the user gets each period (their
// plan's, or the free tier's): empty when nothing is available, low below LOW_RATIO of it.

export type BalanceStatus = "healthy" | "low" | "empty";

export const LOW_RATIO_PERCENT = 20n;

export function balanceStatus(availableMillitokens: bigint, periodAllowanceMillitokens: bigint): BalanceStatus {
  if (availableMillitokens <= 0n) return "empty";
  if (periodAllowanceMillitokens > 0n && availableMillitokens * 100n < periodAllowanceMillitokens * LOW_RATIO_PERCENT) {
    return "low";
  }
  return "healthy";
}

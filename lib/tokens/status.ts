// The colour-coded status of a balance, relative to the allowance the user gets each period (their
// plan's, or the free tier's): empty when nothing is available, low below LOW_RATIO_PERCENT of it.
// Client-safe (no server imports): the sidebar widget and the subscription page share it; their words
// are in the message catalogues (balance.status.*, balance.hint.*).

export type BalanceStatus = "healthy" | "low" | "empty";

export const LOW_RATIO_PERCENT = 20n;

/**
 * Below this many available millitokens the balance is "low": LOW_RATIO_PERCENT of the period
 * allowance, rounded up so that "below" is exact in integers. 0 when there is no period allowance
 * (then a balance is only ever empty or healthy).
 */
export function lowThreshold(periodAllowanceMillitokens: bigint): bigint {
  if (periodAllowanceMillitokens <= 0n) return 0n;
  return (periodAllowanceMillitokens * LOW_RATIO_PERCENT + 99n) / 100n;
}

export function balanceStatus(availableMillitokens: bigint, periodAllowanceMillitokens: bigint): BalanceStatus {
  if (availableMillitokens <= 0n) return "empty";
  if (periodAllowanceMillitokens > 0n && availableMillitokens * 100n < periodAllowanceMillitokens * LOW_RATIO_PERCENT) {
    return "low";
  }
  return "healthy";
}

/** Which sentence (messages: balance.hint.<key>) says what the status means, with LOW_RATIO_PERCENT. */
export type BalanceStatusHint = "empty" | "low" | "healthy" | "healthyNoAllowance";

/** The hint for a status: "healthy" is relative to the allowance only when there is one. */
export function balanceStatusHint(status: BalanceStatus, periodAllowanceMillitokens: bigint): BalanceStatusHint {
  if (status === "healthy" && periodAllowanceMillitokens <= 0n) return "healthyNoAllowance";
  return status;
}

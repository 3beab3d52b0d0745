// The colour-coded status of a balance, relative to the allowance the user gets each period (their
// plan's, or the free tier's): empty when nothing is available, low below LOW_RATIO_PERCENT of it.
// Client-safe (no server imports): the sidebar widget and the subscription page share it.

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

/** How each status reads, for a badge next to the balance (never colour alone). */
export const BALANCE_STATUS_LABEL: Record<BalanceStatus, string> = {
  healthy: "Healthy",
  low: "Running low",
  empty: "Empty",
};

/** One sentence on what the status means for the user, with the threshold it is relative to. */
export function balanceStatusHint(status: BalanceStatus, periodAllowanceMillitokens: bigint): string {
  switch (status) {
    case "empty":
      return "No tokens available: AI features are paused until you buy a pack or your allowance resets.";
    case "low":
      return `Less than ${LOW_RATIO_PERCENT}% of your monthly allowance is left.`;
    case "healthy":
      return periodAllowanceMillitokens > 0n
        ? `At least ${LOW_RATIO_PERCENT}% of your monthly allowance is available.`
        : "Tokens available.";
  }
}

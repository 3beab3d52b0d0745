// Units of the token economy. The ledger stores millitokens as BigInt: 1 millitoken = 1 micro-dollar
// of provider cost when 1 token = $0.001. Whole tokens appear only in configuration and display.

export const MILLITOKENS_PER_TOKEN = 1000n;

/** Whole (or integral) tokens → millitokens. Refuses fractions: configuration is in whole tokens. */
export function tokensToMillitokens(tokens: number | bigint): bigint {
  if (typeof tokens === "number" && !Number.isSafeInteger(tokens)) {
    throw new RangeError(`tokens must be a safe integer, got ${tokens}`);
  }
  return BigInt(tokens) * MILLITOKENS_PER_TOKEN;
}

/** Millitokens → tokens as a number, for display only (never for arithmetic on balances). */
export function millitokensToTokens(millitokens: bigint): number {
  const whole = millitokens / MILLITOKENS_PER_TOKEN;
  const rest = millitokens % MILLITOKENS_PER_TOKEN;
  return Number(whole) + Number(rest) / 1000;
}

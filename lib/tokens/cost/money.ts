// Exact money arithmetic for the cost engine. Prices are held as integer micro-dollars (µ$), per
// 1,000,000 tokens for token prices, per image or per second otherwise; counts are integers; every
// product and sum is a BigInt; the only division is the final ceil(Σ count × µ$/1M ÷ 1,000,000),
// done once per call. 1 µ$ = 1 millitoken (DESIGN.md "Units"). No float ever touches a cost.

/** Tokens in the "per 1M tokens" unit of token prices. */
export const TOKENS_PER_PRICE_UNIT = 1_000_000n;

/** Thrown when a price cannot be represented exactly in integer micro-dollars. */
export class InvalidPriceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidPriceError";
  }
}

/**
 * A dollar amount (as published: $ per 1M tokens, $ per image, …) → integer micro-dollars, exactly.
 *
 * The conversion goes through the number's shortest decimal representation (what `String()` gives,
 * e.g. "0.03", "1.25e-7"), not through `price * 1e6`, so 0.03 is 30,000 and not 30,000.000000000004.
 * A price with more than 6 decimals (a fraction of a micro-dollar), a negative, NaN or infinite
 * price is refused: it would be a wrong price, and a wrong price is worse than a clear error.
 * The result is cross-checked against `Math.round(price * 1e6)`.
 */
export function usdToMicroUsd(price: number, what = "price"): number {
  if (typeof price !== "number" || !Number.isFinite(price) || price < 0) {
    throw new InvalidPriceError(`${what}: $${String(price)} is not a finite, non-negative dollar amount`);
  }
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(String(price));
  if (!match) throw new InvalidPriceError(`${what}: cannot read $${String(price)} as a decimal`);
  const [, whole, fraction = "", exponent = "0"] = match;
  // value = digits × 10^(exp − len(fraction)); in micro-dollars: × 10^6.
  const digits = BigInt(`${whole}${fraction}`);
  const shift = Number(exponent) - fraction.length + 6;
  let micro: bigint;
  if (shift >= 0) {
    micro = digits * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    if (digits % divisor !== 0n) {
      throw new InvalidPriceError(`${what}: $${String(price)} has more than 6 decimals (a fraction of a micro-dollar)`);
    }
    micro = digits / divisor;
  }
  if (micro > BigInt(Number.MAX_SAFE_INTEGER)) throw new InvalidPriceError(`${what}: $${String(price)} is too large`);
  const result = Number(micro);
  if (result !== Math.round(price * 1e6)) {
    throw new InvalidPriceError(`${what}: $${String(price)} does not convert exactly to micro-dollars`);
  }
  return result;
}

/** ceil(numerator / denominator) for non-negative BigInts. */
export function ceilDiv(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError("denominator must be positive");
  if (numerator < 0n) throw new RangeError("numerator must be non-negative");
  return (numerator + denominator - 1n) / denominator;
}

/** One term of a token bill: a count and its price in µ$ per 1M tokens. */
export type TokenTerm = readonly [count: number, microUsdPer1M: number];

/**
 * ceil(Σ count × µ$/1M ÷ 1,000,000) in BigInt: the exact cost of a set of token counts, rounded up
 * once (a call of one gpt-4o input token, 2.5 µ$, costs 3 µ$; two such terms in one call cost 5).
 */
export function tokenCost(terms: readonly TokenTerm[]): bigint {
  let total = 0n;
  for (const [count, price] of terms) total += BigInt(count) * BigInt(price);
  return ceilDiv(total, TOKENS_PER_PRICE_UNIT);
}

// Exact money arithmetic for the cost engine. Prices are held as integer micro-dollars (µ$), per
// 1,000,000 tokens for token prices, per image or per second otherwise; counts are integers; every
// product and sum is a BigInt; the only division is the final ceil(Σ count × µ$/1M ÷ 1,000,000),
// done once per call. 1 µ$ = 1 millitoken (docs/ARCHITECTURE.md, "Units"). No float ever touches a cost.

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
 * A decimal dollar amount written as text ("0.025", ".025", "25e-3", "2e5", as a price list or a
 * JavaScript/JSON source writes it) → integer micro-dollars per `per` units, exactly: the text is
 * read digit by digit into a BigInt, never through a float. `per` divides the figure (a price per
 * hour becomes a price per second with per = 3600). A figure that is not a whole number of
 * micro-dollars after the division (more than 6 decimals, or $0.35/hour per second), a negative
 * or malformed figure is refused: a wrong price is worse than a clear error.
 */
export function decimalToMicroUsd(text: string, what = "price", per = 1n): number {
  const match = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match || (match[1] === "" && (match[2] ?? "") === "")) {
    throw new InvalidPriceError(`${what}: cannot read $${text} as a non-negative decimal`);
  }
  const [, whole = "", fraction = "", exponent = "0"] = match;
  // value = digits × 10^(exp − len(fraction)); in micro-dollars per unit: × 10^6 ÷ per.
  const digits = BigInt(`${whole}${fraction}` || "0");
  const shift = Number(exponent) - fraction.length + 6;
  const numerator = shift >= 0 ? digits * 10n ** BigInt(shift) : digits;
  const denominator = (shift >= 0 ? 1n : 10n ** BigInt(-shift)) * per;
  if (numerator % denominator !== 0n) {
    throw new InvalidPriceError(
      per === 1n
        ? `${what}: $${text} has more than 6 decimals (a fraction of a micro-dollar)`
        : `${what}: $${text} ÷ ${per} is not a whole number of micro-dollars`,
    );
  }
  const micro = numerator / denominator;
  if (micro > BigInt(Number.MAX_SAFE_INTEGER)) throw new InvalidPriceError(`${what}: $${text} is too large`);
  return Number(micro);
}

/**
 * The decimal text a JavaScript number was written as, when that is certain. ECMAScript's
 * Number::toString gives the SHORTEST decimal that parses back to the same double. A decimal of at
 * most 15 significant digits is the only one of that length or shorter inside its double's
 * rounding interval (doubles carry 15.95 decimal digits), so for such a figure `String(n)` is
 * exactly the literal its source wrote — "0.025" stays "0.025", never 0.025000000000000001. A number
 * whose shortest form needs more than 15 significant digits may not be its source's literal, and
 * is refused.
 */
export function decimalTextOf(price: number, what = "price"): string {
  if (typeof price !== "number" || !Number.isFinite(price) || price < 0) {
    throw new InvalidPriceError(`${what}: $${String(price)} is not a finite, non-negative dollar amount`);
  }
  const text = String(price);
  const significant = text.replace(/e.*$/, "").replace(".", "").replace(/^0+/, "").replace(/0+$/, "");
  if (significant.length > 15) {
    throw new InvalidPriceError(
      `${what}: $${text} has more than 15 significant digits, so its decimal source is not certain`,
    );
  }
  return text;
}

/**
 * A dollar amount (as published: $ per 1M tokens, $ per image, …) → integer micro-dollars, exactly,
 * through its decimal text (decimalTextOf, then decimalToMicroUsd), not through `price * 1e6`, so
 * 0.03 is 30,000 and not 30,000.000000000004. A price with more than 6 decimals (a fraction of a
 * micro-dollar), a negative, NaN or infinite price is refused. The result is cross-checked against
 * `Math.round(price * 1e6)`.
 */
export function usdToMicroUsd(price: number, what = "price"): number {
  const result = decimalToMicroUsd(decimalTextOf(price, what), what);
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

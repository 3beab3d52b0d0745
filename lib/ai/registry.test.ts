import { describe, expect, it } from "vitest";
import { costEngine } from "../tokens/cost";
import { FEATURES, FEATURE_SLUGS } from "./features";
import { FEATURE_MODELS } from "./models";
import { AI_FEATURES, aiFeature, findFeature, isFeatureSlug } from "./registry";

describe("the AI feature registry", () => {
  it("lists the ten features of the product, each with its model, route and page", () => {
    expect(AI_FEATURES.map((f) => f.slug).sort()).toEqual(Object.keys(FEATURE_MODELS).sort());
    expect(AI_FEATURES).toHaveLength(10);
    for (const feature of AI_FEATURES) {
      expect(feature.model).toBe(FEATURE_MODELS[feature.slug]);
      expect(feature.routePath).toBe(`/api/ai/${feature.slug}`);
      expect(feature.pagePath).toBe(`/ai/${feature.slug}`);
      expect(feature.title.length).toBeGreaterThan(2);
    }
  });

  it("prices every typical request with the cost engine, so a price override moves it", () => {
    for (const feature of AI_FEATURES) {
      const cost = feature.typicalCost();
      expect(cost, feature.slug).toBeGreaterThan(0n);
      const doubled = costEngine({
        modelPriceOverrides: {
          "gpt-5-mini": { kind: "text", inputMicroUsdPer1M: 500_000, outputMicroUsdPer1M: 4_000_000 },
        },
      });
      if (feature.model === "gpt-5-mini")
        expect(feature.typicalCost(doubled), feature.slug).toBeGreaterThanOrEqual(cost * 2n - 1n);
    }
  });

  it("finds a feature by slug", () => {
    expect(aiFeature("meal-analyzer").kind).toBe("vision");
    expect(isFeatureSlug("meal-analyzer")).toBe(true);
    expect(isFeatureSlug("toString")).toBe(false);
    expect(findFeature("constructor")).toBeUndefined();
  });

  it("reads every entry from the feature's definition, in the definitions' order", () => {
    expect(AI_FEATURES.map((f) => f.slug)).toEqual([...FEATURE_SLUGS]);
    const engine = costEngine();
    for (const definition of FEATURES) {
      const feature = aiFeature(definition.slug);
      expect(findFeature(definition.slug)).toBe(definition);
      expect(feature).toMatchObject({
        title: definition.page.title,
        kind: definition.page.kind,
        model: definition.model,
        routePath: definition.routePath,
        pagePath: definition.pagePath,
      });
      expect(feature.typicalCost(engine)).toBe(definition.page.typicalCost(engine, definition.model));
    }
  });
});

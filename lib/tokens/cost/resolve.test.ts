import { describe, expect, it } from "vitest";
import { InvalidPriceOverridesError, UnknownModelError } from "./errors";
import { catalogueLookup } from "./catalogue";
import { OWN_PRICE_SOURCES, OWN_PRICES } from "./own-prices";
import { modelPriceSchema, parseModelPriceOverrides } from "./prices";
import { baseModelId, resolvePrice } from "./resolve";

const textOverride = (input: number, output: number, cached?: number) => ({
  kind: "text" as const,
  inputMicroUsdPer1M: input,
  outputMicroUsdPer1M: output,
  ...(cached === undefined ? {} : { cachedInputMicroUsdPer1M: cached }),
});

describe("baseModelId: dated snapshots fall back to their base id, explicitly", () => {
  it.each([
    ["gpt-4o-2024-08-06", "gpt-4o"],
    ["gpt-5-mini-2025-08-07", "gpt-5-mini"],
    ["gpt-4o-realtime-preview-2024-12-17", "gpt-4o-realtime-preview"],
    ["gpt-realtime-2025-08-28", "gpt-realtime"],
    ["gpt-4o", null],
    ["gpt-4-0613", null], //           legacy suffixes named differently priced models: not folded
    ["gpt-4-1106-preview", null],
    ["gpt-image-1", null],
  ])("%s → %s", (model, base) => {
    expect(baseModelId(model)).toBe(base);
  });
});

describe("resolvePrice: override > our table > catalogue, exact id before base id", () => {
  it.each([
    // model                                   pricedAs                    source
    ["gpt-5-mini", "gpt-5-mini", "catalogue"],
    ["gpt-5-mini-2025-08-07", "gpt-5-mini", "catalogue"], //  a snapshot the catalogue lists under its base
    ["gpt-5-mini-2026-01-01", "gpt-5-mini", "catalogue"], //  a snapshot no one lists: its base id's price
    ["gpt-4.1-2026-01-01", "gpt-4.1", "catalogue"],
    ["gpt-4o-2024-08-06", "gpt-4o", "catalogue"],
    ["gpt-4o-2024-05-13", "gpt-4o-2024-05-13", "catalogue"], // its own (higher) price, not gpt-4o's
    ["dall-e-3", "dall-e-3", "table"],
    ["dall-e-2", "dall-e-2", "table"],
    ["gpt-image-1", "gpt-image-1", "catalogue"],
    ["whisper-1", "whisper-1", "catalogue"],
    ["gpt-4o-transcribe", "gpt-4o-transcribe", "catalogue"],
    ["gpt-4o-mini-transcribe", "gpt-4o-mini-transcribe", "catalogue"],
    ["gpt-4o-realtime-preview-2024-12-17", "gpt-4o-realtime-preview", "catalogue"],
    ["gpt-realtime-2025-08-28", "gpt-realtime", "catalogue"],
    ["gpt-realtime-mini-2025-12-15", "gpt-realtime-mini", "catalogue"],
    ["gpt-4o-mini-realtime-preview-2024-12-17", "gpt-4o-mini-realtime-preview", "catalogue"],
  ])("%s is priced as %s from the %s", (model, pricedAs, source) => {
    const resolved = resolvePrice(model);
    expect(resolved).toMatchObject({ model, pricedAs, source });
  });

  it("an admin override wins over the catalogue", () => {
    const overrides = { "gpt-5-mini": textOverride(150_000, 600_000) };
    expect(resolvePrice("gpt-5-mini", overrides)).toEqual({
      model: "gpt-5-mini",
      pricedAs: "gpt-5-mini",
      source: "override",
      price: textOverride(150_000, 600_000),
    });
  });

  it("an override of a catalogue entry covers the ids the catalogue lists under it (what the API answers with)", () => {
    const overrides = { "gpt-5-mini": textOverride(150_000, 600_000) };
    expect(resolvePrice("gpt-5-mini-2025-08-07", overrides)).toMatchObject({
      pricedAs: "gpt-5-mini",
      source: "override",
      price: overrides["gpt-5-mini"],
    });
  });

  it("an admin override wins over our table", () => {
    const overrides = { "whisper-1": { kind: "transcription", microUsdPerSecond: 50 } };
    expect(resolvePrice("whisper-1", overrides)).toMatchObject({
      source: "override",
      price: { microUsdPerSecond: 50 },
    });
  });

  it("an override of a base id reprices its snapshots that have no entry of their own", () => {
    const overrides = { "gpt-4o": textOverride(2_000_000, 8_000_000) };
    expect(resolvePrice("gpt-4o-2024-08-06", overrides)).toMatchObject({ pricedAs: "gpt-4o", source: "override" });
    // …but not a snapshot with its own price: the exact id is looked up everywhere first.
    expect(resolvePrice("gpt-4o-2024-05-13", overrides)).toMatchObject({
      pricedAs: "gpt-4o-2024-05-13",
      source: "catalogue",
    });
  });

  it("an override of an exact snapshot id wins over its base's catalogue price", () => {
    const overrides = { "gpt-5-mini-2025-08-07": textOverride(1, 2) };
    expect(resolvePrice("gpt-5-mini-2025-08-07", overrides)).toMatchObject({
      pricedAs: "gpt-5-mini-2025-08-07",
      source: "override",
    });
    expect(resolvePrice("gpt-5-mini", overrides)).toMatchObject({ source: "catalogue" });
  });

  it("an override can price a model no one else knows", () => {
    const overrides = { "my-model": textOverride(1_000_000, 3_000_000) };
    expect(resolvePrice("my-model", overrides)).toMatchObject({ source: "override" });
  });

  it("an unknown model is a clear error naming the model and the fix, never a free call", () => {
    expect(() => resolvePrice("gpt-9-ultra")).toThrow(UnknownModelError);
    expect(() => resolvePrice("gpt-9-ultra")).toThrow(/Unknown model "gpt-9-ultra".*modelPriceOverrides/);
    expect(() => resolvePrice("gpt-9-ultra-2030-01-01")).toThrow(/"gpt-9-ultra-2030-01-01" and "gpt-9-ultra"/);
    expect(() => resolvePrice("")).toThrow(UnknownModelError);
    for (const id of ["toString", "__proto__", "constructor"])
      expect(() => resolvePrice(id)).toThrow(UnknownModelError);
    try {
      resolvePrice("gpt-9-ultra");
    } catch (error) {
      expect(error).toMatchObject({ model: "gpt-9-ultra", tried: ["gpt-9-ultra"] });
    }
  });
});

describe("modelPriceOverrides schema (integer micro-dollars)", () => {
  it("accepts every kind of price", () => {
    const overrides = {
      a: textOverride(1, 2, 1),
      b: { kind: "image", defaultQuality: "standard", microUsdPerImage: { standard: { "1024x1024": 40_000 } } },
      c: { kind: "transcription", microUsdPerSecond: 100 },
      d: {
        kind: "realtime",
        textInputMicroUsdPer1M: 4,
        cachedTextInputMicroUsdPer1M: 0,
        textOutputMicroUsdPer1M: 16,
        audioInputMicroUsdPer1M: 32,
        cachedAudioInputMicroUsdPer1M: 0,
        audioOutputMicroUsdPer1M: 64,
      },
      e: {
        kind: "transcription-tokens",
        textInputMicroUsdPer1M: 2_500_000,
        audioInputMicroUsdPer1M: 6_000_000,
        outputMicroUsdPer1M: 10_000_000,
      },
      f: {
        ...textOverride(2_500_000, 15_000_000, 250_000),
        longContext: {
          aboveInputTokens: 271_999,
          inputMicroUsdPer1M: 5_000_000,
          cachedInputMicroUsdPer1M: 500_000,
          outputMicroUsdPer1M: 22_500_000,
        },
      },
      g: {
        kind: "image",
        microUsdPerImage: { low: { "1024x1024": 10_880 } },
        tokens: {
          textInputMicroUsdPer1M: 5_000_000,
          imageInputMicroUsdPer1M: 10_000_000,
          imageOutputMicroUsdPer1M: 40_000_000,
        },
      },
    };
    expect(parseModelPriceOverrides(overrides)).toEqual(overrides);
    expect(parseModelPriceOverrides(null)).toEqual({});
    expect(parseModelPriceOverrides(undefined)).toEqual({});
    expect(parseModelPriceOverrides({})).toEqual({});
  });

  it.each([
    ["a float (dollars instead of micro-dollars)", { m: textOverride(2.5, 10) }],
    ["a negative price", { m: textOverride(-1, 10) }],
    ["a cached price above the input price", { m: textOverride(1, 10, 2) }],
    [
      "a long-context cached price above its input price",
      {
        m: {
          ...textOverride(1, 10),
          longContext: {
            aboveInputTokens: 5,
            inputMicroUsdPer1M: 1,
            cachedInputMicroUsdPer1M: 2,
            outputMicroUsdPer1M: 1,
          },
        },
      },
    ],
    [
      "a token transcription price without its audio price",
      { m: { kind: "transcription-tokens", textInputMicroUsdPer1M: 1, outputMicroUsdPer1M: 1 } },
    ],
    [
      "an image token price with a typo",
      {
        m: {
          kind: "image",
          microUsdPerImage: { low: { "1x1": 1 } },
          tokens: { textInputMicroUsdPer1M: 1, imageInputMicroUsdPer1M: 1, imageOutputMicroUsdPer1m: 1 },
        },
      },
    ],
    ["a typo'd field", { m: { kind: "text", inputMicroUsdPer1m: 1, outputMicroUsdPer1M: 1 } }],
    ["a missing field", { m: { kind: "text", inputMicroUsdPer1M: 1 } }],
    ["an unknown kind", { m: { kind: "video", microUsdPerSecond: 1 } }],
    ["a malformed image size", { m: { kind: "image", microUsdPerImage: { standard: { big: 1 } } } }],
    ["an image price with no sizes", { m: { kind: "image", microUsdPerImage: { standard: {} } } }],
    [
      "a default quality that is not priced",
      { m: { kind: "image", defaultQuality: "hd", microUsdPerImage: { standard: { "1x1": 1 } } } },
    ],
    ["a string price", { m: { kind: "transcription", microUsdPerSecond: "100" } }],
    ["not an object", "gpt-4o"],
  ])("refuses %s", (_, overrides) => {
    expect(() => parseModelPriceOverrides(overrides)).toThrow(InvalidPriceOverridesError);
    expect(() => resolvePrice("gpt-4o", overrides)).toThrow(InvalidPriceOverridesError);
  });
});

describe("our own table", () => {
  it.each(Object.entries(OWN_PRICES))("%s is a valid price in integer micro-dollars", (_, price) => {
    expect(modelPriceSchema.parse(price)).toEqual(price);
  });

  it("holds the published per-image prices of the DALL·E models, which the catalogue lacks", () => {
    expect(OWN_PRICES["dall-e-3"]).toEqual({
      kind: "image",
      defaultQuality: "standard",
      microUsdPerImage: {
        standard: { "1024x1024": 40_000, "1024x1792": 80_000, "1792x1024": 80_000 }, //  $0.040 / $0.080
        hd: { "1024x1024": 80_000, "1024x1792": 120_000, "1792x1024": 120_000 }, //      $0.080 / $0.120
      },
    });
  });

  it("says where each entry comes from", () => {
    expect(Object.keys(OWN_PRICE_SOURCES).sort()).toEqual(Object.keys(OWN_PRICES).sort());
  });

  it("keeps only what the catalogue does not have (an entry here would hide the maintained price)", () => {
    expect(Object.keys(OWN_PRICES).filter((id) => catalogueLookup(id) !== null)).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { CURRENT_OPENAI_MODELS, listedModels, modelPriceRows, usdOfMicro } from "./model-prices";

const pricing = (modelPriceOverrides: Record<string, unknown> = {}) => ({ version: 7, modelPriceOverrides });
const at = new Date("2026-12-02T12:00:00Z");

describe("usdOfMicro: µ$ as exact dollars", () => {
  it.each([
    [25_000, "$0.025"],
    [2_000_000, "$2.00"],
    [250_000, "$0.25"],
    [1, "$0.000001"],
    [0, "$0.00"],
    [10_880, "$0.01088"],
    [168_000_000, "$168.00"],
    [1_234_567_890, "$1,234.56789"],
  ])("%s µ$ = %s", (micro, usd) => {
    expect(usdOfMicro(micro)).toBe(usd);
  });
});

describe("modelPriceRows: each model's source and price in $ per 1M", () => {
  it("gpt-5-mini: from the catalogue and its date, per 1M of each kind, with the features that use it", () => {
    expect(modelPriceRows(["gpt-5-mini"], pricing(), at)).toEqual([
      {
        model: "gpt-5-mini",
        features: [
          "chat",
          "activity-analyzer",
          "meal-analyzer",
          "scan-estimate",
          "scan-refine-morphs",
          "fridge-scan-vision",
          "recipe-generator",
        ],
        source: "catalogue",
        sourceLabel: "catalogue @pydantic/genai-prices@0.1.8 of 2026-09-23",
        pricedAs: "gpt-5-mini",
        figures: [
          { what: "input", usd: "$0.25", per: "1M tokens" },
          { what: "cached input", usd: "$0.025", per: "1M tokens" },
          { what: "output", usd: "$2.00", per: "1M tokens" },
        ],
        upcoming: [],
      },
    ]);
  });

  it("realtime, transcription and long-context prices per kind", () => {
    const [realtime, whisper, transcribe, long] = modelPriceRows(
      ["gpt-4o-realtime-preview", "whisper-1", "gpt-4o-transcribe", "gpt-5.4"],
      pricing(),
      at,
    );
    expect(realtime!.figures.map((f) => `${f.what} ${f.usd}`)).toEqual([
      "text input $5.00",
      "cached text input $2.50",
      "text output $20.00",
      "audio input $40.00",
      "cached audio input $2.50",
      "audio output $80.00",
    ]);
    expect(whisper!.figures).toEqual([{ what: "audio", usd: "$0.006", per: "minute" }]);
    expect(transcribe!.figures.map((f) => `${f.what} ${f.usd}`)).toEqual([
      "text input $2.50",
      "audio input $6.00",
      "output $10.00",
    ]);
    expect(long!.figures.map((f) => `${f.what} ${f.usd}`)).toEqual([
      "input $2.50",
      "cached input $0.25",
      "output $15.00",
      "above 271,999 input tokens: input $5.00",
      "above 271,999 input tokens: cached input $0.50",
      "above 271,999 input tokens: output $22.50",
    ]);
  });

  it("gpt-image-1: every token kind, then per image", () => {
    const [row] = modelPriceRows(["gpt-image-1"], pricing(), at);
    expect(row!.figures.slice(0, 6).map((f) => `${f.what} ${f.usd} / ${f.per}`)).toEqual([
      "text input $5.00 / 1M tokens",
      "cached text input $1.25 / 1M tokens",
      "image input $10.00 / 1M tokens",
      "cached image input $2.50 / 1M tokens",
      "image output $40.00 / 1M tokens",
      "low 1024x1024 $0.01088 / image",
    ]);
  });

  it("our own table, with where its figure comes from", () => {
    expect(modelPriceRows(["dall-e-3"], pricing(), at)[0]).toMatchObject({
      source: "table",
      sourceLabel: "our own table: OpenAI's pricing page (DALL·E, per image), checked 2026-12-02",
      figures: expect.arrayContaining([{ what: "hd 1792x1024", usd: "$0.12", per: "image" }]),
    });
  });

  it("an override, naming the pricing version; it also reprices the snapshot ids listed under it", () => {
    const overrides = { "gpt-5-mini": { kind: "text", inputMicroUsdPer1M: 150_000, outputMicroUsdPer1M: 600_000 } };
    const rows = modelPriceRows(["gpt-5-mini", "gpt-5-mini-2025-08-07"], pricing(overrides), at);
    for (const row of rows) {
      expect(row).toMatchObject({
        source: "override",
        sourceLabel: "override in pricing version 7",
        pricedAs: "gpt-5-mini",
        figures: [
          { what: "input", usd: "$0.15", per: "1M tokens" },
          { what: "output", usd: "$0.60", per: "1M tokens" },
        ],
      });
    }
  });

  it("gpt-5.6-sol: its cache-write price, base and long context, beside the others", () => {
    // since 2026-08-21: $4 / $0.40 cached / $5 cache write / $20; above 271,999 input tokens $8 / $0.80 / $10 / $30
    expect(modelPriceRows(["gpt-5.6-sol"], pricing(), at)[0]).toMatchObject({
      source: "catalogue",
      pricedAs: "gpt-5.6-sol",
      figures: [
        { what: "input", usd: "$4.00", per: "1M tokens" },
        { what: "cached input", usd: "$0.40", per: "1M tokens" },
        { what: "cache write", usd: "$5.00", per: "1M tokens" },
        { what: "output", usd: "$20.00", per: "1M tokens" },
        { what: "above 271,999 input tokens: input", usd: "$8.00", per: "1M tokens" },
        { what: "above 271,999 input tokens: cached input", usd: "$0.80", per: "1M tokens" },
        { what: "above 271,999 input tokens: cache write", usd: "$10.00", per: "1M tokens" },
        { what: "above 271,999 input tokens: output", usd: "$30.00", per: "1M tokens" },
      ],
    });
    // a model without one shows none
    expect(modelPriceRows(["gpt-5-mini"], pricing(), at)[0]!.figures.map((f) => f.what)).not.toContain("cache write");
  });

  it("an override's cache-write price is shown", () => {
    const overrides = {
      "my-model": {
        kind: "text",
        inputMicroUsdPer1M: 1_000_000,
        cacheWriteInputMicroUsdPer1M: 1_250_000,
        outputMicroUsdPer1M: 2_000_000,
      },
    };
    expect(modelPriceRows(["my-model"], pricing(overrides), at)[0]!.figures).toEqual([
      { what: "input", usd: "$1.00", per: "1M tokens" },
      { what: "cache write", usd: "$1.25", per: "1M tokens" },
      { what: "output", usd: "$2.00", per: "1M tokens" },
    ]);
  });

  it("a model without a price is listed with the reason, not a failed page", () => {
    const [audio, unknown] = modelPriceRows(["gpt-audio", "gpt-9"], pricing(), at);
    expect(audio).toMatchObject({ model: "gpt-audio", source: null, sourceLabel: "no price", figures: [] });
    expect(audio!.problem).toBe(
      '@pydantic/genai-prices@0.1.8 (2026-09-23), provider openai: "gpt-audio" has prices this engine does not bill (input_audio_mtok, output_audio_mtok); add an override',
    );
    expect(unknown).toMatchObject({
      model: "gpt-9",
      source: null,
      problem: expect.stringMatching(/^Unknown model "gpt-9"/),
    });
  });

  it("says when the catalogue holds a dated price change still to come", () => {
    // o3's cut to $2 / $8 came on 2025-06-10: seen from before, it is upcoming.
    expect(modelPriceRows(["o3"], pricing(), new Date("2025-06-01T00:00:00Z"))[0]).toMatchObject({
      figures: [
        { what: "input", usd: "$10.00", per: "1M tokens" },
        { what: "cached input", usd: "$0.50", per: "1M tokens" },
        { what: "output", usd: "$40.00", per: "1M tokens" },
      ],
      upcoming: ["new price from 2025-06-10"],
    });
    expect(modelPriceRows(["o3"], pricing(), at)[0]!.upcoming).toEqual([]);
  });
});

describe("listedModels", () => {
  it("lists the features' models first, then the current families, then every override, once each", () => {
    const models = listedModels({
      "my-model": { kind: "transcription", microUsdPerSecond: 1 },
      "gpt-5-mini": { kind: "transcription", microUsdPerSecond: 1 },
    });
    expect(models.slice(0, 4)).toEqual(["gpt-5-mini", "gpt-image-1", "gpt-realtime", "whisper-1"]);
    expect(models.at(-1)).toBe("my-model");
    expect(new Set(models).size).toBe(models.length);
    expect(models).toEqual(expect.arrayContaining([...CURRENT_OPENAI_MODELS]));
  });

  it("every current family has a price", () => {
    const unpriced = modelPriceRows(CURRENT_OPENAI_MODELS, pricing(), at).filter((r) => r.source === null);
    expect(unpriced.map((r) => [r.model, r.problem])).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { costOf, resolvePrice, type ModelPrice } from "@/lib/tokens/cost";
import { FEATURE_MODELS } from "./models";

// Every default model of a feature, held against the provider's published figures, per 1M tokens
// of each kind (written here in µ$: $0.025 per 1M = 25,000), as @pydantic/genai-prices 0.1.8
// (2026-09-23) and OpenAI's pricing page list them. A wrong price, a catalogue upgrade that moves
// one, or a new default model without a pinned price fails here.
const PUBLISHED: Record<(typeof FEATURE_MODELS)[keyof typeof FEATURE_MODELS], { source: string; price: ModelPrice }> = {
  // gpt-5-mini: $0.25 in / $0.025 cached in / $2 out
  "gpt-5-mini": {
    source: "catalogue",
    price: {
      kind: "text",
      inputMicroUsdPer1M: 250_000,
      cachedInputMicroUsdPer1M: 25_000,
      outputMicroUsdPer1M: 2_000_000,
    },
  },
  // gpt-image-1: text in $5 (cached $1.25), image in $10 (cached $2.50), image out $40; per image:
  // its output tokens (272 / 1056 / 4160 at 1024², 408 / 1584 / 6240 at 1024×1536 and 1536×1024) × $40
  "gpt-image-1": {
    source: "catalogue",
    price: {
      kind: "image",
      tokens: {
        textInputMicroUsdPer1M: 5_000_000,
        cachedTextInputMicroUsdPer1M: 1_250_000,
        imageInputMicroUsdPer1M: 10_000_000,
        cachedImageInputMicroUsdPer1M: 2_500_000,
        imageOutputMicroUsdPer1M: 40_000_000,
        outputTokensPerImage: {
          low: { "1024x1024": 272, "1024x1536": 408, "1536x1024": 408 },
          medium: { "1024x1024": 1056, "1024x1536": 1584, "1536x1024": 1584 },
          high: { "1024x1024": 4160, "1024x1536": 6240, "1536x1024": 6240 },
        },
      },
      microUsdPerImage: {
        low: { "1024x1024": 10_880, "1024x1536": 16_320, "1536x1024": 16_320 },
        medium: { "1024x1024": 42_240, "1024x1536": 63_360, "1536x1024": 63_360 },
        high: { "1024x1024": 166_400, "1024x1536": 249_600, "1536x1024": 249_600 },
      },
    },
  },
  // gpt-realtime: text $4 / $0.40 cached / $16 out; audio $32 / $0.40 cached / $64 out
  "gpt-realtime": {
    source: "catalogue",
    price: {
      kind: "realtime",
      textInputMicroUsdPer1M: 4_000_000,
      cachedTextInputMicroUsdPer1M: 400_000,
      textOutputMicroUsdPer1M: 16_000_000,
      audioInputMicroUsdPer1M: 32_000_000,
      cachedAudioInputMicroUsdPer1M: 400_000,
      audioOutputMicroUsdPer1M: 64_000_000,
    },
  },
  // whisper-1: $0.006 a minute = $0.36 an hour = 100 µ$ a second
  "whisper-1": { source: "catalogue", price: { kind: "transcription", microUsdPerSecond: 100 } },
};

describe("every default model's price is the provider's", () => {
  it.each(Object.entries(FEATURE_MODELS))("%s uses %s at its published price", (_, model) => {
    expect(Object.hasOwn(PUBLISHED, model), `pin the published price of ${model} here`).toBe(true);
    const { source, price } = PUBLISHED[model];
    expect(resolvePrice(model)).toEqual({ model, pricedAs: model, source, price });
  });
});

// The realistic calls of issue 16's table, each computed by hand: cost = ceil(Σ tokens × $/1M).
describe("realistic calls, priced by hand", () => {
  it("gpt-5-mini, a chat turn with a cached prompt: 3,000 in (2,048 cached), 600 out", () => {
    // 952 × 0.25 + 2,048 × 0.025 + 600 × 2 = 238 + 51.2 + 1,200 = 1,489.2 → 1,490 µ$
    // (at the old $0.03 cached: 238 + 61.44 + 1,200 = 1,499.44 → 1,500)
    expect(
      costOf("gpt-5-mini-2025-08-07", { kind: "text", inputTokens: 3000, cachedInputTokens: 2048, outputTokens: 600 }),
    ).toBe(1490n);
  });

  it("gpt-4o-mini with a cached prompt: 10,000 in (8,192 cached), 300 out", () => {
    // 1,808 × 0.15 + 8,192 × 0.075 + 300 × 0.60 = 271.2 + 614.4 + 180 = 1,065.6 → 1,066 µ$ (old $0.08: 1,106.56 → 1,107)
    expect(
      costOf("gpt-4o-mini-2024-07-18", {
        kind: "text",
        inputTokens: 10_000,
        cachedInputTokens: 8192,
        outputTokens: 300,
      }),
    ).toBe(1066n);
  });

  it("gpt-4o-realtime-preview, a minute of talk: audio $40 / $80 per 1M, cached audio $2.50", () => {
    // text: 300 × 5 + 100 × 20 = 1,500 + 2,000 = 3,500
    // audio: (600 − 400) × 40 + 400 × 2.50 + 1,200 × 80 = 8,000 + 1,000 + 96,000 = 105,000  → 108,500 µ$
    // (at the old $100 / $20 / $200: 3,500 + 20,000 + 8,000 + 240,000 = 271,500)
    const usage = {
      kind: "realtime" as const,
      textInputTokens: 300,
      textOutputTokens: 100,
      audioInputTokens: 600,
      cachedAudioInputTokens: 400,
      audioOutputTokens: 1200,
    };
    expect(costOf("gpt-4o-realtime-preview-2024-12-17", usage)).toBe(108_500n);
    // a million of each: $40 audio in, $80 audio out, $2.50 cached audio
    expect(
      costOf("gpt-4o-realtime-preview", {
        ...usage,
        textInputTokens: 0,
        textOutputTokens: 0,
        audioInputTokens: 1_000_000,
        cachedAudioInputTokens: 0,
        audioOutputTokens: 0,
      }),
    ).toBe(40_000_000n);
    expect(
      costOf("gpt-4o-realtime-preview", {
        ...usage,
        textInputTokens: 0,
        textOutputTokens: 0,
        audioInputTokens: 0,
        cachedAudioInputTokens: 0,
        audioOutputTokens: 1_000_000,
      }),
    ).toBe(80_000_000n);
    expect(
      costOf("gpt-4o-realtime-preview", {
        ...usage,
        textInputTokens: 0,
        textOutputTokens: 0,
        audioInputTokens: 1_000_000,
        cachedAudioInputTokens: 1_000_000,
        audioOutputTokens: 0,
      }),
    ).toBe(2_500_000n);
  });

  it("gpt-4o-transcribe, a voice note: 40 prompt tokens, 1,250 audio tokens, 180 transcript tokens", () => {
    // 40 × 2.50 + 1,250 × 6 + 180 × 10 = 100 + 7,500 + 1,800 = 9,400 µ$ (before: no price, every call refused)
    expect(
      costOf("gpt-4o-transcribe", {
        kind: "transcription-tokens",
        textInputTokens: 40,
        audioInputTokens: 1250,
        outputTokens: 180,
      }),
    ).toBe(9_400n);
    // a million text tokens in = $2.50, out = $10
    expect(
      costOf("gpt-4o-transcribe", {
        kind: "transcription-tokens",
        textInputTokens: 1_000_000,
        audioInputTokens: 0,
        outputTokens: 0,
      }),
    ).toBe(2_500_000n);
    expect(
      costOf("gpt-4o-transcribe", {
        kind: "transcription-tokens",
        textInputTokens: 0,
        audioInputTokens: 0,
        outputTokens: 1_000_000,
      }),
    ).toBe(10_000_000n);
    // gpt-4o-mini-transcribe, same call: 40 × 1.25 + 1,250 × 3 + 180 × 5 = 50 + 3,750 + 900 = 4,700
    expect(
      costOf("gpt-4o-mini-transcribe", {
        kind: "transcription-tokens",
        textInputTokens: 40,
        audioInputTokens: 1250,
        outputTokens: 180,
      }),
    ).toBe(4_700n);
  });

  it("gpt-image-1's prompt tokens have a price: $5 per 1M text input", () => {
    // The charge from reported image usage tokens is built on this price (issue 14, lib/ai); here the
    // price: a 60-token prompt costs 60 × 5 = 300 µ$ on top of a medium 1024² image's 1056 × 40 = 42,240.
    const price = resolvePrice("gpt-image-1").price;
    expect(price.kind === "image" && price.tokens?.textInputMicroUsdPer1M).toBe(5_000_000);
    expect(costOf("gpt-image-1", { kind: "image", count: 1, size: "1024x1024", quality: "medium" })).toBe(42_240n);
  });

  it("gpt-5.4 above 271,999 input tokens pays the long-context price for the whole call", () => {
    // 271,999 × 2.50 + 1,000 × 15 = 679,997.5 + 15,000 = 694,997.5 → 694,998
    expect(costOf("gpt-5.4", { kind: "text", inputTokens: 271_999, outputTokens: 1000 })).toBe(694_998n);
    // 272,000 × 5 + 1,000 × 22.50 = 1,360,000 + 22,500 = 1,382,500
    expect(costOf("gpt-5.4", { kind: "text", inputTokens: 272_000, outputTokens: 1000 })).toBe(1_382_500n);
  });

  it("gpt-5.6-sol, a long prompt written to the cache, then read back", () => {
    // $4 in / $0.40 cached / $5 cache write / $20 out per 1M (since 2026-08-21).
    // first call: 6,000 in, 5,888 written (46 × 128), 300 out: 112 × 4 + 5,888 × 5 + 300 × 20 = 448 + 29,440 + 6,000 = 35,888 µ$
    expect(
      costOf("gpt-5.6-sol", {
        kind: "text",
        inputTokens: 6000,
        cachedInputTokens: 0,
        cacheWriteInputTokens: 5888,
        outputTokens: 300,
      }),
    ).toBe(35_888n);
    // second call: the same prefix read back: 112 × 4 + 5,888 × 0.40 + 300 × 20 = 448 + 2,355.2 + 6,000 = 8,803.2 → 8,804
    expect(
      costOf("gpt-5.6-sol", {
        kind: "text",
        inputTokens: 6000,
        cachedInputTokens: 5888,
        cacheWriteInputTokens: 0,
        outputTokens: 300,
      }),
    ).toBe(8804n);
    // before: refused ("has prices this engine does not bill (cache_write_mtok)")
  });
});

// The gpt-5.6 family, per 1M tokens of each kind in µ$, from the package's decimals ($ per 1M ×
// 1,000,000), with its long-context rates above 271,999 input tokens. Before: every call refused.
describe("the gpt-5.6 family's prices per 1M tokens", () => {
  it.each([
    // model           input      cached    cache write  output      | above 271,999: input, cached, write, output
    [
      "gpt-5.6",
      "gpt-5.6-sol",
      [4_000_000, 400_000, 5_000_000, 20_000_000],
      [8_000_000, 800_000, 10_000_000, 30_000_000],
    ], // $4 / $0.40 / $5 / $20
    [
      "gpt-5.6-sol",
      "gpt-5.6-sol",
      [4_000_000, 400_000, 5_000_000, 20_000_000],
      [8_000_000, 800_000, 10_000_000, 30_000_000],
    ],
    [
      "gpt-5.6-terra",
      "gpt-5.6-terra",
      [2_000_000, 200_000, 2_500_000, 12_000_000],
      [4_000_000, 400_000, 5_000_000, 18_000_000],
    ], // $2 / $0.20 / $2.50 / $12
    ["gpt-5.6-luna", "gpt-5.6-luna", [200_000, 20_000, 250_000, 1_200_000], [400_000, 40_000, 500_000, 1_800_000]], // $0.20 / $0.02 / $0.25 / $1.20
  ] as const)(
    "%s (priced as %s)",
    (model, pricedAs, [input, cached, write, output], [lInput, lCached, lWrite, lOutput]) => {
      expect(resolvePrice(model)).toEqual({
        model,
        pricedAs,
        source: "catalogue",
        price: {
          kind: "text",
          inputMicroUsdPer1M: input,
          cachedInputMicroUsdPer1M: cached,
          cacheWriteInputMicroUsdPer1M: write,
          outputMicroUsdPer1M: output,
          longContext: {
            aboveInputTokens: 271_999,
            inputMicroUsdPer1M: lInput,
            cachedInputMicroUsdPer1M: lCached,
            cacheWriteInputMicroUsdPer1M: lWrite,
            outputMicroUsdPer1M: lOutput,
          },
        },
      });
      // A million output tokens of a short call cost the output price exactly.
      expect(costOf(model, { kind: "text", inputTokens: 0, outputTokens: 1_000_000 })).toBe(BigInt(output));
    },
  );
});

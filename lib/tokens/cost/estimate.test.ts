import { describe, expect, it } from "vitest";
import { costOf } from "./cost";
import { EstimateError, InvalidUsageError, UnknownModelError, UsageKindMismatchError } from "./errors";
import {
  estimateImageCost,
  estimateRealtimeCost,
  estimateTextCost,
  estimateTranscriptionCost,
  type TextRequest,
} from "./estimate";
import { countTokens } from "./tokenizer";

describe("estimateTextCost: exact input tokens (uncached, full price) + max output tokens", () => {
  it.each<[string, string, TextRequest, number, bigint]>([
    // 11 input tokens (see tokenizer.test.ts) × 2.50 + 100 × 10 = 27.5 + 1,000 = 1,027.5 → 1,028 µ$
    [
      "gpt-4o, one message",
      "gpt-4o",
      { messages: [{ role: "user", content: "Hello, world!" }], maxOutputTokens: 100 },
      11,
      1028n,
    ],
    // `input` is a user message: the same 11 tokens
    ["gpt-4o, plain input", "gpt-4o", { input: "Hello, world!", maxOutputTokens: 100 }, 11, 1028n],
    // + a developer message of the fox: 3 + 1 + 10 = 14 more → 25 × 2.50 + 1,000 = 1,062.5 → 1,063
    [
      "gpt-4o, input + instructions",
      "gpt-4o",
      { input: "Hello, world!", instructions: "The quick brown fox jumps over the lazy dog.", maxOutputTokens: 100 },
      25,
      1063n,
    ],
    // 11 × 0.25 + 1,000 × 2.00 = 2.75 + 2,000 = 2,002.75 → 2,003 (all input priced uncached, reasoning inside the 1,000)
    ["gpt-5-mini", "gpt-5-mini", { input: "Hello, world!", maxOutputTokens: 1000 }, 11, 2003n],
    ["gpt-5-mini snapshot", "gpt-5-mini-2025-08-07", { input: "Hello, world!", maxOutputTokens: 1000 }, 11, 2003n],
    // an image of unknown size at gpt-4o's maximum, 1,445 tokens: (11 + 1,445) × 2.50 + 100 × 10 = 3,640 + 1,000 = 4,640
    ["gpt-4o with an image", "gpt-4o", { input: "Hello, world!", maxOutputTokens: 100, images: 1 }, 1456, 4640n],
    // a 1024² image = 765: (11 + 765) × 2.50 + 1,000 = 1,940 + 1,000 = 2,940
    [
      "gpt-4o with a 1024² image",
      "gpt-4o",
      { input: "Hello, world!", maxOutputTokens: 100, images: [{ width: 1024, height: 1024 }] },
      776,
      2940n,
    ],
  ])("%s", (_, model, request, inputTokens, worstCase) => {
    expect(estimateTextCost(model, request)).toEqual({
      model,
      inputTokens,
      maxOutputTokens: request.maxOutputTokens,
      worstCase,
    });
  });

  it("is never below the cost of any usage within the bound", () => {
    const estimate = estimateTextCost("gpt-5-mini", { input: "Hello, world!", maxOutputTokens: 1000 });
    const heaviest = costOf("gpt-5-mini", {
      kind: "text",
      inputTokens: estimate.inputTokens,
      outputTokens: 1000,
      reasoningTokens: 900,
    });
    expect(estimate.worstCase).toBeGreaterThanOrEqual(heaviest);
    expect(estimate.worstCase).toBe(heaviest); // nothing cached: the worst case is exactly reachable
  });

  it("uses the override price", () => {
    // 11 × 1 + 100 × 1 = 111 µ$ per 1M… → ceil(111 / 1e6) = 1
    const overrides = { "gpt-4o": { kind: "text", inputMicroUsdPer1M: 1, outputMicroUsdPer1M: 1 } };
    expect(estimateTextCost("gpt-4o", { input: "Hello, world!", maxOutputTokens: 100 }, { overrides }).worstCase).toBe(
      1n,
    );
  });

  it("refuses a request without max output tokens: an unbounded worst case is not a worst case", () => {
    const unbounded = { input: "Hello, world!" } as unknown as TextRequest;
    expect(() => estimateTextCost("gpt-4o", unbounded)).toThrow(EstimateError);
    expect(() => estimateTextCost("gpt-4o", unbounded)).toThrow(
      /no maxOutputTokens.*unbounded worst case is not a worst case/,
    );
    for (const maxOutputTokens of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => estimateTextCost("gpt-4o", { input: "x", maxOutputTokens })).toThrow(/positive integer/);
    }
  });

  it("refuses unknown models and models that are not text models", () => {
    expect(() => estimateTextCost("gpt-9", { input: "x", maxOutputTokens: 1 })).toThrow(UnknownModelError);
    expect(() => estimateTextCost("dall-e-3", { input: "x", maxOutputTokens: 1 })).toThrow(UsageKindMismatchError);
    expect(() => estimateTextCost("gpt-4", { input: "x", maxOutputTokens: 1, images: 1 })).toThrow(
      /no image-input token rule/,
    );
  });
});

describe("estimateImageCost: exact", () => {
  it.each<[string, string, { count: number; size: string; quality?: string }, bigint]>([
    // 2 × $0.120
    ["DALL-E 3 HD 1024×1792 ×2", "dall-e-3", { count: 2, size: "1024x1792", quality: "hd" }, 240_000n],
    ["DALL-E 3, default quality", "dall-e-3", { count: 1, size: "1024x1024" }, 40_000n],
    // gpt-image-1 is billed by tokens: the output tokens of the image × $40/1M (1,056 × 40 = 42,240 µ$).
    ["gpt-image-1 medium 1024²", "gpt-image-1", { count: 1, size: "1024x1024", quality: "medium" }, 42_240n],
    // "auto" quality (the API default): the dearest quality of that size, high 4,160 tokens
    ["gpt-image-1 auto quality", "gpt-image-1", { count: 1, size: "1024x1024", quality: "auto" }, 166_400n],
    ["gpt-image-1 no quality (= auto)", "gpt-image-1", { count: 1, size: "1024x1024" }, 166_400n],
    // "auto" size and quality: high 1024×1536 / 1536×1024, 6,240 tokens, × 3
    ["gpt-image-1 all auto ×3", "gpt-image-1", { count: 3, size: "auto", quality: "auto" }, 748_800n],
    // "auto" size of low: 408 tokens
    ["gpt-image-1 low, auto size", "gpt-image-1", { count: 1, size: "auto", quality: "low" }, 16_320n],
  ])("%s", (_, model, request, worstCase) => {
    expect(estimateImageCost(model, request)).toEqual({ model, worstCase });
  });

  it("counts the prompt's tokens of a model billed by tokens, and equals the charge of the usage it reports", () => {
    const prompt = "A clear instructional fitness illustration of a goblet squat";
    const request = { count: 2, size: "1536x1024", quality: "medium", prompt };
    const textInput = countTokens("gpt-image-1", prompt);
    // ceil((textInput × 5 + 2 × 1,584 × 40) µ$ per 1M … ÷ 1M): 126,720 + the prompt at $5/1M
    expect(estimateImageCost("gpt-image-1", request).worstCase).toBe(
      126_720n + BigInt(Math.ceil((textInput * 5_000_000) / 1_000_000)),
    );
    expect(estimateImageCost("gpt-image-1", request).worstCase).toBe(
      costOf("gpt-image-1", {
        kind: "image",
        count: 2,
        size: "1536x1024",
        quality: "medium",
        tokens: { textInput, imageInput: 0, output: 2 * 1_584 },
      }),
    );
  });

  it("prices the images per image when a token-billed override has no output-token table, the prompt still counted", () => {
    const prompt = "A clear instructional fitness illustration of a goblet squat";
    const overrides = {
      "gpt-image-1": {
        kind: "image",
        microUsdPerImage: { low: { "1024x1024": 11_000 } },
        tokens: {
          textInputMicroUsdPer1M: 5_000_000,
          imageInputMicroUsdPer1M: 10_000_000,
          imageOutputMicroUsdPer1M: 40_000_000,
        },
      },
    };
    const textInput = countTokens("gpt-image-1", prompt);
    // the prompt at 5 µ$ a token + one image at 11,000 µ$
    expect(
      estimateImageCost("gpt-image-1", { count: 1, size: "1024x1024", quality: "low", prompt }, { overrides })
        .worstCase,
    ).toBe(BigInt(textInput * 5) + 11_000n);
  });

  it("equals the per-image charge for a model billed per image", () => {
    const request = { count: 2, size: "1024x1792", quality: "hd" };
    expect(estimateImageCost("dall-e-3", request).worstCase).toBe(costOf("dall-e-3", { kind: "image", ...request }));
  });

  it("refuses unpriced images and non-image models", () => {
    expect(() => estimateImageCost("dall-e-3", { count: 1, size: "256x256" })).toThrow(InvalidUsageError);
    expect(() => estimateImageCost("dall-e-3", { count: 1, size: "auto", quality: "ultra" })).toThrow(
      /no price for quality "ultra"/,
    );
    expect(() => estimateImageCost("gpt-4o", { count: 1, size: "1024x1024" })).toThrow(UsageKindMismatchError);
    expect(() => estimateImageCost("dall-e-3", { count: -1, size: "1024x1024" })).toThrow(EstimateError);
  });
});

describe("estimateTranscriptionCost: exact", () => {
  it("is the charge of the duration: 61.5 s → 62 s × 100 µ$ = 6,200", () => {
    expect(estimateTranscriptionCost("whisper-1", { seconds: 61.5 })).toEqual({
      model: "whisper-1",
      worstCase: 6_200n,
    });
    expect(() => estimateTranscriptionCost("gpt-4o", { seconds: 1 })).toThrow(UsageKindMismatchError);
  });

  it("holds a token-billed model's seconds at 10 audio and 4 output tokens a second (OpenAI's $0.006 / $0.003 a minute)", () => {
    // gpt-4o-transcribe: 20 s × (10 × $6 + 4 × $10 per 1M) = 20 × 100 µ$ = 2,000; mini: 62 s × 50 µ$ = 3,100
    expect(estimateTranscriptionCost("gpt-4o-transcribe", { seconds: 20 })).toEqual({
      model: "gpt-4o-transcribe",
      worstCase: 2_000n,
    });
    expect(estimateTranscriptionCost("gpt-4o-mini-transcribe", { seconds: 61.5 })).toEqual({
      model: "gpt-4o-mini-transcribe",
      worstCase: 3_100n,
    });
    // and equals the charge of the tokens it assumes
    expect(estimateTranscriptionCost("gpt-4o-transcribe", { seconds: 20 }).worstCase).toBe(
      costOf("gpt-4o-transcribe", {
        kind: "transcription-tokens",
        textInputTokens: 0,
        audioInputTokens: 200,
        outputTokens: 80,
      }),
    );
  });
});

describe("estimateRealtimeCost: a deliberately conservative rate per second of session", () => {
  it.each<[string, string, number, bigint]>([
    // per second: 150 audio in, 100 text in, 20 audio out, 10 text out, all uncached.
    // gpt-realtime: 150×32 + 100×4 + 20×64 + 10×16 = 4,800 + 400 + 1,280 + 160 = 6,640 µ$/s; × 60 = 398,400
    ["gpt-realtime, one minute", "gpt-realtime", 60, 398_400n],
    // gpt-4o-realtime-preview: 150×40 + 100×5 + 20×80 + 10×20 = 6,000 + 500 + 1,600 + 200 = 8,300 µ$/s; × 60 = 498,000
    ["gpt-4o-realtime-preview, one minute", "gpt-4o-realtime-preview", 60, 498_000n],
    // gpt-4o-mini-realtime-preview: 150×10 + 100×0.60 + 20×20 + 10×2.40 = 1,500 + 60 + 400 + 24 = 1,984 µ$/s; × 600 = 1,190,400
    ["gpt-4o-mini-realtime-preview, ten minutes", "gpt-4o-mini-realtime-preview", 600, 1_190_400n],
    // 0.5 s → 1 s: 6,640
    ["gpt-realtime, half a second → one second", "gpt-realtime", 0.5, 6_640n],
  ])("%s", (_, model, maxSessionSeconds, worstCase) => {
    expect(estimateRealtimeCost(model, { maxSessionSeconds }).worstCase).toBe(worstCase);
  });

  it("covers a session that talks at the assumed rates the whole time", () => {
    // 60 s at the worst-case rates, reported as usage, costs exactly the estimate
    const seconds = 60;
    const usage = {
      kind: "realtime" as const,
      textInputTokens: 100 * seconds,
      textOutputTokens: 10 * seconds,
      audioInputTokens: 150 * seconds,
      audioOutputTokens: 20 * seconds,
    };
    expect(estimateRealtimeCost("gpt-realtime", { maxSessionSeconds: seconds }).worstCase).toBe(
      costOf("gpt-realtime", usage),
    );
  });

  it("takes other rates when given", () => {
    // only the model's audio out, 20 tokens/s × 60 s × 64 = 76,800
    const rates = { audioInputTokensPerSecond: 0, textInputTokensPerSecond: 0, textOutputTokensPerSecond: 0 };
    expect(estimateRealtimeCost("gpt-realtime", { maxSessionSeconds: 60, rates })).toMatchObject({
      worstCase: 76_800n,
      rates: { ...rates, audioOutputTokensPerSecond: 20 },
    });
  });

  it("refuses an unbounded session and non-realtime models", () => {
    for (const maxSessionSeconds of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => estimateRealtimeCost("gpt-realtime", { maxSessionSeconds })).toThrow(EstimateError);
    }
    expect(() =>
      estimateRealtimeCost("gpt-realtime", { maxSessionSeconds: 1, rates: { audioInputTokensPerSecond: 1.5 } }),
    ).toThrow(/non-negative integer/);
    expect(() => estimateRealtimeCost("gpt-4o", { maxSessionSeconds: 60 })).toThrow(UsageKindMismatchError);
  });
});

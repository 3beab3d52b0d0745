import { describe, expect, it } from "vitest";
import type { UsageBreakdown } from "../ledger/types";
import { costOf, priceCall, toUsageBreakdown, type LedgerUsage } from "./cost";
import { InvalidPriceOverridesError, InvalidUsageError, UnknownModelError, UsageKindMismatchError } from "./errors";
import { textUsage, type Usage } from "./usage";

// Every figure below is computed by hand from the published prices ($ per 1M tokens, per image,
// per minute), written as µ$ per unit: cost = ceil(Σ count × µ$/1M ÷ 1,000,000), rounded up once.
type Case = [name: string, model: string, usage: Usage, microUsd: bigint];

describe("costOf: text (chat / responses), µ$", () => {
  it.each<Case>([
    [
      // (1000−200)×0.25 + 200×0.025 + 500×2.00 = 200 + 5 + 1,000 = 1,205 µ$ (300 reasoning are inside the 500 output)
      "gpt-5-mini 1,000 in (200 cached) / 500 out (300 reasoning)",
      "gpt-5-mini",
      { kind: "text", inputTokens: 1000, cachedInputTokens: 200, outputTokens: 500, reasoningTokens: 300 },
      1205n,
    ],
    [
      // the same without the reasoning detail: reasoning is never added on top of output
      "gpt-5-mini, reasoning not reported",
      "gpt-5-mini",
      { kind: "text", inputTokens: 1000, cachedInputTokens: 200, outputTokens: 500 },
      1205n,
    ],
    [
      "gpt-5-mini dated snapshot = its base",
      "gpt-5-mini-2025-08-07",
      { kind: "text", inputTokens: 1000, cachedInputTokens: 200, outputTokens: 500 },
      1205n,
    ],
    // 1 × 2.50 = 2.5 µ$ → rounded up once → 3
    ["gpt-4o, 1 input token", "gpt-4o", { kind: "text", inputTokens: 1, outputTokens: 0 }, 3n],
    // 1×2.50 + 1×1.25 = 3.75 → 4 (rounding each part up would give 3 + 2 = 5)
    [
      "gpt-4o, 2 input tokens of which 1 cached",
      "gpt-4o",
      { kind: "text", inputTokens: 2, cachedInputTokens: 1, outputTokens: 0 },
      4n,
    ],
    // vision: the 765 tokens of a 1024² image are inside the reported 1,000 input tokens
    // 1000×2.50 + 100×10 = 2,500 + 1,000 = 3,500
    [
      "gpt-4o with an image (reported input tokens)",
      "gpt-4o",
      { kind: "text", inputTokens: 1000, outputTokens: 100 },
      3500n,
    ],
    ["gpt-4o-2024-08-06 = gpt-4o", "gpt-4o-2024-08-06", { kind: "text", inputTokens: 1000, outputTokens: 100 }, 3500n],
    // its own catalogue entry, $5 / $15: 1000×5 + 100×15 = 5,000 + 1,500 = 6,500
    [
      "gpt-4o-2024-05-13 (its own price, not gpt-4o's)",
      "gpt-4o-2024-05-13",
      { kind: "text", inputTokens: 1000, outputTokens: 100 },
      6500n,
    ],
    // 1234×0.15 + 56×0.60 = 185.1 + 33.6 = 218.7 → 219
    ["gpt-4o-mini", "gpt-4o-mini", { kind: "text", inputTokens: 1234, outputTokens: 56 }, 219n],
    // (10000−4000)×1.25 + 4000×0.125 + 2000×10 = 7,500 + 500 + 20,000 = 28,000
    [
      "gpt-5",
      "gpt-5",
      { kind: "text", inputTokens: 10_000, cachedInputTokens: 4000, outputTokens: 2000, reasoningTokens: 1500 },
      28000n,
    ],
    // no cached price in the catalogue: cached tokens cost the input price. 1000×10 + 10×30 = 10,300
    [
      "gpt-4-turbo (no caching discount)",
      "gpt-4-turbo",
      { kind: "text", inputTokens: 1000, cachedInputTokens: 500, outputTokens: 10 },
      10300n,
    ],
    // 1,000,000 × 0.25 + 1,000,000 × 2.00 = $2.25 = 2,250,000 µ$
    [
      "gpt-5-mini, a million each way",
      "gpt-5-mini",
      { kind: "text", inputTokens: 1_000_000, outputTokens: 1_000_000 },
      2_250_000n,
    ],
    ["nothing used", "gpt-4o", { kind: "text", inputTokens: 0, outputTokens: 0 }, 0n],
  ])("%s", (_, model, usage, expected) => {
    expect(costOf(model, usage)).toBe(expected);
  });
});

describe("costOf: image generation (count × size × quality), µ$", () => {
  it.each<Case>([
    // 2 × $0.120 = 240,000 µ$
    ["DALL-E 3 HD 1024×1792 ×2", "dall-e-3", { kind: "image", count: 2, size: "1024x1792", quality: "hd" }, 240_000n],
    ["DALL-E 3 HD 1792×1024", "dall-e-3", { kind: "image", count: 1, size: "1792x1024", quality: "hd" }, 120_000n],
    ["DALL-E 3 HD 1024²", "dall-e-3", { kind: "image", count: 1, size: "1024x1024", quality: "hd" }, 80_000n],
    [
      "DALL-E 3 standard 1024²",
      "dall-e-3",
      { kind: "image", count: 1, size: "1024x1024", quality: "standard" },
      40_000n,
    ],
    ["DALL-E 3 default quality is standard", "dall-e-3", { kind: "image", count: 1, size: "1024x1024" }, 40_000n],
    // 3 × $0.080 = 240,000
    [
      "DALL-E 3 standard 1792×1024 ×3",
      "dall-e-3",
      { kind: "image", count: 3, size: "1792x1024", quality: "standard" },
      240_000n,
    ],
    // 4 × $0.016 = 64,000
    ["DALL-E 2 256² ×4", "dall-e-2", { kind: "image", count: 4, size: "256x256" }, 64_000n],
    ["DALL-E 2 512²", "dall-e-2", { kind: "image", count: 1, size: "512x512" }, 18_000n],
    ["DALL-E 2 1024²", "dall-e-2", { kind: "image", count: 1, size: "1024x1024", quality: "standard" }, 20_000n],
    // gpt-image-1: output tokens per image × $40 per 1M image-output tokens (the catalogue's price)
    // 272 × 40 = 10,880 µ$ (OpenAI's page rounds it to $0.011)
    ["gpt-image-1 low 1024²", "gpt-image-1", { kind: "image", count: 1, size: "1024x1024", quality: "low" }, 10_880n],
    // 408 × 40 = 16,320
    [
      "gpt-image-1 low 1024×1536",
      "gpt-image-1",
      { kind: "image", count: 1, size: "1024x1536", quality: "low" },
      16_320n,
    ],
    // 2 × 1584 × 40 = 126,720
    [
      "gpt-image-1 medium 1536×1024 ×2",
      "gpt-image-1",
      { kind: "image", count: 2, size: "1536x1024", quality: "medium" },
      126_720n,
    ],
    // 1056 × 40 = 42,240
    [
      "gpt-image-1 medium 1024²",
      "gpt-image-1",
      { kind: "image", count: 1, size: "1024x1024", quality: "medium" },
      42_240n,
    ],
    // 4160 × 40 = 166,400
    [
      "gpt-image-1 high 1024²",
      "gpt-image-1",
      { kind: "image", count: 1, size: "1024x1024", quality: "high" },
      166_400n,
    ],
    // 6240 × 40 = 249,600
    [
      "gpt-image-1 high 1024×1536",
      "gpt-image-1",
      { kind: "image", count: 1, size: "1024x1536", quality: "high" },
      249_600n,
    ],
    ["no image generated", "dall-e-3", { kind: "image", count: 0, size: "1024x1024" }, 0n],
    // Reported tokens (gpt-image-1: $5 text / $10 image in, $40 out per 1M): 57 × 5 + 1,056 × 40 = 42,525 µ$, the prompt included
    [
      "gpt-image-1 reported tokens",
      "gpt-image-1",
      {
        kind: "image",
        count: 1,
        size: "1024x1024",
        quality: "medium",
        tokens: { textInput: 57, imageInput: 0, output: 1_056 },
      },
      42_525n,
    ],
    // with image input: (20 × 5 + 323 × 10 + 4,160 × 40) µ$ = 169,730
    [
      "gpt-image-1 reported text + image input",
      "gpt-image-1",
      {
        kind: "image",
        count: 1,
        size: "1024x1024",
        quality: "high",
        tokens: { textInput: 20, imageInput: 323, output: 4_160 },
      },
      169_730n,
    ],
    // the prompt alone: $5 per 1M = 5 µ$ per text token
    [
      "gpt-image-1 one text token",
      "gpt-image-1",
      {
        kind: "image",
        count: 0,
        size: "1024x1024",
        quality: "low",
        tokens: { textInput: 1, imageInput: 0, output: 0 },
      },
      5n,
    ],
    // a model billed per image ignores reported tokens
    [
      "DALL-E 3 with tokens",
      "dall-e-3",
      { kind: "image", count: 1, size: "1024x1024", tokens: { textInput: 99, imageInput: 0, output: 9 } },
      40_000n,
    ],
  ])("%s", (_, model, usage, expected) => {
    expect(costOf(model, usage)).toBe(expected);
  });
});

describe("costOf: transcription (per second, rounded up to a whole second), µ$", () => {
  it.each<Case>([
    // ceil(61.5) = 62 s × 100 µ$ ($0.006/min ÷ 60) = 6,200 µ$ (OpenAI rounds 61.5 s to 62 s too)
    ["whisper 61.5 s", "whisper-1", { kind: "transcription", seconds: 61.5 }, 6_200n],
    ["whisper 60 s = $0.006", "whisper-1", { kind: "transcription", seconds: 60 }, 6_000n],
    [
      "whisper 61.2 s → 62 s (never below OpenAI's bill)",
      "whisper-1",
      { kind: "transcription", seconds: 61.2 },
      6_200n,
    ],
    ["whisper 0.2 s → 1 s", "whisper-1", { kind: "transcription", seconds: 0.2 }, 100n],
    ["whisper 0 s", "whisper-1", { kind: "transcription", seconds: 0 }, 0n],
    // 3,600 s × 100 = 360,000 µ$ = $0.36 an hour
    ["whisper one hour", "whisper-1", { kind: "transcription", seconds: 3600 }, 360_000n],
    // Reported tokens (the catalogue's gpt-4o-transcribe: $2.50 text / $6 audio in, $10 out per 1M):
    // 12 × 2.5 + 200 × 6 + 57 × 10 = 30 + 1,200 + 570 = 1,800 µ$
    [
      "gpt-4o-transcribe reported tokens",
      "gpt-4o-transcribe",
      { kind: "transcription-tokens", textInputTokens: 12, audioInputTokens: 200, outputTokens: 57 },
      1_800n,
    ],
    // gpt-4o-mini-transcribe ($1.25 / $3 / $5): 1 × 1.25 + 200 × 3 + 57 × 5 = 886.25 → 887
    [
      "gpt-4o-mini-transcribe reported tokens",
      "gpt-4o-mini-transcribe",
      { kind: "transcription-tokens", textInputTokens: 1, audioInputTokens: 200, outputTokens: 57 },
      887n,
    ],
    // Seconds alone for a token-billed model (no answer, no usage): the hold's tokens, 10 audio + 4
    // output a second: 62 s × (10 × 6 + 4 × 10) = 62 × 100 = 6,200 µ$, and 62 × (10 × 3 + 4 × 5) = 3,100
    ["gpt-4o-transcribe 61.5 s, no usage", "gpt-4o-transcribe", { kind: "transcription", seconds: 61.5 }, 6_200n],
    [
      "gpt-4o-mini-transcribe 61.5 s, no usage",
      "gpt-4o-mini-transcribe",
      { kind: "transcription", seconds: 61.5 },
      3_100n,
    ],
  ])("%s", (_, model, usage, expected) => {
    expect(costOf(model, usage)).toBe(expected);
  });

  it("has one representation of reported transcription tokens: a duration usage carrying tokens is refused", () => {
    const merged = {
      kind: "transcription",
      seconds: 20,
      tokens: { audioInput: 200, textInput: 0, output: 57 },
    } as unknown as Usage;
    expect(() => costOf("gpt-4o-transcribe", merged)).toThrow(InvalidUsageError);
    expect(() =>
      costOf("whisper-1", { kind: "transcription-tokens", textInputTokens: 0, audioInputTokens: 1, outputTokens: 1 }),
    ).toThrow(UsageKindMismatchError);
  });
});

describe("costOf: realtime (text and audio, in and out, cached), µ$", () => {
  it.each<Case>([
    [
      // text: 800×5 + 200×2.50 + 300×20 = 4,000 + 500 + 6,000 = 10,500
      // audio: 1500×40 + 500×2.50 + 1500×80 = 60,000 + 1,250 + 120,000 = 181,250   → 191,750
      "gpt-4o-realtime-preview mixed",
      "gpt-4o-realtime-preview",
      {
        kind: "realtime",
        textInputTokens: 1000,
        cachedTextInputTokens: 200,
        textOutputTokens: 300,
        audioInputTokens: 2000,
        cachedAudioInputTokens: 500,
        audioOutputTokens: 1500,
      },
      191_750n,
    ],
    [
      "gpt-4o-realtime-preview dated snapshot = its base",
      "gpt-4o-realtime-preview-2024-12-17",
      {
        kind: "realtime",
        textInputTokens: 1000,
        cachedTextInputTokens: 200,
        textOutputTokens: 300,
        audioInputTokens: 2000,
        cachedAudioInputTokens: 500,
        audioOutputTokens: 1500,
      },
      191_750n,
    ],
    [
      // 400×4 + 100×0.40 + 50×16 + 1000×32 + 700×64 = 1,600 + 40 + 800 + 32,000 + 44,800 = 79,240
      "gpt-realtime",
      "gpt-realtime",
      {
        kind: "realtime",
        textInputTokens: 500,
        cachedTextInputTokens: 100,
        textOutputTokens: 50,
        audioInputTokens: 1000,
        audioOutputTokens: 700,
      },
      79_240n,
    ],
    [
      // 333×0.60 + 77×2.40 + 1000×10 + 111×0.30 + 555×20 = 199.8 + 184.8 + 10,000 + 33.3 + 11,100 = 21,517.9 → 21,518
      "gpt-4o-mini-realtime-preview, rounded up once",
      "gpt-4o-mini-realtime-preview",
      {
        kind: "realtime",
        textInputTokens: 333,
        textOutputTokens: 77,
        audioInputTokens: 1111,
        cachedAudioInputTokens: 111,
        audioOutputTokens: 555,
      },
      21_518n,
    ],
    // 1 audio output token of gpt-realtime = 64 µ$ exactly; 1 cached text token = 0.4 → 1
    [
      "gpt-realtime, one audio token out",
      "gpt-realtime",
      { kind: "realtime", textInputTokens: 0, textOutputTokens: 0, audioInputTokens: 0, audioOutputTokens: 1 },
      64n,
    ],
    [
      "gpt-realtime, one cached text token",
      "gpt-realtime",
      {
        kind: "realtime",
        textInputTokens: 1,
        cachedTextInputTokens: 1,
        textOutputTokens: 0,
        audioInputTokens: 0,
        audioOutputTokens: 0,
      },
      1n,
    ],
  ])("%s", (_, model, usage, expected) => {
    expect(costOf(model, usage)).toBe(expected);
  });
});

describe("costOf: overrides from the pricing version win", () => {
  const original = { kind: "text", inputMicroUsdPer1M: 150_000, outputMicroUsdPer1M: 600_000 } as const;

  it.each<[string, string, Record<string, unknown>, Usage, bigint]>([
    // the original system's $0.15 / $0.60 for gpt-5-mini, as an admin override; no cached price, so
    // cached tokens cost the input price: 1000×0.15 + 500×0.60 = 150 + 300 = 450
    [
      "gpt-5-mini at $0.15/$0.60",
      "gpt-5-mini",
      { "gpt-5-mini": original },
      { kind: "text", inputTokens: 1000, cachedInputTokens: 200, outputTokens: 500 },
      450n,
    ],
    // the override of the base id applies to its snapshot
    [
      "gpt-5-mini snapshot",
      "gpt-5-mini-2025-08-07",
      { "gpt-5-mini": original },
      { kind: "text", inputTokens: 1000, outputTokens: 500 },
      450n,
    ],
    // whisper at 50 µ$/s: 62 s × 50 = 3,100
    [
      "whisper at $0.003/min",
      "whisper-1",
      { "whisper-1": { kind: "transcription", microUsdPerSecond: 50 } },
      { kind: "transcription", seconds: 61.5 },
      3_100n,
    ],
    // a model only the override knows: 10×1 + 10×3 = 40 µ$ ($1 / $3 per 1M)
    [
      "a custom model",
      "my-model",
      { "my-model": { kind: "text", inputMicroUsdPer1M: 1_000_000, outputMicroUsdPer1M: 3_000_000 } },
      { kind: "text", inputTokens: 10, outputTokens: 10 },
      40n,
    ],
    // gpt-realtime repriced at gpt-4o-realtime-preview-2024-12-17's $40 / $80 audio: 100×40 + 100×80 = 12,000
    [
      "realtime audio repriced",
      "gpt-realtime",
      {
        "gpt-realtime": {
          kind: "realtime",
          textInputMicroUsdPer1M: 5_000_000,
          cachedTextInputMicroUsdPer1M: 2_500_000,
          textOutputMicroUsdPer1M: 20_000_000,
          audioInputMicroUsdPer1M: 40_000_000,
          cachedAudioInputMicroUsdPer1M: 2_500_000,
          audioOutputMicroUsdPer1M: 80_000_000,
        },
      },
      { kind: "realtime", textInputTokens: 0, textOutputTokens: 0, audioInputTokens: 100, audioOutputTokens: 100 },
      12_000n,
    ],
  ])("%s", (_, model, overrides, usage, expected) => {
    expect(costOf(model, usage, { overrides })).toBe(expected);
  });

  it("an override for another model changes nothing", () => {
    expect(
      costOf(
        "gpt-5-mini",
        { kind: "text", inputTokens: 1000, cachedInputTokens: 200, outputTokens: 500 },
        { overrides: { "gpt-4o": original } },
      ),
    ).toBe(1205n);
  });

  it("malformed overrides are an error, not a price", () => {
    expect(() =>
      costOf(
        "gpt-4o",
        { kind: "text", inputTokens: 1, outputTokens: 1 },
        { overrides: { "gpt-4o": { kind: "text", inputMicroUsdPer1M: 2.5 } } },
      ),
    ).toThrow(InvalidPriceOverridesError);
  });
});

describe("costOf: errors at the call site", () => {
  it("an unknown model throws, never a free call", () => {
    expect(() => costOf("gpt-9", { kind: "text", inputTokens: 1, outputTokens: 1 })).toThrow(UnknownModelError);
    expect(() => costOf("gpt-9", { kind: "text", inputTokens: 0, outputTokens: 0 })).toThrow(/Unknown model "gpt-9"/);
  });

  it.each<[string, string, Usage, string]>([
    [
      "image usage for gpt-4o",
      "gpt-4o",
      { kind: "image", count: 1, size: "1024x1024" },
      'Model "gpt-4o" is priced for text usage; it cannot price image usage.',
    ],
    [
      "text usage for dall-e-3",
      "dall-e-3",
      { kind: "text", inputTokens: 1, outputTokens: 1 },
      "priced for image usage",
    ],
    [
      "transcription usage for gpt-realtime",
      "gpt-realtime",
      { kind: "transcription", seconds: 1 },
      "priced for realtime usage",
    ],
    [
      "realtime usage for whisper-1",
      "whisper-1",
      { kind: "realtime", textInputTokens: 1, textOutputTokens: 1, audioInputTokens: 1, audioOutputTokens: 1 },
      "priced for transcription",
    ],
  ])("%s is a kind mismatch", (_, model, usage, message) => {
    expect(() => costOf(model, usage)).toThrow(UsageKindMismatchError);
    expect(() => costOf(model, usage)).toThrow(message);
  });

  it.each<[string, string, unknown, RegExp]>([
    [
      "cached > input",
      "gpt-4o",
      { kind: "text", inputTokens: 1, cachedInputTokens: 2, outputTokens: 0 },
      /cachedInputTokens are part of inputTokens/,
    ],
    [
      "reasoning > output",
      "gpt-4o",
      { kind: "text", inputTokens: 1, outputTokens: 1, reasoningTokens: 2 },
      /reasoningTokens are part of outputTokens/,
    ],
    ["negative tokens", "gpt-4o", { kind: "text", inputTokens: -1, outputTokens: 0 }, /inputTokens/],
    ["fractional tokens", "gpt-4o", { kind: "text", inputTokens: 1.5, outputTokens: 0 }, /inputTokens/],
    ["NaN tokens", "gpt-4o", { kind: "text", inputTokens: Number.NaN, outputTokens: 0 }, /inputTokens/],
    ["an unknown field", "gpt-4o", { kind: "text", inputTokens: 1, outputTokens: 0, promptTokens: 1 }, /promptTokens/],
    ["an unknown kind", "gpt-4o", { kind: "video", seconds: 1 }, /kind/],
    [
      "cached audio > audio",
      "gpt-realtime",
      {
        kind: "realtime",
        textInputTokens: 0,
        textOutputTokens: 0,
        audioInputTokens: 1,
        cachedAudioInputTokens: 2,
        audioOutputTokens: 0,
      },
      /cachedAudioInputTokens/,
    ],
    ["negative seconds", "whisper-1", { kind: "transcription", seconds: -1 }, /seconds/],
    ["infinite seconds", "whisper-1", { kind: "transcription", seconds: Number.POSITIVE_INFINITY }, /seconds/],
    [
      "an unpriced size",
      "dall-e-3",
      { kind: "image", count: 1, size: "512x512", quality: "standard" },
      /no price for size "512x512" at quality "standard"/,
    ],
    [
      "an unpriced quality",
      "dall-e-3",
      { kind: "image", count: 1, size: "1024x1024", quality: "low" },
      /no price for quality "low"/,
    ],
    [
      "gpt-image-1 without its quality",
      "gpt-image-1",
      { kind: "image", count: 1, size: "1024x1024" },
      /needs its quality \(one of low, medium, high\)/,
    ],
    [
      "gpt-image-1 with quality auto",
      "gpt-image-1",
      { kind: "image", count: 1, size: "1024x1024", quality: "auto" },
      /"auto" can only be estimated/,
    ],
    ["a fractional image count", "dall-e-3", { kind: "image", count: 1.5, size: "1024x1024" }, /count/],
  ])("%s is invalid usage", (_, model, usage, message) => {
    expect(() => costOf(model, usage as Usage)).toThrow(InvalidUsageError);
    expect(() => costOf(model, usage as Usage)).toThrow(message);
  });
});

describe("the ledger record of a call", () => {
  it("records model, price used, cost and counts (text)", () => {
    const usage = textUsage({ inputTokens: 1000, cachedInputTokens: 200, outputTokens: 500, reasoningTokens: 300 });
    const call = priceCall("gpt-5-mini-2025-08-07", usage);
    expect(call.cost).toBe(1205n); // 800 × 0.25 + 200 × 0.025 + 500 × 2 = 200 + 5 + 1,000
    expect(call.usage).toEqual({
      model: "gpt-5-mini-2025-08-07",
      pricedAs: "gpt-5-mini",
      priceSource: "catalogue",
      costMicroUsd: "1205",
      inputTokens: 1000,
      cachedInputTokens: 200,
      outputTokens: 500,
      reasoningTokens: 300,
    });
    expect(toUsageBreakdown("gpt-5-mini-2025-08-07", usage, call.cost)).toEqual(call.usage);
    // a plain JSON object (the ledger stores it as jsonb)
    expect(JSON.parse(JSON.stringify(call.usage))).toEqual(call.usage);
  });

  it.each<[string, string, Usage, Record<string, unknown>]>([
    [
      "image",
      "dall-e-3",
      { kind: "image", count: 2, size: "1024x1792", quality: "hd" },
      { images: 2, size: "1024x1792", quality: "hd", costMicroUsd: "240000", priceSource: "table" },
    ],
    [
      "image, default quality",
      "dall-e-3",
      { kind: "image", count: 1, size: "1024x1024" },
      { images: 1, quality: "standard", costMicroUsd: "40000" },
    ],
    [
      "transcription",
      "whisper-1",
      { kind: "transcription", seconds: 61.5 },
      { seconds: 61.5, billedSeconds: 62, costMicroUsd: "6200" },
    ],
    [
      "transcription tokens",
      "gpt-4o-transcribe",
      { kind: "transcription-tokens", textInputTokens: 12, audioInputTokens: 200, outputTokens: 57 },
      { textInputTokens: 12, audioInputTokens: 200, outputTokens: 57, costMicroUsd: "1800", priceSource: "catalogue" },
    ],
    [
      "realtime",
      "gpt-realtime",
      {
        kind: "realtime",
        textInputTokens: 500,
        cachedTextInputTokens: 100,
        textOutputTokens: 50,
        audioInputTokens: 1000,
        audioOutputTokens: 700,
      },
      {
        inputTokens: 500,
        cachedInputTokens: 100,
        outputTokens: 50,
        audioInputTokens: 1000,
        cachedAudioInputTokens: 0,
        audioOutputTokens: 700,
        costMicroUsd: "79240",
      },
    ],
  ])("records %s usage", (_, model, usage, expected) => {
    const call = priceCall(model, usage);
    expect(call.usage).toMatchObject({ model, ...expected });
    expect(call.usage.costMicroUsd).toBe(call.cost.toString());
  });

  it("records an override as the price source", () => {
    const overrides = { "gpt-4o": { kind: "text", inputMicroUsdPer1M: 1, outputMicroUsdPer1M: 1 } };
    expect(priceCall("gpt-4o", textUsage({ inputTokens: 1, outputTokens: 1 }), { overrides }).usage).toMatchObject({
      priceSource: "override",
      costMicroUsd: "1",
    });
  });

  it("is the ledger's UsageBreakdown (and a record without undefined values)", () => {
    const record: LedgerUsage = priceCall("gpt-4o", textUsage({ inputTokens: 1, outputTokens: 1 })).usage;
    const asLedger: UsageBreakdown = record;
    const asJson: Record<string, string | number | boolean | null> = record;
    expect(asLedger.model).toBe("gpt-4o");
    expect(Object.values(asJson)).not.toContain(undefined);
  });
});

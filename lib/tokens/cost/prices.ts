// Model prices in integer micro-dollars (µ$), the unit of the ledger (1 µ$ = 1 millitoken).
// Token prices are µ$ per 1,000,000 tokens (= the published "$ per 1M tokens" × 1,000,000);
// image prices are µ$ per image (plus, for token-billed image models, µ$ per 1M tokens of each
// kind); transcription prices are µ$ per second of audio or µ$ per 1M tokens.
//
// The same shapes serve our own table (own-prices.ts), the converted catalogue entries and the
// admin overrides stored in `token_pricing_config.model_price_overrides`, validated here.
import { z } from "zod";
import { InvalidPriceOverridesError } from "./errors";

const microUsd = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** The token prices of one context band of a text model. */
const textRates = {
  inputMicroUsdPer1M: microUsd,
  /** Absent: the model has no caching discount, cached tokens cost the input price. */
  cachedInputMicroUsdPer1M: microUsd.optional(),
  /**
   * Input written to the prompt cache (the catalogue's `cache_write_mtok`: gpt-5.6, gpt-6). Absent:
   * writing costs nothing extra, written tokens cost the input price. Never below the input price
   * (a write is an input token plus the cache's storage), so billing unreported writes at this
   * rate is never below the provider's bill.
   */
  cacheWriteInputMicroUsdPer1M: microUsd.optional(),
  outputMicroUsdPer1M: microUsd,
};
type Rates = {
  inputMicroUsdPer1M: number;
  cachedInputMicroUsdPer1M?: number | undefined;
  cacheWriteInputMicroUsdPer1M?: number | undefined;
};
const cachedNotAboveInput = (p: Rates) =>
  p.cachedInputMicroUsdPer1M === undefined || p.cachedInputMicroUsdPer1M <= p.inputMicroUsdPer1M;
const writeNotBelowInput = (p: Rates) =>
  p.cacheWriteInputMicroUsdPer1M === undefined || p.cacheWriteInputMicroUsdPer1M >= p.inputMicroUsdPer1M;

/** Chat / responses models: input (incl. vision), cached input, output (incl. reasoning). */
export const textPriceSchema = z
  .strictObject({
    kind: z.literal("text"),
    ...textRates,
    /**
     * Long-context pricing (gpt-5.4 and later): a call whose input is MORE than `aboveInputTokens`
     * tokens pays these rates for all of its tokens, input and output (OpenAI's threshold pricing,
     * as the catalogue records it). Absent: one price at every length.
     */
    longContext: z
      .strictObject({ aboveInputTokens: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), ...textRates })
      .refine(cachedNotAboveInput, {
        message: "longContext.cachedInputMicroUsdPer1M must not exceed its inputMicroUsdPer1M",
      })
      .refine(writeNotBelowInput, {
        message: "longContext.cacheWriteInputMicroUsdPer1M must not be below its inputMicroUsdPer1M",
      })
      .optional(),
  })
  .refine(cachedNotAboveInput, {
    message: "cachedInputMicroUsdPer1M must not exceed inputMicroUsdPer1M",
  })
  .refine(writeNotBelowInput, {
    message: "cacheWriteInputMicroUsdPer1M must not be below inputMicroUsdPer1M",
  });

const imageSize = z.string().regex(/^\d+x\d+$/, 'sizes are "<width>x<height>", e.g. "1024x1024"');
const tokenCount = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/**
 * Token prices of an image model (gpt-image-1 …), as OpenAI bills it: text and image input tokens
 * (with their cached prices), image output tokens, and text output tokens where the model has them.
 */
export const imageTokenPriceSchema = z
  .strictObject({
    textInputMicroUsdPer1M: microUsd,
    cachedTextInputMicroUsdPer1M: microUsd.optional(),
    imageInputMicroUsdPer1M: microUsd,
    cachedImageInputMicroUsdPer1M: microUsd.optional(),
    imageOutputMicroUsdPer1M: microUsd,
    textOutputMicroUsdPer1M: microUsd.optional(),
    /**
     * Output tokens one image of each (quality, size) renders in (OpenAI's table; the catalogue's
     * entries get it from IMAGE_OUTPUT_TOKENS in own-prices.ts): what makes the hold before the
     * call equal the charge of the usage the response will report. Absent (an override without
     * it): the hold prices the images by microUsdPerImage.
     */
    outputTokensPerImage: z.record(z.string().min(1), z.record(imageSize, tokenCount)).optional(),
  })
  .refine(
    (p) => p.cachedTextInputMicroUsdPer1M === undefined || p.cachedTextInputMicroUsdPer1M <= p.textInputMicroUsdPer1M,
    {
      message: "cachedTextInputMicroUsdPer1M must not exceed textInputMicroUsdPer1M",
    },
  )
  .refine(
    (p) =>
      p.cachedImageInputMicroUsdPer1M === undefined || p.cachedImageInputMicroUsdPer1M <= p.imageInputMicroUsdPer1M,
    {
      message: "cachedImageInputMicroUsdPer1M must not exceed imageInputMicroUsdPer1M",
    },
  );

/**
 * Image generation: µ$ per image, by quality then size, and, for token-billed models (gpt-image-*),
 * the token prices. A usage that carries the tokens the response reports is charged by them at
 * `tokens` (the prompt included); a usage without them (dall-e-*, or a call that got no answer) is
 * charged count × the per-image price of (quality, size).
 */
export const imagePriceSchema = z
  .strictObject({
    kind: z.literal("image"),
    /** The quality the API uses when the request names none (dall-e-2/3: "standard"). */
    defaultQuality: z.string().min(1).optional(),
    microUsdPerImage: z.record(z.string().min(1), z.record(imageSize, microUsd)),
    /** Token-billed models only: what each reported token kind costs. */
    tokens: imageTokenPriceSchema.optional(),
  })
  .refine(
    (p) =>
      Object.keys(p.microUsdPerImage).length > 0 &&
      Object.values(p.microUsdPerImage).every((s) => Object.keys(s).length > 0),
    {
      message: "microUsdPerImage needs at least one quality with at least one size",
    },
  )
  .refine((p) => p.defaultQuality === undefined || p.defaultQuality in p.microUsdPerImage, {
    message: "defaultQuality must be one of the qualities of microUsdPerImage",
  });

/** Transcription billed per second of audio (whisper-1): µ$ per second. */
export const transcriptionPriceSchema = z.strictObject({
  kind: z.literal("transcription"),
  microUsdPerSecond: microUsd,
});

/**
 * Transcription billed by tokens (gpt-4o-transcribe, gpt-4o-mini-transcribe): the prompt's text
 * input tokens, the audio's input tokens and the transcript's output tokens, each per 1M.
 */
export const transcriptionTokenPriceSchema = z.strictObject({
  kind: z.literal("transcription-tokens"),
  textInputMicroUsdPer1M: microUsd,
  audioInputMicroUsdPer1M: microUsd,
  outputMicroUsdPer1M: microUsd,
});

/** Realtime models: text and audio tokens, in and out, with cached input. */
export const realtimePriceSchema = z
  .strictObject({
    kind: z.literal("realtime"),
    textInputMicroUsdPer1M: microUsd,
    cachedTextInputMicroUsdPer1M: microUsd,
    textOutputMicroUsdPer1M: microUsd,
    audioInputMicroUsdPer1M: microUsd,
    cachedAudioInputMicroUsdPer1M: microUsd,
    audioOutputMicroUsdPer1M: microUsd,
  })
  .refine((p) => p.cachedTextInputMicroUsdPer1M <= p.textInputMicroUsdPer1M, {
    message: "cachedTextInputMicroUsdPer1M must not exceed textInputMicroUsdPer1M",
  })
  .refine((p) => p.cachedAudioInputMicroUsdPer1M <= p.audioInputMicroUsdPer1M, {
    message: "cachedAudioInputMicroUsdPer1M must not exceed audioInputMicroUsdPer1M",
  });

/** One model's price, in integer micro-dollars. */
export const modelPriceSchema = z.discriminatedUnion("kind", [
  textPriceSchema,
  imagePriceSchema,
  transcriptionPriceSchema,
  transcriptionTokenPriceSchema,
  realtimePriceSchema,
]);

/**
 * The `modelPriceOverrides` JSON column of a pricing version: model id → price. An override wins
 * over our table and the catalogue for that exact id (and for its dated snapshots that have no
 * entry of their own; see resolve.ts). Unknown keys are refused, so a typo is an error, not a price.
 */
export const modelPriceOverridesSchema = z.record(z.string().min(1), modelPriceSchema);

export type TextPrice = z.infer<typeof textPriceSchema>;
export type ImagePrice = z.infer<typeof imagePriceSchema>;
export type ImageTokenPrice = z.infer<typeof imageTokenPriceSchema>;
export type TranscriptionPrice = z.infer<typeof transcriptionPriceSchema>;
export type TranscriptionTokenPrice = z.infer<typeof transcriptionTokenPriceSchema>;
export type RealtimePrice = z.infer<typeof realtimePriceSchema>;
export type ModelPrice = z.infer<typeof modelPriceSchema>;
export type ModelPriceOverrides = z.infer<typeof modelPriceOverridesSchema>;

const parsed = new WeakMap<object, ModelPriceOverrides>();

/**
 * Validates a pricing version's `modelPriceOverrides` (null/undefined = none). Throws
 * InvalidPriceOverridesError naming the offending entry. Results are cached per object, so passing
 * the same PricingConfig's overrides on every call costs one validation.
 */
export function parseModelPriceOverrides(raw: unknown): ModelPriceOverrides {
  if (raw === undefined || raw === null) return {};
  if (typeof raw === "object") {
    const hit = parsed.get(raw);
    if (hit) return hit;
  }
  const result = modelPriceOverridesSchema.safeParse(raw);
  if (!result.success) throw new InvalidPriceOverridesError(z.prettifyError(result.error));
  if (typeof raw === "object") parsed.set(raw, result.data);
  return result.data;
}

// Model prices in integer micro-dollars (µ$), the unit of the ledger (1 µ$ = 1 millitoken).
// Token prices are µ$ per 1,000,000 tokens (= the published "$ per 1M tokens" × 1,000,000);
// image prices are µ$ per image; transcription prices are µ$ per second of audio.
//
// The same shapes serve our own table (own-prices.ts), the converted catalogue entries and the
// admin overrides stored in `token_pricing_config.model_price_overrides`, validated here.
import { z } from "zod";
import { InvalidPriceOverridesError } from "./errors";

const microUsd = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** Chat / responses models: input (incl. vision), cached input, output (incl. reasoning). */
export const textPriceSchema = z
  .strictObject({
    kind: z.literal("text"),
    inputMicroUsdPer1M: microUsd,
    /** Absent: the model has no caching discount, cached tokens cost the input price. */
    cachedInputMicroUsdPer1M: microUsd.optional(),
    outputMicroUsdPer1M: microUsd,
  })
  .refine((p) => p.cachedInputMicroUsdPer1M === undefined || p.cachedInputMicroUsdPer1M <= p.inputMicroUsdPer1M, {
    message: "cachedInputMicroUsdPer1M must not exceed inputMicroUsdPer1M",
  });

const imageSize = z.string().regex(/^\d+x\d+$/, 'sizes are "<width>x<height>", e.g. "1024x1024"');

const tokenCount = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/**
 * Token prices of an image model billed by tokens (gpt-image-*): the prompt's text and image input
 * tokens and the output image tokens, each µ$ per 1M, with the output tokens one image of each
 * (quality, size) costs (the provider's table), which makes the estimate before the call.
 */
export const imageTokenPriceSchema = z.strictObject({
  textInputMicroUsdPer1M: microUsd,
  imageInputMicroUsdPer1M: microUsd,
  outputMicroUsdPer1M: microUsd,
  outputTokensPerImage: z.record(z.string().min(1), z.record(imageSize, tokenCount)),
});

/**
 * Image generation: µ$ per image, by quality then size. A model billed by tokens also has `tokens`:
 * then a call whose usage reports its tokens is charged by them (prompt included), and the
 * per-image table is what a call without reported tokens is charged.
 */
export const imagePriceSchema = z
  .strictObject({
    kind: z.literal("image"),
    /** The quality the API uses when the request names none (dall-e-2/3: "standard"). */
    defaultQuality: z.string().min(1).optional(),
    microUsdPerImage: z.record(z.string().min(1), z.record(imageSize, microUsd)),
    tokens: imageTokenPriceSchema.optional(),
  })
  .refine((p) => Object.keys(p.microUsdPerImage).length > 0 && Object.values(p.microUsdPerImage).every((s) => Object.keys(s).length > 0), {
    message: "microUsdPerImage needs at least one quality with at least one size",
  })
  .refine((p) => p.defaultQuality === undefined || p.defaultQuality in p.microUsdPerImage, {
    message: "defaultQuality must be one of the qualities of microUsdPerImage",
  });

/**
 * Transcription: µ$ per second of audio. A model billed by tokens (gpt-4o-transcribe) also has
 * `tokens`: a call whose usage reports its tokens is charged by them; the per-second price (the
 * provider's published estimate per minute) is then only the hold's.
 */
export const transcriptionPriceSchema = z.strictObject({
  kind: z.literal("transcription"),
  microUsdPerSecond: microUsd,
  tokens: z
    .strictObject({ audioInputMicroUsdPer1M: microUsd, textInputMicroUsdPer1M: microUsd, outputMicroUsdPer1M: microUsd })
    .optional(),
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

// What a call used, in plain provider-neutral numbers (this module knows no SDK). Counts follow
// OpenAI's reporting, where totals INCLUDE their parts:
//   text:     inputTokens includes cachedInputTokens and cacheWriteInputTokens (prompt_tokens /
//             input_tokens, with vision input already counted in them; read from the cache and
//             written to it are disjoint parts, as the Usage API's input_cached_tokens /
//             input_cache_write_tokens / input_uncached_tokens); outputTokens includes reasoningTokens
//             (completion_tokens / output_tokens). Reasoning is billed as output, so it is recorded
//             but never added again.
//   realtime: textInputTokens includes cachedTextInputTokens and audioInputTokens includes
//             cachedAudioInputTokens (input_token_details.text_tokens / audio_tokens and
//             cached_tokens_details of a response.done usage).
import { z } from "zod";

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const textUsageSchema = z
  .strictObject({
    kind: z.literal("text"),
    inputTokens: count,
    cachedInputTokens: count.optional(),
    /**
     * Input tokens written to the prompt cache (`prompt_tokens_details.cache_write_tokens`), billed
     * at the model's cache-write rate where it has one. Absent = the provider reported no count:
     * nothing is written for a model without a cache-write rate (as 0), but for a model with one
     * the uncached input is charged at that rate (cost.ts), never below the provider's bill.
     */
    cacheWriteInputTokens: count.optional(),
    outputTokens: count,
    reasoningTokens: count.optional(),
  })
  .refine((u) => (u.cachedInputTokens ?? 0) <= u.inputTokens, {
    message: "cachedInputTokens are part of inputTokens, so they cannot exceed them",
  })
  .refine((u) => (u.cachedInputTokens ?? 0) + (u.cacheWriteInputTokens ?? 0) <= u.inputTokens, {
    message:
      "cacheWriteInputTokens are the part of inputTokens not read from the cache, so with cachedInputTokens they cannot exceed them",
  })
  .refine((u) => (u.reasoningTokens ?? 0) <= u.outputTokens, {
    message: "reasoningTokens are part of outputTokens, so they cannot exceed them",
  });

export const imageUsageSchema = z.strictObject({
  kind: z.literal("image"),
  count: count,
  /** "<width>x<height>" as the API names it, e.g. "1024x1792". */
  size: z.string().min(1),
  /** As the API names it ("standard", "hd", "low", "medium", "high"); omitted = the model's default. */
  quality: z.string().min(1).optional(),
  /**
   * The tokens the provider reports it billed (gpt-image-*: `usage.input_tokens_details.text_tokens`
   * / `image_tokens`, `usage.output_tokens`): charged at the model's token prices when it has them.
   */
  tokens: z.strictObject({ textInput: count, imageInput: count, output: count }).optional(),
});

/**
 * A transcription known by its duration: what whisper-1 reports (`usage: { type: "duration" }`),
 * and, for a model billed by tokens, what stands for its usage when the provider reported none
 * (priced as the hold's tokens, cost.ts).
 */
export const transcriptionUsageSchema = z.strictObject({
  kind: z.literal("transcription"),
  /** Audio duration in seconds (fractions allowed; billed per whole second, rounded up). */
  seconds: z.number().nonnegative().finite(),
});

/**
 * A transcription billed by tokens (gpt-4o-transcribe, gpt-4o-mini-transcribe), as the API reports
 * it (`usage: { type: "tokens", input_tokens, input_token_details: { text_tokens, audio_tokens },
 * output_tokens }`): text and audio input tokens apart, and the transcript's output tokens.
 */
export const transcriptionTokensUsageSchema = z.strictObject({
  kind: z.literal("transcription-tokens"),
  textInputTokens: count,
  audioInputTokens: count,
  outputTokens: count,
});

export const realtimeUsageSchema = z
  .strictObject({
    kind: z.literal("realtime"),
    textInputTokens: count,
    cachedTextInputTokens: count.optional(),
    textOutputTokens: count,
    audioInputTokens: count,
    cachedAudioInputTokens: count.optional(),
    audioOutputTokens: count,
  })
  .refine((u) => (u.cachedTextInputTokens ?? 0) <= u.textInputTokens, {
    message: "cachedTextInputTokens are part of textInputTokens, so they cannot exceed them",
  })
  .refine((u) => (u.cachedAudioInputTokens ?? 0) <= u.audioInputTokens, {
    message: "cachedAudioInputTokens are part of audioInputTokens, so they cannot exceed them",
  });

export const usageSchema = z.discriminatedUnion("kind", [
  textUsageSchema,
  imageUsageSchema,
  transcriptionUsageSchema,
  transcriptionTokensUsageSchema,
  realtimeUsageSchema,
]);

export type TextUsage = z.infer<typeof textUsageSchema>;
export type ImageUsage = z.infer<typeof imageUsageSchema>;
export type TranscriptionUsage = z.infer<typeof transcriptionUsageSchema>;
export type TranscriptionTokensUsage = z.infer<typeof transcriptionTokensUsageSchema>;
export type RealtimeUsage = z.infer<typeof realtimeUsageSchema>;
export type Usage = z.infer<typeof usageSchema>;

/**
 * A text call's usage from its counts (what the metering wrapper reads off OpenAI's `usage`). A
 * missing cached or reasoning count is 0; a missing cache-write count stays absent, because
 * "not reported" is priced differently from "0 written" for a model that bills cache writes.
 */
export function textUsage(counts: {
  inputTokens: number;
  cachedInputTokens?: number;
  cacheWriteInputTokens?: number;
  outputTokens: number;
  reasoningTokens?: number;
}): TextUsage {
  const usage: TextUsage = {
    kind: "text",
    inputTokens: counts.inputTokens,
    cachedInputTokens: counts.cachedInputTokens ?? 0,
    outputTokens: counts.outputTokens,
    reasoningTokens: counts.reasoningTokens ?? 0,
  };
  if (counts.cacheWriteInputTokens !== undefined) usage.cacheWriteInputTokens = counts.cacheWriteInputTokens;
  return usage;
}

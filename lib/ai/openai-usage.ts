// OpenAI's usage, read for the meter: the provider-specific half of metering, so that lib/tokens
// knows no provider. Duck-typed by shape (the chat completions and the responses API name their
// counts differently), so a wrapped or simulated stream reads the same as the SDK's own objects.
import type { Meter, RecordedCall, TextCounts } from "../tokens/metering/meter";
import type { ChunkReader } from "../tokens/metering/with-tokens";

/** OpenAI's usage objects (chat completions and responses API), read by shape. */
export interface OpenAIUsageShape {
  prompt_tokens?: number;
  completion_tokens?: number;
  input_tokens?: number;
  output_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null; cache_write_tokens?: number | null } | null;
  input_tokens_details?: { cached_tokens?: number | null; cache_write_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
  output_tokens_details?: { reasoning_tokens?: number | null } | null;
}

/**
 * The token counts of an OpenAI usage object (a missing count is 0, but for the cache-write count).
 * Cache writes are `prompt_tokens_details.cache_write_tokens` (chat completions' CompletionUsage)
 * or `input_tokens_details.cache_write_tokens` (the responses API's ResponseUsage), as
 * openai/openai-openapi names them; a usage without the field (an older model, a server that does
 * not report it) leaves the count absent, which the cost engine prices as "unknown", not as 0.
 */
export function openAITextCounts(
  usage: OpenAIUsageShape,
): Required<Omit<TextCounts, "cacheWriteInputTokens">> & Pick<TextCounts, "cacheWriteInputTokens"> {
  const counts: Required<Omit<TextCounts, "cacheWriteInputTokens">> & Pick<TextCounts, "cacheWriteInputTokens"> = {
    inputTokens: usage.prompt_tokens ?? usage.input_tokens ?? 0,
    cachedInputTokens: usage.prompt_tokens_details?.cached_tokens ?? usage.input_tokens_details?.cached_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? usage.output_tokens ?? 0,
    reasoningTokens:
      usage.completion_tokens_details?.reasoning_tokens ?? usage.output_tokens_details?.reasoning_tokens ?? 0,
  };
  const written = usage.prompt_tokens_details?.cache_write_tokens ?? usage.input_tokens_details?.cache_write_tokens;
  if (typeof written === "number") counts.cacheWriteInputTokens = written;
  return counts;
}

/** Records a text call from OpenAI's usage object (chat completions or responses API). */
export function recordOpenAIUsage<U>(meter: Meter<U>, model: string, usage: OpenAIUsageShape): RecordedCall {
  return meter.recordText(model, openAITextCounts(usage));
}

/** Records `completion.usage` of a non-streamed OpenAI response; returns the completion. */
export function recordCompletion<U, T extends { model: string; usage?: OpenAIUsageShape | null }>(
  meter: Meter<U>,
  completion: T,
): T {
  if (!completion.usage) throw new Error(`the response of ${completion.model} has no usage to charge`);
  recordOpenAIUsage(meter, completion.model, completion.usage);
  return completion;
}

type ChatChunk = {
  model?: string;
  usage?: OpenAIUsageShape | null;
  choices?: { delta?: { content?: string | null } }[];
};

/** Reads a chat-completions stream chunk: its text delta, its usage (the last chunk, with include_usage), its model. */
export const chatChunkReader: ChunkReader<ChatChunk> = {
  text: (chunk) => chunk.choices?.map((choice) => choice.delta?.content ?? "").join("") ?? "",
  usage: (chunk) => (chunk.usage ? openAITextCounts(chunk.usage) : chunk.usage),
  model: (chunk) => chunk.model,
};

// Worst-case costs before a call, for the reservation (docs/ARCHITECTURE.md, "A metered request").
//   text:          exact input tokens (gpt-tokenizer, the model's encoding, chat framing included)
//                  counted as uncached at the dearer of the input and cache-write prices (any of
//                  them may be written to the cache), plus the request's max output tokens at the
//                  output price (reasoning tokens are inside that bound). A request
//                  without max output tokens is refused: an unbounded worst case is not a worst case.
//   images:        exact: count × the price of the size and quality ("auto" = the dearest option).
//   transcription: exact: the duration, billed like the call itself.
//   realtime:      a documented, deliberately conservative rate per second of session (below).
import { costOf, expectPriceKind, imageUnitPrice, textRatesFor, type CostOptions } from "./cost";
import { EstimateError } from "./errors";
import { tokenCost } from "./money";
import type { ImagePrice } from "./prices";
import { resolvePrice } from "./resolve";
import { countChatTokens, countTokens, type ChatMessage } from "./tokenizer";
import { imageInputTokens, type ImageInput } from "./vision";

// ── Text ─────────────────────────────────────────────────────────────────────────────────────────

export type TextRequest = (
  | { messages: readonly ChatMessage[]; input?: never; instructions?: never }
  | { input: string; instructions?: string; messages?: never }
) & {
  /** The bound sent with the request (max_output_tokens / max_completion_tokens). Required. */
  maxOutputTokens: number;
  /** Images sent with the request: how many (each at its model's maximum) or each one's size. */
  images?: number | readonly ImageInput[];
};

export interface TextEstimate {
  model: string;
  /** Exact input tokens (text with chat framing, plus the images' worst case). */
  inputTokens: number;
  maxOutputTokens: number;
  /** µ$ (= millitokens): input at the uncached (or dearer cache-write) price + maxOutputTokens at the output price, rounded up. */
  worstCase: bigint;
}

/** The messages a plain-text request becomes (the Responses API wraps `input` as a user message). */
function messagesOf(request: TextRequest): readonly ChatMessage[] {
  if (request.messages) return request.messages;
  if (typeof request.input !== "string") throw new TypeError("a text request needs `messages` or `input`");
  const user: ChatMessage = { role: "user", content: request.input };
  return request.instructions ? [{ role: "developer", content: request.instructions }, user] : [user];
}

/** Worst-case cost of a chat / responses call; see the top of this file. */
export function estimateTextCost(model: string, request: TextRequest, options: CostOptions = {}): TextEstimate {
  const { maxOutputTokens } = request;
  if (maxOutputTokens === undefined || maxOutputTokens === null) {
    throw new EstimateError(
      model,
      "the request has no maxOutputTokens. An unbounded worst case is not a worst case: set max_output_tokens " +
        "(or max_completion_tokens) on the request and pass the same number here.",
    );
  }
  if (!Number.isSafeInteger(maxOutputTokens) || maxOutputTokens < 1) {
    throw new EstimateError(model, `maxOutputTokens must be a positive integer (got ${maxOutputTokens})`);
  }
  const price = expectPriceKind(model, resolvePrice(model, options.overrides).price, "text");
  const images = request.images ?? [];
  const imageList: readonly ImageInput[] = typeof images === "number" ? imageCount(model, images) : images;
  const inputTokens =
    countChatTokens(model, messagesOf(request)) +
    imageList.reduce((sum, image) => sum + imageInputTokens(model, image), 0);
  const rates = textRatesFor(price, inputTokens);
  // Any input token may be written to the cache, and a write is never cheaper than plain input.
  const inputRate = Math.max(rates.inputMicroUsdPer1M, rates.cacheWriteInputMicroUsdPer1M ?? 0);
  const worstCase = tokenCost([
    [inputTokens, inputRate],
    [maxOutputTokens, rates.outputMicroUsdPer1M],
  ]);
  return { model, inputTokens, maxOutputTokens, worstCase };
}

function imageCount(model: string, count: number): ImageInput[] {
  if (!Number.isSafeInteger(count) || count < 0)
    throw new EstimateError(model, `images must be a non-negative integer (got ${count})`);
  return Array.from({ length: count }, () => ({}));
}

// ── Images ───────────────────────────────────────────────────────────────────────────────────────

export interface ImageRequest {
  count: number;
  /** "<width>x<height>", or "auto" (the dearest size of the quality). */
  size: string;
  /** The quality asked for; "auto" (or omitted for a model without a default) = the dearest quality. */
  quality?: string;
  /** The prompt, for a model billed by tokens: its text tokens are paid for too. */
  prompt?: string;
}

export interface SimpleEstimate {
  model: string;
  /** µ$ (= millitokens). */
  worstCase: bigint;
}

/**
 * Cost of an image generation: count × price of (quality, size); "auto" takes the dearest. For a
 * model billed by tokens: the prompt's exact text tokens at the text input price plus count × the
 * output tokens of one such image at the output price, rounded up once — the charge of the usage
 * the provider reports for it.
 */
export function estimateImageCost(model: string, request: ImageRequest, options: CostOptions = {}): SimpleEstimate {
  const price = expectPriceKind(model, resolvePrice(model, options.overrides).price, "image");
  if (!Number.isSafeInteger(request.count) || request.count < 0) {
    throw new EstimateError(model, `count must be a non-negative integer (got ${request.count})`);
  }
  const quality = request.quality ?? price.defaultQuality ?? "auto";
  const qualities = quality === "auto" ? Object.keys(price.microUsdPerImage) : [quality];
  const tokens = price.tokens;
  const promptTokens = tokens && request.prompt ? countTokens(model, request.prompt) : 0;
  if (tokens?.outputTokensPerImage) {
    const table = tokens.outputTokensPerImage;
    let outputTokens = 0;
    for (const q of qualities)
      outputTokens = Math.max(outputTokens, dearestOutputTokens(model, table, q, request.size));
    return {
      model,
      worstCase: tokenCost([
        [promptTokens, tokens.textInputMicroUsdPer1M],
        [request.count * outputTokens, tokens.imageOutputMicroUsdPer1M],
      ]),
    };
  }
  let unit = 0;
  for (const q of qualities) unit = Math.max(unit, dearest(model, price, q, request.size));
  // A token-billed price without its output-token table (an override): the prompt, plus the images
  // at their per-image price (each rounded up, so never below the single-rounded charge).
  const prompt = tokens ? tokenCost([[promptTokens, tokens.textInputMicroUsdPer1M]]) : 0n;
  return { model, worstCase: prompt + BigInt(request.count) * BigInt(unit) };
}

/** Output tokens of one image of (quality, size), or of the dearest size for "auto". */
function dearestOutputTokens(
  model: string,
  table: Record<string, Record<string, number>>,
  quality: string,
  size: string,
): number {
  const sizes = table[quality];
  if (!sizes)
    throw new EstimateError(
      model,
      `no output tokens for quality "${quality}" (known: ${Object.keys(table).join(", ")})`,
    );
  if (size === "auto") return Math.max(...Object.values(sizes));
  const tokens = Object.hasOwn(sizes, size) ? sizes[size] : undefined;
  if (tokens === undefined)
    throw new EstimateError(model, `no output tokens for size "${size}" at quality "${quality}"`);
  return tokens;
}

function dearest(model: string, price: ImagePrice, quality: string, size: string): number {
  if (size !== "auto") return imageUnitPrice(model, size, quality, price);
  const sizes = Object.keys(price.microUsdPerImage[quality] ?? {});
  if (sizes.length === 0) return imageUnitPrice(model, "1024x1024", quality, price); // throws: unknown quality
  return Math.max(...sizes.map((s) => imageUnitPrice(model, s, quality, price)));
}

// ── Transcription ────────────────────────────────────────────────────────────────────────────────

/**
 * Cost of transcribing `seconds` of audio, the hold: exact for a per-second model (the same
 * rounding as the charge: whole seconds, up); for a model billed by tokens, the tokens
 * TRANSCRIPTION_HOLD_RATES assumes for those seconds (cost.ts), the charge being the reported usage.
 */
export function estimateTranscriptionCost(
  model: string,
  request: { seconds: number },
  options: CostOptions = {},
): SimpleEstimate {
  return { model, worstCase: costOf(model, { kind: "transcription", seconds: request.seconds }, options) };
}

// ── Realtime ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Token rates per second of a realtime session assumed by the worst case, all billed uncached.
 * A realtime bill has no hard bound per second (every response re-reads the conversation so far),
 * so these are deliberately pessimistic rather than a proof:
 *   - audio in:  the user AND the model talking the whole second (OpenAI tokenises input audio at
 *                ~10 tokens/s and output audio at ~20 tokens/s: 30 tokens of audio enter the
 *                conversation per second), each token re-read uncached by 5 responses → 150/s;
 *   - text in:   instructions, transcripts and tool text in the context: 20 tokens/s × 5 reads → 100/s;
 *   - audio out: the model speaking the whole session → 20/s;
 *   - text out:  the transcript of that speech, at twice a fast speaking rate → 10/s.
 * For gpt-realtime ($32/$64 audio, $4/$16 text per 1M) that is 6,640 µ$ per second (~$0.40 a minute).
 */
export const REALTIME_WORST_CASE_RATES = {
  audioInputTokensPerSecond: 150,
  textInputTokensPerSecond: 100,
  audioOutputTokensPerSecond: 20,
  textOutputTokensPerSecond: 10,
} as const;

export type RealtimeRates = { -readonly [K in keyof typeof REALTIME_WORST_CASE_RATES]: number };

export interface RealtimeEstimate extends SimpleEstimate {
  maxSessionSeconds: number;
  rates: RealtimeRates;
}

/**
 * Worst case of a realtime session of at most `maxSessionSeconds` (fractions round up to a whole
 * second): ceil(Σ seconds × tokens/s × µ$/1M ÷ 1M) with REALTIME_WORST_CASE_RATES (or `rates`).
 * The session must be cut off at that length; the charge itself comes from the reported usage.
 */
export function estimateRealtimeCost(
  model: string,
  request: { maxSessionSeconds: number; rates?: Partial<RealtimeRates> },
  options: CostOptions = {},
): RealtimeEstimate {
  const price = expectPriceKind(model, resolvePrice(model, options.overrides).price, "realtime");
  const { maxSessionSeconds } = request;
  if (typeof maxSessionSeconds !== "number" || !Number.isFinite(maxSessionSeconds) || maxSessionSeconds <= 0) {
    throw new EstimateError(
      model,
      `maxSessionSeconds must be a positive number (got ${maxSessionSeconds}); an unbounded session has no worst case`,
    );
  }
  const rates: RealtimeRates = { ...REALTIME_WORST_CASE_RATES, ...request.rates };
  for (const [name, rate] of Object.entries(rates)) {
    if (!Number.isSafeInteger(rate) || rate < 0)
      throw new EstimateError(model, `${name} must be a non-negative integer (got ${rate})`);
  }
  const seconds = Math.ceil(maxSessionSeconds);
  const worstCase = tokenCost([
    [seconds * rates.textInputTokensPerSecond, price.textInputMicroUsdPer1M],
    [seconds * rates.textOutputTokensPerSecond, price.textOutputMicroUsdPer1M],
    [seconds * rates.audioInputTokensPerSecond, price.audioInputMicroUsdPer1M],
    [seconds * rates.audioOutputTokensPerSecond, price.audioOutputMicroUsdPer1M],
  ]);
  return { model, worstCase, maxSessionSeconds: seconds, rates };
}

// costOf(model, usage): the exact provider cost of one call in micro-dollars (= millitokens),
// rounded up once per call. Every price is an integer (µ$ per 1M tokens, per image, per second),
// every product and sum a BigInt; see money.ts.
import { z } from "zod";
import { InvalidUsageError, UsageKindMismatchError } from "./errors";
import { tokenCost } from "./money";
import type {
  ImagePrice,
  ModelPrice,
  RealtimePrice,
  TextPrice,
  TranscriptionPrice,
  TranscriptionTokenPrice,
} from "./prices";
import { resolvePrice, type PriceSource, type ResolvedPrice } from "./resolve";
import {
  usageSchema,
  type ImageUsage,
  type RealtimeUsage,
  type TextUsage,
  type TranscriptionTokensUsage,
  type TranscriptionUsage,
  type Usage,
} from "./usage";

export interface CostOptions {
  /** The pricing version's `modelPriceOverrides` (raw JSON; validated). Absent = none. */
  overrides?: unknown;
}

/** Validates a usage record; InvalidUsageError names the model and the problem. */
export function parseUsage(model: string, usage: unknown): Usage {
  const result = usageSchema.safeParse(usage);
  if (!result.success) throw new InvalidUsageError(model, z.prettifyError(result.error));
  return result.data;
}

/**
 * The exact cost of one call in micro-dollars (= millitokens), as a BigInt ≥ 0.
 * Throws UnknownModelError (no price anywhere: never a free call), UsageKindMismatchError (e.g.
 * image usage for gpt-4o), InvalidUsageError (malformed counts, an unpriced image size …).
 */
export function costOf(model: string, usage: Usage, options: CostOptions = {}): bigint {
  return priceUsage(model, parseUsage(model, usage), resolvePrice(model, options.overrides));
}

/** The cost of a (validated) usage under a resolved price. */
export function priceUsage(model: string, usage: Usage, resolved: ResolvedPrice): bigint {
  const price = resolved.price;
  switch (usage.kind) {
    case "text":
      return textCost(usage, expectPriceKind(model, price, "text"));
    case "image":
      return imageCost(model, usage, expectPriceKind(model, price, "image"));
    case "transcription":
      return transcriptionCost(
        usage,
        price.kind === "transcription-tokens" ? price : expectPriceKind(model, price, "transcription"),
      );
    case "transcription-tokens":
      return transcriptionTokensCost(usage, expectPriceKind(model, price, "transcription-tokens"));
    case "realtime":
      return realtimeCost(usage, expectPriceKind(model, price, "realtime"));
  }
}

/** The price narrowed to the kind of usage asked for; UsageKindMismatchError otherwise. */
export function expectPriceKind<K extends ModelPrice["kind"]>(
  model: string,
  price: ModelPrice,
  kind: K,
): Extract<ModelPrice, { kind: K }> {
  if (price.kind !== kind) throw new UsageKindMismatchError(model, price.kind, kind);
  return price as Extract<ModelPrice, { kind: K }>;
}

/**
 * (input − cached − written) × input price + cached × cached price + written × cache-write price +
 * output × output price, ÷ 1M, rounded up. Reasoning tokens are inside outputTokens and are not
 * added again. Without a cached price the cached tokens cost the input price (no caching
 * discount); without a cache-write price written tokens are plain input. For a model with a
 * cache-write price whose provider reported no cache-write count, every uncached input token is
 * charged as written: any of them may have been, and the charge must never be below the bill.
 */
function textCost(usage: TextUsage, price: TextPrice): bigint {
  const cached = usage.cachedInputTokens ?? 0;
  const rates = textRatesFor(price, usage.inputTokens);
  const writeRate = rates.cacheWriteInputMicroUsdPer1M;
  const uncached = usage.inputTokens - cached;
  const written = writeRate === undefined ? 0 : (usage.cacheWriteInputTokens ?? uncached);
  return tokenCost([
    [uncached - written, rates.inputMicroUsdPer1M],
    [cached, rates.cachedInputMicroUsdPer1M ?? rates.inputMicroUsdPer1M],
    [written, writeRate ?? rates.inputMicroUsdPer1M],
    [usage.outputTokens, rates.outputMicroUsdPer1M],
  ]);
}

/**
 * The rates a text call of `inputTokens` pays: the long-context rates when its input is above the
 * model's threshold (all tokens of the call, as OpenAI bills it), the base rates otherwise.
 */
export function textRatesFor(price: TextPrice, inputTokens: number): Omit<TextPrice, "kind" | "longContext"> {
  return price.longContext && inputTokens > price.longContext.aboveInputTokens ? price.longContext : price;
}

/** Text input, audio input and output tokens, each at its price, ÷ 1M, rounded up once. */
function transcriptionTokensCost(usage: TranscriptionTokensUsage, price: TranscriptionTokenPrice): bigint {
  return tokenCost([
    [usage.textInputTokens, price.textInputMicroUsdPer1M],
    [usage.audioInputTokens, price.audioInputMicroUsdPer1M],
    [usage.outputTokens, price.outputMicroUsdPer1M],
  ]);
}

/**
 * A model billed by tokens, with reported tokens: text input + image input + output tokens at their
 * prices, ÷ 1M, rounded up once (the prompt is paid for, not only the image). Otherwise count × µ$
 * per image of (quality, size), exact.
 */
function imageCost(model: string, usage: ImageUsage, price: ImagePrice): bigint {
  if (usage.tokens && price.tokens) {
    return tokenCost([
      [usage.tokens.textInput, price.tokens.textInputMicroUsdPer1M],
      [usage.tokens.imageInput, price.tokens.imageInputMicroUsdPer1M],
      [usage.tokens.output, price.tokens.imageOutputMicroUsdPer1M],
    ]);
  }
  return BigInt(usage.count) * BigInt(imageUnitPrice(model, usage.size, usage.quality, price));
}

/** µ$ per image of one (quality, size); InvalidUsageError when the table has no such image. */
export function imageUnitPrice(model: string, size: string, quality: string | undefined, price: ImagePrice): number {
  const qualities = Object.keys(price.microUsdPerImage);
  const q = quality ?? price.defaultQuality;
  if (q === undefined) {
    throw new InvalidUsageError(
      model,
      `an image usage needs its quality (one of ${qualities.join(", ")}): the model has no default`,
    );
  }
  if (q === "auto" || size === "auto") {
    throw new InvalidUsageError(
      model,
      `record the size and quality the response reports; "auto" can only be estimated, not charged`,
    );
  }
  const sizes = price.microUsdPerImage[q];
  if (!sizes) throw new InvalidUsageError(model, `no price for quality "${q}" (priced: ${qualities.join(", ")})`);
  const unit = Object.hasOwn(sizes, size) ? sizes[size] : undefined;
  if (unit === undefined) {
    throw new InvalidUsageError(
      model,
      `no price for size "${size}" at quality "${q}" (priced: ${Object.keys(sizes).join(", ")})`,
    );
  }
  return unit;
}

/**
 * Billed seconds of a transcription: the duration rounded UP to a whole second.
 * OpenAI bills Whisper per second (rounded to the nearest second); rounding up is never below
 * OpenAI's bill and at most one second (100 µ$ for whisper-1, 0.1 token) above it, where charging
 * exact milliseconds would undercharge every duration OpenAI rounds up (61.5 s billed as 62 s).
 */
export function billedSeconds(seconds: number): number {
  return Math.ceil(seconds);
}

/**
 * Seconds of audio: billed seconds × µ$ per second for a per-second model (whisper-1). For a model
 * billed by tokens (gpt-4o-transcribe …), seconds are what is known only before the call or when
 * the provider reported nothing (no answer, no usage): they are priced as the tokens
 * TRANSCRIPTION_HOLD_RATES assumes for that many seconds, exactly what the hold was.
 */
function transcriptionCost(usage: TranscriptionUsage, price: TranscriptionPrice | TranscriptionTokenPrice): bigint {
  if (price.kind === "transcription-tokens")
    return transcriptionTokensCost(heldTranscriptionTokens(usage.seconds), price);
  return BigInt(billedSeconds(usage.seconds)) * BigInt(price.microUsdPerSecond);
}

/**
 * Tokens per second of audio assumed for a transcription billed by tokens when only its duration
 * is known (the hold): 10 audio input tokens a second (how OpenAI tokenises input audio), 4 output
 * tokens a second (a fast speaker's ~180 words a minute) and no prompt. For gpt-4o-transcribe
 * ($6 audio / $10 out per 1M) that is 100 µ$ a second, and for gpt-4o-mini-transcribe ($3 / $5)
 * 50 µ$ a second: OpenAI's own published estimates of $0.006 and $0.003 a minute. An estimate, not
 * a bound: the charge is the usage the response reports.
 */
export const TRANSCRIPTION_HOLD_RATES = { audioInputTokensPerSecond: 10, outputTokensPerSecond: 4 } as const;

/** The tokens TRANSCRIPTION_HOLD_RATES assumes for `seconds` of audio (billed seconds, rounded up). */
export function heldTranscriptionTokens(seconds: number): TranscriptionTokensUsage {
  const billed = billedSeconds(seconds);
  return {
    kind: "transcription-tokens",
    textInputTokens: 0,
    audioInputTokens: billed * TRANSCRIPTION_HOLD_RATES.audioInputTokensPerSecond,
    outputTokens: billed * TRANSCRIPTION_HOLD_RATES.outputTokensPerSecond,
  };
}

/** Text and audio, each split into uncached input, cached input and output, ÷ 1M, rounded up once. */
function realtimeCost(usage: RealtimeUsage, price: RealtimePrice): bigint {
  const cachedText = usage.cachedTextInputTokens ?? 0;
  const cachedAudio = usage.cachedAudioInputTokens ?? 0;
  return tokenCost([
    [usage.textInputTokens - cachedText, price.textInputMicroUsdPer1M],
    [cachedText, price.cachedTextInputMicroUsdPer1M],
    [usage.textOutputTokens, price.textOutputMicroUsdPer1M],
    [usage.audioInputTokens - cachedAudio, price.audioInputMicroUsdPer1M],
    [cachedAudio, price.cachedAudioInputMicroUsdPer1M],
    [usage.audioOutputTokens, price.audioOutputMicroUsdPer1M],
  ]);
}

/**
 * A call as the ledger records it (`token_transactions.usage`, the ledger's UsageBreakdown): the
 * model, the id and source of the price used, the cost in µ$ as a decimal string (exact and
 * JSON-safe; the row's `cost_micro_usd` column holds the same amount as a BigInt) and the counts.
 * Every value is defined, so the record is also a plain JSON object.
 */
export type LedgerUsage = {
  model: string;
  pricedAs: string;
  priceSource: PriceSource;
  costMicroUsd: string;
} & { [detail: string]: string | number | boolean | null };

/** The ledger record of a call whose cost and price are known. */
export function ledgerUsage(model: string, usage: Usage, cost: bigint, resolved: ResolvedPrice): LedgerUsage {
  const head = { model, pricedAs: resolved.pricedAs, priceSource: resolved.source, costMicroUsd: cost.toString() };
  switch (usage.kind) {
    case "text":
      return {
        ...head,
        inputTokens: usage.inputTokens,
        cachedInputTokens: usage.cachedInputTokens ?? 0,
        // Only when reported: an absent count is priced as all uncached input written (textCost).
        ...(usage.cacheWriteInputTokens === undefined ? {} : { cacheWriteInputTokens: usage.cacheWriteInputTokens }),
        outputTokens: usage.outputTokens,
        reasoningTokens: usage.reasoningTokens ?? 0,
      };
    case "image": {
      const quality = usage.quality ?? (resolved.price.kind === "image" ? resolved.price.defaultQuality : undefined);
      const tokens: Record<string, number> = usage.tokens
        ? {
            textInputTokens: usage.tokens.textInput,
            imageInputTokens: usage.tokens.imageInput,
            outputTokens: usage.tokens.output,
          }
        : {};
      return { ...head, images: usage.count, size: usage.size, quality: quality ?? null, ...tokens };
    }
    case "transcription":
      return { ...head, seconds: usage.seconds, billedSeconds: billedSeconds(usage.seconds) };
    case "transcription-tokens":
      return {
        ...head,
        textInputTokens: usage.textInputTokens,
        audioInputTokens: usage.audioInputTokens,
        outputTokens: usage.outputTokens,
      };
    case "realtime":
      return {
        ...head,
        inputTokens: usage.textInputTokens,
        cachedInputTokens: usage.cachedTextInputTokens ?? 0,
        outputTokens: usage.textOutputTokens,
        audioInputTokens: usage.audioInputTokens,
        cachedAudioInputTokens: usage.cachedAudioInputTokens ?? 0,
        audioOutputTokens: usage.audioOutputTokens,
      };
  }
}

/**
 * The ledger's UsageBreakdown of a call: model, price id and source, cost (µ$, decimal string)
 * and counts. Resolves the price again to record which one was used.
 */
export function toUsageBreakdown(model: string, usage: Usage, cost: bigint, options: CostOptions = {}): LedgerUsage {
  return ledgerUsage(model, parseUsage(model, usage), cost, resolvePrice(model, options.overrides));
}

export interface PricedCall {
  cost: bigint;
  usage: LedgerUsage;
  price: ResolvedPrice;
}

/** costOf and toUsageBreakdown in one step (one validation, one price resolution). */
export function priceCall(model: string, usage: Usage, options: CostOptions = {}): PricedCall {
  const parsed = parseUsage(model, usage);
  const price = resolvePrice(model, options.overrides);
  const cost = priceUsage(model, parsed, price);
  return { cost, usage: ledgerUsage(model, parsed, cost, price), price };
}

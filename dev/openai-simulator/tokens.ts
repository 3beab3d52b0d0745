// Token accounting for the simulator: which encoding a model uses, the exact chat-prompt token
// sequence (gpt-tokenizer's ChatML format), image/audio part tokens, the prompt-prefix cache
// behind `cached_tokens`, and the reasoning-token share. Every rule here is documented in README.md.
import { createHash } from "node:crypto";
import o200k from "gpt-tokenizer/encoding/o200k_base";
import { modelToEncodingMap } from "gpt-tokenizer/mapping";
import { ImEnd, ImSep, ImStart } from "gpt-tokenizer/specialTokens";
import { seedFrom } from "./rng";

type GptEncodingApi = typeof o200k;

export interface ModelEncoding {
  readonly name: "o200k_base" | "cl100k_base";
  /** ChatML flavour: gpt-3.5 uses "\n" separators, everything newer uses <|im_sep|>. */
  readonly chatFormat: "gpt-3.5" | "gpt-4";
  /** Encodes text; special-token strings in it are encoded as ordinary text (as the API does). */
  encode(text: string): number[];
  count(text: string): number;
  /** Decodes tokens into text pieces, one per token (empty while a UTF-8 character is incomplete). */
  decodePieces(tokens: readonly number[]): string[];
  readonly imStart: number;
  readonly imSep: number;
  readonly imEnd: number;
}

const ORDINARY = { disallowedSpecial: new Set<string>() };

function wrap(
  api: GptEncodingApi,
  name: ModelEncoding["name"],
  chatFormat: ModelEncoding["chatFormat"],
): ModelEncoding {
  const special = (token: string): number => {
    const ids = api.encode(token, { allowedSpecial: new Set([token]) });
    if (ids.length !== 1) throw new Error(`${name} has no single special token ${token}`);
    return ids[0]!;
  };
  return {
    name,
    chatFormat,
    encode: (text) => api.encode(text, ORDINARY),
    count: (text) => (text.length === 0 ? 0 : api.encode(text, ORDINARY).length),
    decodePieces: (tokens) => [...api.decodeGenerator(tokens)],
    imStart: special(ImStart),
    imSep: special(ImSep),
    imEnd: special(ImEnd),
  };
}

const o200kEncoding = wrap(o200k, "o200k_base", "gpt-4");
let cl100kEncodings: Promise<{ gpt4: ModelEncoding; gpt35: ModelEncoding }> | null = null;

function loadCl100k() {
  cl100kEncodings ??= import("gpt-tokenizer/encoding/cl100k_base").then((m) => ({
    gpt4: wrap(m.default, "cl100k_base", "gpt-4"),
    gpt35: wrap(m.default, "cl100k_base", "gpt-3.5"),
  }));
  return cl100kEncodings;
}

/**
 * The encoding of a model: gpt-tokenizer's model→encoding map, with o200k_base for any model it does
 * not know (gpt-4o, gpt-4.1, gpt-5*, o1/o3/o4 and future models) and for o200k_harmony (gpt-oss);
 * gpt-3.5* and gpt-4 / gpt-4-turbo use cl100k_base.
 */
export async function encodingForModel(model: string): Promise<ModelEncoding> {
  const mapped = (modelToEncodingMap as Record<string, string | undefined>)[model];
  const legacy =
    mapped === "cl100k_base" || /^gpt-3\.5/.test(model) || (/^gpt-4(-|$)/.test(model) && !/^gpt-4(o|\.)/.test(model));
  if (!legacy) return o200kEncoding;
  const cl = await loadCl100k();
  return /^gpt-3\.5/.test(model) ? cl.gpt35 : cl.gpt4;
}

// ---------------------------------------------------------------------------------------------
// Prompt tokenization

/**
 * Image parts whose size the simulator cannot read (a remote URL) cost a fixed amount: `detail: "low"`
 * → 85, anything else → 765 (a 1024×1024 image at high detail: 85 + 4 tiles × 170). A data: URL image
 * is measured and counted by the model's vision rule instead (see `visionTokens` in chat.ts).
 */
export const IMAGE_TOKENS_LOW = 85;
export const IMAGE_TOKENS_HIGH = 765;
/** Audio input parts and gpt-4o-transcribe audio: 10 tokens per second (1 token per 100 ms), rounded up. */
export const AUDIO_TOKENS_PER_SECOND = 10;

export type PromptPart =
  | { kind: "text"; text: string }
  | {
      kind: "image";
      url: string;
      detail: string;
      /** Tokens of this image when its size is known (data: URLs). */ tokens?: number;
    }
  | { kind: "audio"; seconds: number; key: string };

export interface PromptMessage {
  role: string;
  name?: string;
  parts: PromptPart[];
}

export interface PromptTokens {
  /** The token sequence; image/audio parts appear as negative pseudo-token ids (for prefix caching only). */
  tokens: number[];
  textTokens: number;
  imageTokens: number;
  audioTokens: number;
}

export function imageTokens(detail: string): number {
  return detail === "low" ? IMAGE_TOKENS_LOW : IMAGE_TOKENS_HIGH;
}

/**
 * The prompt exactly as gpt-tokenizer's `encodeChat` lays it out —
 * `<|im_start|>{name ?? role}<|im_sep|>{content}<|im_end|>` per message, then `<|im_start|>assistant<|im_sep|>`
 * (gpt-3.5: "\n" instead of <|im_sep|> and after each message) — so for string contents the count equals
 * `countTokens(messages)` of gpt-tokenizer. Text parts of one message are encoded one after another;
 * each image or audio part adds its fixed token count at its position.
 */
export function tokenizePrompt(encoding: ModelEncoding, messages: readonly PromptMessage[]): PromptTokens {
  const tokens: number[] = [];
  let imageCount = 0;
  let audioCount = 0;
  const roleSeparator = encoding.chatFormat === "gpt-3.5" ? encoding.encode("\n") : [encoding.imSep];
  const messageSeparator = encoding.chatFormat === "gpt-3.5" ? encoding.encode("\n") : [];
  const pushAll = (ids: readonly number[]) => {
    for (const id of ids) tokens.push(id);
  };
  for (const message of messages) {
    tokens.push(encoding.imStart);
    pushAll(encoding.encode(message.name ?? message.role));
    pushAll(roleSeparator);
    for (const part of message.parts) {
      if (part.kind === "text") {
        pushAll(encoding.encode(part.text));
      } else {
        const count =
          part.kind === "image"
            ? (part.tokens ?? imageTokens(part.detail))
            : Math.ceil(part.seconds * AUDIO_TOKENS_PER_SECOND);
        const pseudo = -1 - (seedFrom(part.kind === "image" ? `${part.url}|${part.detail}` : part.key) % 1_000_000);
        for (let i = 0; i < count; i++) tokens.push(pseudo);
        if (part.kind === "image") imageCount += count;
        else audioCount += count;
      }
    }
    tokens.push(encoding.imEnd);
    pushAll(messageSeparator);
  }
  tokens.push(encoding.imStart);
  pushAll(encoding.encode("assistant"));
  pushAll(roleSeparator);
  return {
    tokens,
    textTokens: tokens.length - imageCount - audioCount,
    imageTokens: imageCount,
    audioTokens: audioCount,
  };
}

// ---------------------------------------------------------------------------------------------
// Prompt caching

export const CACHE_MIN_TOKENS = 1024;
export const CACHE_BLOCK_TOKENS = 128;

/**
 * OpenAI-like prompt caching, deterministic: the prompt is cut into 128-token blocks and a hash of every
 * block-aligned prefix is remembered (per model, per simulator instance). `cached_tokens` is the longest
 * remembered prefix of the new prompt — a multiple of 128 — when it is at least 1,024 tokens, else 0.
 * So the first request with a prompt never hits; repeating a prompt of n ≥ 1,024 tokens reports
 * floor(n / 128) × 128; sharing a ≥ 1,024-token prefix with an earlier prompt reports that prefix rounded
 * down to 128.
 */
export class PromptPrefixCache {
  private readonly seen = new Set<string>();
  private static readonly MAX_ENTRIES = 500_000;

  lookupAndRemember(scope: string, tokens: readonly number[]): number {
    return this.lookupAndWrite(scope, tokens).cached;
  }

  /**
   * `cached` as lookupAndRemember, and `written`: the block-aligned prefix this prompt puts in the
   * cache beyond what it read from it (⌊n/128⌋×128 − cached once that prefix is ≥ 1,024 tokens,
   * else 0), what a model billing cache writes reports as `cache_write_tokens`. A repeat writes 0.
   */
  lookupAndWrite(scope: string, tokens: readonly number[]): { cached: number; written: number } {
    const hash = createHash("sha256").update(scope);
    const blocks = Math.floor(tokens.length / CACHE_BLOCK_TOKENS);
    const digests: string[] = [];
    let hitBlocks = 0;
    for (let b = 0; b < blocks; b++) {
      const block = Int32Array.from(tokens.slice(b * CACHE_BLOCK_TOKENS, (b + 1) * CACHE_BLOCK_TOKENS));
      hash.update(new Uint8Array(block.buffer));
      const digest = hash.copy().digest("hex");
      digests.push(digest);
      if (hitBlocks === b && this.seen.has(digest)) hitBlocks = b + 1;
    }
    if (this.seen.size + digests.length > PromptPrefixCache.MAX_ENTRIES) this.seen.clear();
    for (const digest of digests) this.seen.add(digest);
    const hit = hitBlocks * CACHE_BLOCK_TOKENS;
    const cached = hit >= CACHE_MIN_TOKENS ? hit : 0;
    const prefix = blocks * CACHE_BLOCK_TOKENS;
    return { cached, written: prefix >= CACHE_MIN_TOKENS ? prefix - cached : 0 };
  }

  clear(): void {
    this.seen.clear();
  }
}

/**
 * Models that bill prompt-cache writes apart (OpenAI's gpt-5.6 and gpt-6 families, their dashed ids
 * and dated snapshots): their usage reports `prompt_tokens_details.cache_write_tokens`. Written here
 * by hand from OpenAI's model pages, never from the product's price data.
 */
export function billsCacheWrites(model: string): boolean {
  return /^gpt-(5\.6|5-6|6)(-|$)/.test(model);
}

// ---------------------------------------------------------------------------------------------
// Reasoning models

/** o-series (o1, o3, o4-mini, …) and gpt-5* except the non-reasoning gpt-5*-chat* models. */
export function isReasoningModel(model: string): boolean {
  if (/^o\d/.test(model)) return true;
  return /^gpt-5/.test(model) && !/-chat/.test(model);
}

/** Reasoning tokens per visible completion token, by `reasoning_effort` (default "medium"). */
export const REASONING_MULTIPLIER: Readonly<Record<string, number>> = {
  none: 0,
  minimal: 0.25,
  low: 0.5,
  medium: 1,
  high: 2,
  xhigh: 3,
};

/** round(visible × multiplier) for reasoning models, 0 otherwise. */
export function plannedReasoningTokens(
  model: string,
  effort: string | null | undefined,
  visibleTokens: number,
): number {
  if (!isReasoningModel(model)) return 0;
  const multiplier = REASONING_MULTIPLIER[effort ?? "medium"] ?? 1;
  return Math.round(visibleTokens * multiplier);
}

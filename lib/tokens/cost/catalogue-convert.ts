// One price of the catalogue (@pydantic/genai-prices) converted to our integer units. The
// package holds each price as a number parsed from a decimal literal of its data; decimalTextOf
// recovers that literal exactly and decimalToMicroUsd turns it into integer µ$ with BigInt
// digits, never multiplying a float (money.ts).
//
// What an entry becomes (everything else is refused with InvalidPriceError naming the
// entry, never guessed):
//   text           input / cache_read / cache_write / output per 1M, with one long-context tier if
//                  it has one (a cache-write price is never below the input price);
//                  web and file-search tool fees are ignored (the app makes no tool calls)
//   realtime       (ids with "realtime") text and audio in / cached / out per 1M
//   transcription  per hour of audio (whisper-1) → µ$ per second; per 1M text in / audio in /
//                  output tokens (ids with "transcribe")
//   image          (ids "gpt-image-…") the token prices (what a reported usage is charged), with
//                  our table of output tokens per image (own-prices.ts) and per-image prices from
//                  it × the image-output price (what the hold and a usage without tokens use)
import type { ModelPrice as SourcePrice } from "@pydantic/genai-prices";
import { CATALOGUE_NAME } from "./catalogue-version";
import { decimalTextOf, decimalToMicroUsd, InvalidPriceError } from "./money";
import { IMAGE_OUTPUT_TOKENS } from "./own-prices";
import type {
  ImagePrice,
  ModelPrice,
  RealtimePrice,
  TextPrice,
  TranscriptionPrice,
  TranscriptionTokenPrice,
} from "./prices";

interface Rate {
  base: number;
  /** The long-context tier: all tokens of a call with more than `above` input tokens pay `micro`. */
  tier?: { above: number; micro: number };
}

function rate(value: SourcePrice[string], where: string, per = 1n): Rate | undefined {
  if (value === undefined) return undefined;
  const micro = (n: number) => decimalToMicroUsd(decimalTextOf(n, where), where, per);
  if (typeof value === "number") return { base: micro(value) };
  if (value.tiers.length !== 1)
    throw new InvalidPriceError(`${where} has ${value.tiers.length} price tiers; this engine bills at most one`);
  const [tier] = value.tiers;
  return { base: micro(value.base), tier: { above: tier!.start, micro: micro(tier!.price) } };
}

/** Keys whose fees are for tool calls the app never makes (web and file search), not for tokens. */
const TOOL_FEES = new Set(["web_searches_kcount", "storage_searches_kcount"]);

function refuseOthers(
  price: SourcePrice,
  known: readonly string[],
  where: string,
  ignored: ReadonlySet<string> = TOOL_FEES,
) {
  const unbilled = Object.keys(price).filter(
    (key) => price[key] !== undefined && !known.includes(key) && !ignored.has(key),
  );
  if (unbilled.length > 0) {
    throw new InvalidPriceError(
      `${where} has prices this engine does not bill (${unbilled.join(", ")}); add an override`,
    );
  }
}

function required(r: Rate | undefined, key: string, where: string): Rate {
  if (!r) throw new InvalidPriceError(`${where} has no ${key}`);
  return r;
}

function flat(r: Rate | undefined, key: string, where: string): number | undefined {
  if (r?.tier)
    throw new InvalidPriceError(`${where} has a tiered ${key}, which this engine bills only for text models`);
  return r?.base;
}

function textPrice(price: SourcePrice, where: string): TextPrice {
  refuseOthers(price, ["input_mtok", "cache_read_mtok", "cache_write_mtok", "output_mtok"], where);
  const input = required(rate(price.input_mtok, `${where} input_mtok`), "input_mtok", where);
  const output = required(rate(price.output_mtok, `${where} output_mtok`), "output_mtok", where);
  const cached = rate(price.cache_read_mtok, `${where} cache_read_mtok`);
  const written = rate(price.cache_write_mtok, `${where} cache_write_mtok`);
  const result: TextPrice = { kind: "text", inputMicroUsdPer1M: input.base, outputMicroUsdPer1M: output.base };
  if (cached) result.cachedInputMicroUsdPer1M = cached.base;
  if (written) result.cacheWriteInputMicroUsdPer1M = written.base;
  const tiers = [input, output, cached, written].filter((r): r is Rate => r !== undefined).map((r) => r.tier);
  if (tiers.some((t) => t !== undefined)) {
    const above = input.tier?.above;
    if (above === undefined || tiers.some((t) => t?.above !== above)) {
      throw new InvalidPriceError(`${where}: its prices change at different input lengths; add an override`);
    }
    result.longContext = {
      aboveInputTokens: above,
      inputMicroUsdPer1M: input.tier!.micro,
      outputMicroUsdPer1M: output.tier!.micro,
    };
    if (cached) result.longContext.cachedInputMicroUsdPer1M = cached.tier!.micro;
    if (written) result.longContext.cacheWriteInputMicroUsdPer1M = written.tier!.micro;
  }
  checkCached(result.inputMicroUsdPer1M, result.cachedInputMicroUsdPer1M, where);
  checkWrite(result.inputMicroUsdPer1M, result.cacheWriteInputMicroUsdPer1M, where);
  if (result.longContext) {
    checkCached(result.longContext.inputMicroUsdPer1M, result.longContext.cachedInputMicroUsdPer1M, where);
    checkWrite(result.longContext.inputMicroUsdPer1M, result.longContext.cacheWriteInputMicroUsdPer1M, where);
  }
  return result;
}

function checkCached(input: number, cached: number | undefined, where: string) {
  if (cached !== undefined && cached > input) {
    throw new InvalidPriceError(
      `${where} lists a cached-input price above its input price; the catalogue entry is wrong, add an override`,
    );
  }
}

/** A cache write below the input price would make charging unreported writes at it undercharge. */
function checkWrite(input: number, written: number | undefined, where: string) {
  if (written !== undefined && written < input) {
    throw new InvalidPriceError(
      `${where} lists a cache-write price below its input price; the catalogue entry is wrong, add an override`,
    );
  }
}

/** Realtime sessions carry no image tokens in our usage (the voice coach sends none): their image prices are not billed. */
const REALTIME_IGNORED = new Set([...TOOL_FEES, "input_image_mtok", "cache_image_read_mtok"]);

function realtimePrice(price: SourcePrice, where: string): RealtimePrice {
  refuseOthers(
    price,
    ["input_mtok", "cache_read_mtok", "output_mtok", "input_audio_mtok", "cache_audio_read_mtok", "output_audio_mtok"],
    where,
    REALTIME_IGNORED,
  );
  const get = (key: string) => flat(rate(price[key], `${where} ${key}`), key, where);
  const need = (key: string) => {
    const value = get(key);
    if (value === undefined) throw new InvalidPriceError(`${where} has no ${key}`);
    return value;
  };
  const textInput = need("input_mtok");
  const audioInput = need("input_audio_mtok");
  const result: RealtimePrice = {
    kind: "realtime",
    textInputMicroUsdPer1M: textInput,
    cachedTextInputMicroUsdPer1M: get("cache_read_mtok") ?? textInput,
    textOutputMicroUsdPer1M: need("output_mtok"),
    audioInputMicroUsdPer1M: audioInput,
    cachedAudioInputMicroUsdPer1M: get("cache_audio_read_mtok") ?? audioInput,
    audioOutputMicroUsdPer1M: need("output_audio_mtok"),
  };
  checkCached(result.textInputMicroUsdPer1M, result.cachedTextInputMicroUsdPer1M, where);
  checkCached(result.audioInputMicroUsdPer1M, result.cachedAudioInputMicroUsdPer1M, where);
  return result;
}

function perSecondPrice(price: SourcePrice, where: string): TranscriptionPrice {
  refuseOthers(price, ["audio_hours", "input_audio_hours"], where);
  const total = flat(rate(price.audio_hours, `${where} audio_hours`, 3600n), "audio_hours", where);
  const input = flat(rate(price.input_audio_hours, `${where} input_audio_hours`, 3600n), "input_audio_hours", where);
  if (total !== undefined && input !== undefined && total !== input) {
    throw new InvalidPriceError(`${where} has different audio_hours and input_audio_hours prices; add an override`);
  }
  return { kind: "transcription", microUsdPerSecond: (input ?? total)! };
}

function transcriptionTokenPrice(price: SourcePrice, where: string): TranscriptionTokenPrice {
  refuseOthers(price, ["input_mtok", "input_audio_mtok", "output_mtok"], where);
  const need = (key: string) => required(rate(price[key], `${where} ${key}`), key, where).base;
  for (const key of ["input_mtok", "input_audio_mtok", "output_mtok"])
    flat(rate(price[key], `${where} ${key}`), key, where);
  return {
    kind: "transcription-tokens",
    textInputMicroUsdPer1M: need("input_mtok"),
    audioInputMicroUsdPer1M: need("input_audio_mtok"),
    outputMicroUsdPer1M: need("output_mtok"),
  };
}

function imagePrice(modelId: string, price: SourcePrice, where: string): ImagePrice {
  refuseOthers(
    price,
    ["input_mtok", "cache_read_mtok", "output_mtok", "input_image_mtok", "cache_image_read_mtok", "output_image_mtok"],
    where,
  );
  const get = (key: string) => flat(rate(price[key], `${where} ${key}`), key, where);
  const textInput = get("input_mtok");
  const imageInput = get("input_image_mtok");
  const imageOutputKey = price.output_image_mtok !== undefined ? "output_image_mtok" : "output_mtok";
  const imageOutput = get(imageOutputKey);
  if (textInput === undefined || imageInput === undefined || imageOutput === undefined) {
    throw new InvalidPriceError(`${where} lacks a text-input, image-input or image-output price`);
  }
  const outputTokens = Object.hasOwn(IMAGE_OUTPUT_TOKENS, modelId) ? IMAGE_OUTPUT_TOKENS[modelId] : undefined;
  if (!outputTokens)
    throw new InvalidPriceError(`${where}: our table has no output tokens per image for "${modelId}"; add an override`);
  const microUsdPerImage: Record<string, Record<string, number>> = {};
  for (const [quality, sizes] of Object.entries(outputTokens)) {
    microUsdPerImage[quality] = {};
    for (const [size, tokens] of Object.entries(sizes)) {
      // tokens × µ$/1M ÷ 1M, rounded up: what one image's output tokens cost.
      microUsdPerImage[quality]![size] = Number((BigInt(tokens) * BigInt(imageOutput) + 999_999n) / 1_000_000n);
    }
  }
  const tokens: NonNullable<ImagePrice["tokens"]> = {
    textInputMicroUsdPer1M: textInput,
    imageInputMicroUsdPer1M: imageInput,
    imageOutputMicroUsdPer1M: imageOutput,
    outputTokensPerImage: structuredClone(outputTokens) as Record<string, Record<string, number>>,
  };
  const cachedText = get("cache_read_mtok");
  const cachedImage = get("cache_image_read_mtok");
  const textOutput = imageOutputKey === "output_image_mtok" ? get("output_mtok") : undefined;
  if (cachedText !== undefined) tokens.cachedTextInputMicroUsdPer1M = cachedText;
  if (cachedImage !== undefined) tokens.cachedImageInputMicroUsdPer1M = cachedImage;
  if (textOutput !== undefined) tokens.textOutputMicroUsdPer1M = textOutput;
  checkCached(textInput, cachedText, where);
  checkCached(imageInput, cachedImage, where);
  return { kind: "image", microUsdPerImage, tokens };
}

/** One catalogue price in our units, by what the model is. */
export function convertCataloguePrice(entryId: string, price: SourcePrice): ModelPrice | null {
  const where = `${CATALOGUE_NAME}: "${entryId}"`;
  if (Object.values(price).every((value) => value === undefined)) return null; // listed without a price
  const keys = Object.keys(price);
  if (keys.some((key) => key.endsWith("_hours"))) return perSecondPrice(price, where);
  if (/realtime/i.test(entryId)) return realtimePrice(price, where);
  if (/transcribe/i.test(entryId)) return transcriptionTokenPrice(price, where);
  if (/^gpt-image-/i.test(entryId)) return imagePrice(entryId, price, where);
  return textPrice(price, where);
}

// The admin pricing page's model price table: for each model the app uses or an admin priced, where
// its price comes from (the pinned catalogue and its date, our own table and its source, or an
// override of the active pricing version) and the price itself in $ per 1M tokens of each kind
// (per image, per minute where that is the unit). Figures are exact: µ$ are written as dollars
// digit by digit, never through a float.
import { FEATURE_MODELS } from "../ai/models";
import {
  CATALOGUE,
  catalogueEntry,
  datedPrices,
  OWN_PRICE_SOURCES,
  parseModelPriceOverrides,
  resolvePrice,
  type ModelPrice,
  type PriceSource,
} from "../tokens/cost";

/**
 * The current OpenAI model families, listed on the page even when no feature uses them, so an
 * admin sees what switching a feature to one of them would cost.
 */
export const CURRENT_OPENAI_MODELS = [
  "gpt-6-astra",
  "gpt-6-sol",
  "gpt-6-luna",
  "gpt-5.6-sol",
  "gpt-5.6-terra",
  "gpt-5.6-luna",
  "gpt-5.5",
  "gpt-5.4",
  "gpt-5.4-mini",
  "gpt-5.4-nano",
  "gpt-5.2",
  "gpt-5.1",
  "gpt-5",
  "gpt-5-mini",
  "gpt-5-nano",
  "gpt-4.1",
  "gpt-4.1-mini",
  "gpt-4.1-nano",
  "gpt-4o",
  "gpt-4o-mini",
  "o3",
  "o3-mini",
  "o4-mini",
  "o1",
  "gpt-realtime",
  "gpt-realtime-mini",
  "gpt-4o-realtime-preview",
  "gpt-4o-mini-realtime-preview",
  "gpt-image-1",
  "dall-e-3",
  "whisper-1",
  "gpt-4o-transcribe",
  "gpt-4o-mini-transcribe",
] as const;

/** One billed kind of a price: "cached input" → "$0.025" per "1M tokens". */
export interface PriceFigure {
  what: string;
  usd: string;
  per: string;
}

export interface ModelPriceRow {
  model: string;
  /** Features whose default model this is. */
  features: string[];
  /** Null when the model cannot be priced (then `problem` says why). */
  source: PriceSource | null;
  /** Where the price comes from, in words. */
  sourceLabel: string;
  /** The id whose price is used (a catalogue entry, a base id for a dated snapshot). */
  pricedAs: string | null;
  figures: PriceFigure[];
  /** Dated catalogue price changes still to come (e.g. "from 2027-01-01"), for catalogue prices. */
  upcoming: string[];
  problem?: string;
}

/** Integer µ$ → dollars, exactly, with at least two decimals: 25,000 → "0.025", 2,000,000 → "2.00". */
export function usdOfMicro(micro: number | bigint): string {
  const value = BigInt(micro);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / 1_000_000n;
  let fraction = (abs % 1_000_000n).toString().padStart(6, "0").replace(/0+$/, "");
  if (fraction.length < 2) fraction = fraction.padEnd(2, "0");
  return `${negative ? "-" : ""}$${whole.toLocaleString("en-US")}.${fraction}`;
}

const per1M = (what: string, micro: number): PriceFigure => ({ what, usd: usdOfMicro(micro), per: "1M tokens" });

/** Every billed kind of a price, in $ per its unit. */
export function priceFigures(price: ModelPrice): PriceFigure[] {
  switch (price.kind) {
    case "text": {
      const figures = [per1M("input", price.inputMicroUsdPer1M)];
      if (price.cachedInputMicroUsdPer1M !== undefined)
        figures.push(per1M("cached input", price.cachedInputMicroUsdPer1M));
      if (price.cacheWriteInputMicroUsdPer1M !== undefined)
        figures.push(per1M("cache write", price.cacheWriteInputMicroUsdPer1M));
      figures.push(per1M("output", price.outputMicroUsdPer1M));
      const long = price.longContext;
      if (long) {
        const above = `above ${long.aboveInputTokens.toLocaleString("en-US")} input tokens:`;
        figures.push(per1M(`${above} input`, long.inputMicroUsdPer1M));
        if (long.cachedInputMicroUsdPer1M !== undefined)
          figures.push(per1M(`${above} cached input`, long.cachedInputMicroUsdPer1M));
        if (long.cacheWriteInputMicroUsdPer1M !== undefined)
          figures.push(per1M(`${above} cache write`, long.cacheWriteInputMicroUsdPer1M));
        figures.push(per1M(`${above} output`, long.outputMicroUsdPer1M));
      }
      return figures;
    }
    case "realtime":
      return [
        per1M("text input", price.textInputMicroUsdPer1M),
        per1M("cached text input", price.cachedTextInputMicroUsdPer1M),
        per1M("text output", price.textOutputMicroUsdPer1M),
        per1M("audio input", price.audioInputMicroUsdPer1M),
        per1M("cached audio input", price.cachedAudioInputMicroUsdPer1M),
        per1M("audio output", price.audioOutputMicroUsdPer1M),
      ];
    case "transcription":
      return [{ what: "audio", usd: usdOfMicro(BigInt(price.microUsdPerSecond) * 60n), per: "minute" }];
    case "transcription-tokens":
      return [
        per1M("text input", price.textInputMicroUsdPer1M),
        per1M("audio input", price.audioInputMicroUsdPer1M),
        per1M("output", price.outputMicroUsdPer1M),
      ];
    case "image": {
      const figures: PriceFigure[] = [];
      const tokens = price.tokens;
      if (tokens) {
        figures.push(per1M("text input", tokens.textInputMicroUsdPer1M));
        if (tokens.cachedTextInputMicroUsdPer1M !== undefined)
          figures.push(per1M("cached text input", tokens.cachedTextInputMicroUsdPer1M));
        figures.push(per1M("image input", tokens.imageInputMicroUsdPer1M));
        if (tokens.cachedImageInputMicroUsdPer1M !== undefined)
          figures.push(per1M("cached image input", tokens.cachedImageInputMicroUsdPer1M));
        figures.push(per1M("image output", tokens.imageOutputMicroUsdPer1M));
        if (tokens.textOutputMicroUsdPer1M !== undefined)
          figures.push(per1M("text output", tokens.textOutputMicroUsdPer1M));
      }
      for (const [quality, sizes] of Object.entries(price.microUsdPerImage)) {
        for (const [size, micro] of Object.entries(sizes))
          figures.push({ what: `${quality} ${size}`, usd: usdOfMicro(micro), per: "image" });
      }
      return figures;
    }
  }
}

/** The models the page lists: the features' defaults, the current families, then every override. */
export function listedModels(overrides: unknown): string[] {
  const ids = [
    ...Object.values(FEATURE_MODELS),
    ...CURRENT_OPENAI_MODELS,
    ...Object.keys(parseModelPriceOverrides(overrides)),
  ];
  return [...new Set(ids)];
}

/**
 * The table of `models` as the active pricing version (`version`, its `overrides`) prices them at
 * `at`. A model that cannot be priced is listed with its problem instead of failing the page.
 */
export function modelPriceRows(
  models: readonly string[],
  pricing: { version: number; modelPriceOverrides: unknown },
  at: Date = new Date(),
): ModelPriceRow[] {
  const features = (model: string) =>
    Object.entries(FEATURE_MODELS)
      .filter(([, m]) => m === model)
      .map(([slug]) => slug);
  return models.map((model) => {
    try {
      const resolved = resolvePrice(model, pricing.modelPriceOverrides, at);
      const upcoming: string[] = [];
      let sourceLabel: string;
      if (resolved.source === "override") {
        sourceLabel = `override in pricing version ${pricing.version}`;
      } else if (resolved.source === "table") {
        sourceLabel = `our own table: ${OWN_PRICE_SOURCES[resolved.pricedAs as keyof typeof OWN_PRICE_SOURCES] ?? "no source noted"}`;
      } else {
        sourceLabel = `catalogue ${CATALOGUE.package}@${CATALOGUE.version} of ${CATALOGUE.date}`;
        const entry = catalogueEntry(resolved.pricedAs);
        for (const dated of entry ? datedPrices(entry) : []) {
          if (dated.from !== undefined && new Date(dated.from).getTime() > at.getTime())
            upcoming.push(`new price from ${dated.from}`);
        }
      }
      return {
        model,
        features: features(model),
        source: resolved.source,
        sourceLabel,
        pricedAs: resolved.pricedAs,
        figures: priceFigures(resolved.price),
        upcoming,
      };
    } catch (error) {
      return {
        model,
        features: features(model),
        source: null,
        sourceLabel: "no price",
        pricedAs: null,
        figures: [],
        upcoming: [],
        problem: (error as Error).message,
      };
    }
  });
}

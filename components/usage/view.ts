// Shapes the server's usage series for the page: feature titles from the AI registry, a colour per
// series, and the chart's rows as plain numbers (tokens) — what may cross to the client component.
// The tables keep the exact BigInt millitokens and are rendered on the server.
import { aiFeature, isFeatureSlug, type FeatureSlug } from "@/lib/ai/registry";
import type { UsageDimension, UsageSeries } from "@/lib/tokens/usage";

/**
 * Series colours: each at least 3:1 against white (WCAG non-text contrast; labels are dark text, not
 * these colours). A feature keeps its colour in every range; hues that are alike (orange, red,
 * brown) go to features unlikely to share a chart. Models take MODEL_COLOURS in order of use,
 * most distinct first.
 */
const FEATURE_COLOURS: Record<FeatureSlug, string> = {
  chat: "#2563eb", // blue-600
  "activity-analyzer": "#15803d", // green-700
  "meal-analyzer": "#ea580c", // orange-600
  "scan-estimate": "#7c3aed", // violet-600
  "scan-refine-morphs": "#a16207", // yellow-700
  "generate-training-illustration": "#db2777", // pink-600
  "fridge-scan-vision": "#0d9488", // teal-600
  "recipe-generator": "#475569", // slate-600
  "voice-coach-realtime": "#78350f", // amber-900
  transcribe: "#dc2626", // red-600
};

export const MODEL_COLOURS = [
  "#2563eb",
  "#ea580c",
  "#15803d",
  "#7c3aed",
  "#db2777",
  "#0d9488",
  "#a16207",
  "#475569",
  "#dc2626",
  "#78350f",
] as const;

/** A feature the registry does not know (e.g. an app's own route): neutral grey. */
const OTHER_COLOUR = "#71717a"; // zinc-500

/** A series key in words: a feature's or a model's title (English by default; the page passes its own). */
export type SeriesTitle = (key: string) => string;

export function featureTitle(slug: string): string {
  if (slug === "") return "Other";
  return isFeatureSlug(slug) ? aiFeature(slug).title : slug;
}

export function modelTitle(model: string): string {
  return model === "" ? "Unknown model" : model;
}

export interface ChartSeries {
  /** The data key in each row ("s0", "s1", …): never a user-controlled string. */
  dataKey: string;
  label: string;
  colour: string;
}

/**
 * One day of a chart: the day ("YYYY-MM-DD") and each used series' tokens (millitokens ÷ 1000).
 * Every day has a row (an empty day is an empty bar); a series unused that day is left out, so the
 * tooltip lists only what was used.
 */
export type ChartRow = { day: string } & { [dataKey: string]: number | string };

export interface ChartView {
  series: ChartSeries[];
  rows: ChartRow[];
}

/** Millitokens → tokens, for the chart's geometry only (the tables show the exact figures). */
const tokens = (millitokens: bigint) => Number(millitokens) / 1000;

export function chartView(
  series: UsageSeries,
  dimension: UsageDimension,
  title: SeriesTitle = dimension === "feature" ? featureTitle : modelTitle,
): ChartView {
  const described = series.keys.map((key, index) => ({
    dataKey: `s${index}`,
    label: title(key),
    colour:
      dimension === "feature"
        ? isFeatureSlug(key)
          ? FEATURE_COLOURS[key]
          : OTHER_COLOUR
        : MODEL_COLOURS[index % MODEL_COLOURS.length]!,
  }));
  return {
    series: described,
    rows: series.days.map(({ day, amounts }) => {
      const row: ChartRow = { day };
      amounts.forEach((amount, index) => {
        if (amount !== 0n) row[`s${index}`] = tokens(amount);
      });
      return row;
    }),
  };
}

/** The table's rows: every (day, key) with usage, oldest day first, then the series' order. */
export function tableRows(
  series: UsageSeries,
  dimension: UsageDimension,
  label: SeriesTitle = dimension === "feature" ? featureTitle : modelTitle,
): { day: string; label: string; millitokens: bigint }[] {
  return series.days.flatMap(({ day, amounts }) =>
    amounts.flatMap((amount, index) =>
      amount === 0n ? [] : [{ day, label: label(series.keys[index]!), millitokens: amount }],
    ),
  );
}

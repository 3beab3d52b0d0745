// Shapes the server's usage series for the page: feature titles from the AI registry, a colour per
// series, and the chart's rows as plain numbers (tokens) — what may cross to the client component.
// The tables keep the exact BigInt millitokens and are rendered on the server.
import { AI_FEATURES, aiFeature, isFeatureSlug } from "@/lib/ai/registry";
import type { UsageDimension, UsageSeries } from "@/lib/tokens/usage";

/**
 * Ten hues, each at least 3:1 against white (WCAG non-text contrast), adjacent ones far apart.
 * Features keep the colour of their place in the registry, so a feature looks the same in every
 * range; models take them in order of use.
 */
export const SERIES_COLOURS = [
  "#2563eb", // blue-600
  "#b45309", // amber-700
  "#047857", // emerald-700
  "#e11d48", // rose-600
  "#7c3aed", // violet-600
  "#0e7490", // cyan-700
  "#4d7c0f", // lime-700
  "#c2410c", // orange-700
  "#a21caf", // fuchsia-700
  "#475569", // slate-600
] as const;

const FEATURE_INDEX = new Map(AI_FEATURES.map((feature, index) => [feature.slug as string, index]));

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

export function chartView(series: UsageSeries, dimension: UsageDimension): ChartView {
  const described = series.keys.map((key, index) => ({
    dataKey: `s${index}`,
    label: dimension === "feature" ? featureTitle(key) : modelTitle(key),
    colour:
      dimension === "feature"
        ? SERIES_COLOURS[(FEATURE_INDEX.get(key) ?? index) % SERIES_COLOURS.length]!
        : SERIES_COLOURS[index % SERIES_COLOURS.length]!,
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
export function tableRows(series: UsageSeries, dimension: UsageDimension): { day: string; label: string; millitokens: bigint }[] {
  const label = dimension === "feature" ? featureTitle : modelTitle;
  return series.days.flatMap(({ day, amounts }) =>
    amounts.flatMap((amount, index) => (amount === 0n ? [] : [{ day, label: label(series.keys[index]!), millitokens: amount }])),
  );
}

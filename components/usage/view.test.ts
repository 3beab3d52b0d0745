import { describe, expect, it } from "vitest";
import type { UsageSeries } from "@/lib/tokens/usage";
import { chartView, featureTitle, modelTitle, tableRows } from "./view";

const series: UsageSeries = {
  keys: ["recipe-generator", "activity-analyzer", "my-own-route", ""],
  totals: [1_500n, 655n, 20n, 1n],
  days: [
    { day: "2026-11-22", amounts: [0n, 0n, 0n, 0n], total: 0n },
    { day: "2026-11-23", amounts: [1_140n, 655n, 0n, 1n], total: 1_796n },
    { day: "2026-11-24", amounts: [360n, 0n, 20n, 0n], total: 380n },
  ],
};

describe("usage view", () => {
  it("names features by their registry title and models by name", () => {
    expect(featureTitle("recipe-generator")).toBe("Recipe generator");
    expect(featureTitle("my-own-route")).toBe("my-own-route");
    expect(featureTitle("")).toBe("Other");
    expect(modelTitle("gpt-5-mini")).toBe("gpt-5-mini");
    expect(modelTitle("")).toBe("Unknown model");
  });

  it("makes chart rows of plain numbers (tokens), every day present, unused series left out", () => {
    const view = chartView(series, "feature");
    expect(view.series.map((s) => [s.dataKey, s.label])).toEqual([
      ["s0", "Recipe generator"],
      ["s1", "Activity analyzer"],
      ["s2", "my-own-route"],
      ["s3", "Other"],
    ]);
    expect(view.rows).toEqual([
      { day: "2026-11-22" },
      { day: "2026-11-23", s0: 1.14, s1: 0.655, s3: 0.001 },
      { day: "2026-11-24", s0: 0.36, s2: 0.02 },
    ]);
    // JSON-safe: nothing that cannot cross to a client component
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
  });

  it("gives a feature the same colour whatever its rank, and distinct colours to the series of a chart", () => {
    const a = chartView(series, "feature").series;
    const b = chartView(
      { ...series, keys: ["activity-analyzer", "recipe-generator", "my-own-route", ""] },
      "feature",
    ).series;
    expect(a[0]!.colour).toBe(b[1]!.colour);
    expect(a[1]!.colour).toBe(b[0]!.colour);
    expect(
      new Set(chartView({ ...series, keys: ["a", "b", "c", "d"] }, "model").series.map((s) => s.colour)).size,
    ).toBe(4);
  });

  it("lists the table's non-zero figures, exact, oldest day first", () => {
    expect(tableRows(series, "feature")).toEqual([
      { day: "2026-11-23", label: "Recipe generator", millitokens: 1_140n },
      { day: "2026-11-23", label: "Activity analyzer", millitokens: 655n },
      { day: "2026-11-23", label: "Other", millitokens: 1n },
      { day: "2026-11-24", label: "Recipe generator", millitokens: 360n },
      { day: "2026-11-24", label: "my-own-route", millitokens: 20n },
    ]);
  });
});

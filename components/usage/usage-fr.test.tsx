// The usage page's parts in French: the range links, the chart's feature titles and totals, and the
// monthly report's month names.
import { describe, expect, it } from "vitest";
import { renderIntl, textOf } from "@/test/support/render-intl";
import { ChartSection } from "./chart-section";
import { RangeToggle } from "./range-toggle";
import { ReportForm } from "./report-form";

const NNBSP = "\u202f";

describe("usage components in French", () => {
  it("names the ranges and the report months in French", () => {
    expect(textOf(renderIntl(<RangeToggle current={30} />))).toContain("|30 jours|90 jours|");
    const report = textOf(renderIntl(<ReportForm months={["2026-12", "2026-11"]} />));
    expect(report).toContain("|Rapport mensuel|");
    expect(report).toContain("|décembre 2026|novembre 2026|");
    expect(report).toContain("|Télécharger le CSV|");
  });

  it("titles the chart's features in French, with the total in French formats", () => {
    const series = {
      keys: ["meal-analyzer", "my-own-route", ""],
      totals: [1_234_500n, 1_000n, 2_000n],
      days: [{ day: "2026-12-01", amounts: [1_234_500n, 1_000n, 2_000n], total: 1_237_500n }],
    };
    const text = textOf(renderIntl(<ChartSection series={series} dimension="feature" days={30} total={1_237_500n} />));
    expect(text).toContain("Analyse de repas");
    expect(text).toContain("|my-own-route|");
    expect(text).toContain("|Autre|");
    expect(text).toContain(`1${NNBSP}238 jetons`);
    expect(text).not.toContain("Meal analyzer");
  });
});

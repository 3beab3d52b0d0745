// One usage chart with its heading, its legend (series titles) and its text alternative (table).
import { useLocale, useTranslations } from "next-intl";
import { formatTokens, shownTokens } from "@/lib/format";
import type { UsageDimension, UsageSeries } from "@/lib/tokens/usage";
import { UsageChart } from "./usage-chart";
import { UsageTable } from "./usage-table";
import { isFeatureSlug } from "@/lib/ai/registry";
import { chartView, tableRows, type SeriesTitle } from "./view";

export function ChartSection({
  series,
  dimension,
  days,
  total,
}: {
  series: UsageSeries;
  dimension: UsageDimension;
  days: number;
  total: bigint;
}) {
  const t = useTranslations("usage.chart");
  const locale = useLocale();
  const words = { title: t(`${dimension}.title`), column: t(`${dimension}.column`) };
  const id = `chart-${dimension}`;
  const caption = t("caption", { dimension, days });
  const tu = useTranslations("usage");
  const tf = useTranslations("features");
  // Feature slugs the registry knows by their translated title; an app's own route keeps its slug.
  const title: SeriesTitle =
    dimension === "feature"
      ? (key) => (key === "" ? tu("other") : isFeatureSlug(key) ? tf(`${key}.title`) : key)
      : (key) => (key === "" ? tu("unknownModel") : key);
  const view = chartView(series, dimension, title);
  return (
    <section
      aria-labelledby={`${id}-heading`}
      className="min-w-0 rounded-lg border border-zinc-200 bg-white p-4 sm:p-5"
      data-testid={id}
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id={`${id}-heading`} className="text-base font-semibold">
          {words.title}
        </h3>
        <p className="text-sm text-zinc-600">
          {t("total", { amount: formatTokens(total, locale), count: shownTokens(total) })}
        </p>
      </div>
      {series.keys.length === 0 ? (
        <p className="mt-3 text-sm text-zinc-600">{t("none", { days })}</p>
      ) : (
        <>
          <figure className="mt-3" aria-labelledby={`${id}-caption`}>
            <figcaption id={`${id}-caption`} className="sr-only">
              {t("figcaption", { caption })}
            </figcaption>
            <UsageChart rows={view.rows} series={view.series} label={caption} />
          </figure>
          <UsageTable
            caption={caption}
            column={words.column}
            rows={tableRows(series, dimension, title)}
            total={total}
          />
        </>
      )}
    </section>
  );
}

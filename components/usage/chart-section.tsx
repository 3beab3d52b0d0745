// One usage chart with its heading, its legend (series titles) and its text alternative (table).
import { formatTokensWithUnit } from "@/lib/format";
import type { UsageDimension, UsageSeries } from "@/lib/tokens/usage";
import { UsageChart } from "./usage-chart";
import { UsageTable } from "./usage-table";
import { chartView, tableRows } from "./view";

const WORDS: Record<UsageDimension, { title: string; column: string }> = {
  feature: { title: "By feature", column: "Feature" },
  model: { title: "By model", column: "Model" },
};

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
  const words = WORDS[dimension];
  const id = `chart-${dimension}`;
  const caption = `Tokens used per day by ${dimension}, last ${days} days (UTC)`;
  const view = chartView(series, dimension);
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
        <p className="text-sm text-zinc-600">{formatTokensWithUnit(total)} in all</p>
      </div>
      {series.keys.length === 0 ? (
        <p className="mt-3 text-sm text-zinc-600">No usage in the last {days} days.</p>
      ) : (
        <>
          <figure className="mt-3" aria-labelledby={`${id}-caption`}>
            <figcaption id={`${id}-caption`} className="sr-only">
              {caption}; the figures are in the table below.
            </figcaption>
            <UsageChart rows={view.rows} series={view.series} label={caption} />
          </figure>
          <UsageTable caption={caption} column={words.column} rows={tableRows(series, dimension)} total={total} />
        </>
      )}
    </section>
  );
}

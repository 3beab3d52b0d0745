"use client";
// A stacked bar chart of tokens per day (recharts). Receives plain numbers and strings only; the
// same figures are in the data table next to it, which is the text alternative.
import { useLocale, useTranslations } from "next-intl";
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { dateTimeFormat, formatCompactCount, numberFormat } from "@/lib/format";
import type { ChartRow, ChartSeries } from "./view";

const dayLabel = (locale: string, day: string, withYear = false) =>
  dateTimeFormat(locale, {
    month: "short",
    day: "numeric",
    ...(withYear ? { year: "numeric" } : {}),
    timeZone: "UTC",
  }).format(new Date(`${day}T00:00:00Z`));

/** Axis ticks: small values with up to two decimals (0.25, not a rounded 0.3), large ones compact. */
const tick = (locale: string, value: number) =>
  value >= 1000
    ? formatCompactCount(value, locale)
    : numberFormat(locale, { maximumFractionDigits: value >= 10 ? 0 : 2 }).format(value);

const tokensAmount = (locale: string, value: number) =>
  numberFormat(locale, { maximumFractionDigits: value >= 100 ? 0 : 1 }).format(value);

export function UsageChart({ rows, series, label }: { rows: ChartRow[]; series: ChartSeries[]; label: string }) {
  const locale = useLocale();
  const tc = useTranslations("common");
  const tokensLabel = (value: number) => tc("tokensWithUnit", { amount: tokensAmount(locale, value), count: value });
  return (
    <BarChart
      responsive
      data={rows}
      style={{ width: "100%", height: 280 }}
      margin={{ top: 8, right: 4, bottom: 0, left: 0 }}
      // Proportional gaps: a fixed pixel gap would leave hairline bars for 90 days on a phone.
      barCategoryGap={rows.length > 45 ? "8%" : "15%"}
      title={label}
    >
      <CartesianGrid vertical={false} stroke="#e4e4e7" />
      <XAxis
        dataKey="day"
        tickFormatter={(day: string) => dayLabel(locale, day)}
        minTickGap={24}
        tick={{ fill: "#52525b", fontSize: 12 }}
      />
      <YAxis
        width={44}
        tickFormatter={(value: number) => tick(locale, value)}
        tick={{ fill: "#52525b", fontSize: 12 }}
        allowDecimals
      />
      <Tooltip
        labelFormatter={(day) => dayLabel(locale, String(day), true)}
        formatter={(value) => tokensLabel(Number(value))}
        cursor={{ fill: "#f4f4f5" }}
        itemStyle={{ color: "#27272a" }}
      />
      {/* In the order of the series (largest first, the bottom of each stack), not alphabetical. */}
      <Legend
        itemSorter={null}
        wrapperStyle={{ fontSize: 13, paddingTop: 8 }}
        formatter={(value: string) => <span style={{ color: "#27272a" }}>{value}</span>}
      />
      {series.map((s) => (
        <Bar
          key={s.dataKey}
          dataKey={s.dataKey}
          name={s.label}
          stackId="day"
          fill={s.colour}
          stroke="#ffffff"
          strokeWidth={rows.length > 45 ? 0 : 1}
          isAnimationActive={false}
        />
      ))}
    </BarChart>
  );
}

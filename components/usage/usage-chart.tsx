"use client";
// A stacked bar chart of tokens per day (recharts). Receives plain numbers and strings only; the
// same figures are in the data table next to it, which is the text alternative.
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { formatCompactCount } from "@/lib/format";
import type { ChartRow, ChartSeries } from "./view";

const dayLabel = (day: string, withYear = false) =>
  new Intl.DateTimeFormat("en-US", {
    month: "short",
    day: "numeric",
    ...(withYear ? { year: "numeric" } : {}),
    timeZone: "UTC",
  }).format(new Date(`${day}T00:00:00Z`));

/** Axis ticks: small values with up to two decimals (0.25, not a rounded 0.3), large ones compact. */
const tick = (value: number) =>
  value >= 1000
    ? formatCompactCount(value)
    : new Intl.NumberFormat("en-US", { maximumFractionDigits: value >= 10 ? 0 : 2 }).format(value);

const tokensLabel = (value: number) =>
  `${new Intl.NumberFormat("en-US", { maximumFractionDigits: value >= 100 ? 0 : 1 }).format(value)} tokens`;

export function UsageChart({ rows, series, label }: { rows: ChartRow[]; series: ChartSeries[]; label: string }) {
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
        tickFormatter={(day: string) => dayLabel(day)}
        minTickGap={24}
        tick={{ fill: "#52525b", fontSize: 12 }}
      />
      <YAxis width={44} tickFormatter={tick} tick={{ fill: "#52525b", fontSize: 12 }} allowDecimals />
      <Tooltip
        labelFormatter={(day) => dayLabel(String(day), true)}
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

"use client";
// A stacked bar chart of tokens per day (recharts). Receives plain numbers and strings only; the
// same figures are in the data table next to it, which is the text alternative.
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { formatCompactCount } from "@/lib/format";
import type { ChartRow, ChartSeries } from "./view";

const dayLabel = (day: string, withYear = false) =>
  new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", ...(withYear ? { year: "numeric" } : {}), timeZone: "UTC" }).format(
    new Date(`${day}T00:00:00Z`),
  );

const tokensLabel = (value: number) =>
  `${new Intl.NumberFormat("en-US", { maximumFractionDigits: value >= 100 ? 0 : 1 }).format(value)} tokens`;

export function UsageChart({ rows, series, label }: { rows: ChartRow[]; series: ChartSeries[]; label: string }) {
  return (
    <BarChart
      responsive
      data={rows}
      style={{ width: "100%", height: 280 }}
      margin={{ top: 8, right: 4, bottom: 0, left: 0 }}
      barCategoryGap={rows.length > 45 ? 1 : "15%"}
      title={label}
    >
      <CartesianGrid vertical={false} stroke="#e4e4e7" />
      <XAxis dataKey="day" tickFormatter={(day: string) => dayLabel(day)} minTickGap={24} tick={{ fill: "#52525b", fontSize: 12 }} />
      <YAxis width={44} tickFormatter={(value: number) => formatCompactCount(value)} tick={{ fill: "#52525b", fontSize: 12 }} allowDecimals />
      <Tooltip
        labelFormatter={(day) => dayLabel(String(day), true)}
        formatter={(value) => tokensLabel(Number(value))}
        cursor={{ fill: "#f4f4f5" }}
      />
      <Legend wrapperStyle={{ fontSize: 13, paddingTop: 8 }} />
      {series.map((s) => (
        <Bar key={s.dataKey} dataKey={s.dataKey} name={s.label} stackId="day" fill={s.colour} isAnimationActive={false} />
      ))}
    </BarChart>
  );
}

import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { dailyUsage, parseUsageRange, periodUsage, reportMonths } from "@/lib/tokens/usage";
import { ChartSection } from "@/components/usage/chart-section";
import { PeriodMeter } from "@/components/usage/period-meter";
import { RangeToggle } from "@/components/usage/range-toggle";
import { ReportForm } from "@/components/usage/report-form";

export const metadata: Metadata = { title: "Usage" };

export default async function UsagePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser("/usage");
  const range = parseUsageRange((await searchParams).range);
  const now = new Date();
  const [period, daily, months] = await Promise.all([
    periodUsage(db(), user.id, now),
    dailyUsage(db(), user.id, { days: range, now }),
    reportMonths(db(), user.id, now),
  ]);

  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Usage</h1>
      <div className="mt-6 space-y-6">
        {period ? <PeriodMeter period={period} now={now} /> : <p className="text-zinc-700">No token account.</p>}
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 className="text-lg font-semibold">Tokens used per day</h2>
          <RangeToggle current={range} />
        </div>
        <ChartSection series={daily.byFeature} dimension="feature" days={range} total={daily.total} />
        <ChartSection series={daily.byModel} dimension="model" days={range} total={daily.total} />
        <ReportForm months={months} />
      </div>
    </>
  );
}

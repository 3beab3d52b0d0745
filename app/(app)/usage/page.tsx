import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { dailyUsage, parseUsageRange, periodUsage, reportMonths } from "@/lib/tokens/usage";
import { ChartSection } from "@/components/usage/chart-section";
import { PeriodMeter } from "@/components/usage/period-meter";
import { RangeToggle } from "@/components/usage/range-toggle";
import { ReportForm } from "@/components/usage/report-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("usage"))("title") };
}

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
  const t = await getTranslations("usage");

  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
      <div className="mt-6 space-y-6">
        {period ? <PeriodMeter period={period} now={now} /> : <p className="text-zinc-700">{t("noAccount")}</p>}
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 className="text-lg font-semibold">{t("perDay")}</h2>
          <RangeToggle current={range} />
        </div>
        <ChartSection series={daily.byFeature} dimension="feature" days={range} total={daily.total} />
        <ChartSection series={daily.byModel} dimension="model" days={range} total={daily.total} />
        <ReportForm months={months} />
      </div>
    </>
  );
}

// Admin overview: the business figures of one month (lib/admin/business.ts) and its CSV report.
// Checks the admin role itself; the month and rate come from the query (GET form) and are validated.
import type { Metadata } from "next";
import { BusinessFigures } from "@/components/admin/business-figures";
import { businessReport, currentMonth, parseBusinessParams } from "@/lib/admin/business";
import { requireAdmin } from "@/lib/auth/admin";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Overview" };

export default async function AdminOverviewPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdmin("/admin");
  const raw = await searchParams;
  const params = new URLSearchParams();
  for (const key of ["month", "rate"] as const) if (typeof raw[key] === "string") params.set(key, raw[key]);
  const defaultRate = env().ADMIN_USD_TO_EUR;
  const parsed = parseBusinessParams(params, { defaultRate });
  const month = parsed.ok ? parsed.month : currentMonth();
  const rateText = parsed.ok ? parsed.rate.text : defaultRate;
  const report = parsed.ok ? await businessReport(db(), { month: parsed.month, rate: parsed.rate }) : null;
  const csvHref = `/api/admin/business/report?${new URLSearchParams({ month, rate: rateText })}`;

  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight text-zinc-900">Business</h1>
      <form method="get" className="mt-4 flex flex-wrap items-end gap-3" aria-label="Report settings">
        <label className="text-sm text-zinc-700">
          Month
          <input
            name="month"
            type="month"
            defaultValue={month}
            required
            className="mt-1 block rounded-md border border-zinc-300 px-2 py-1.5 text-zinc-900"
          />
        </label>
        <label className="text-sm text-zinc-700">
          € per $ (default {defaultRate})
          <input
            name="rate"
            inputMode="decimal"
            defaultValue={rateText}
            className="mt-1 block w-28 rounded-md border border-zinc-300 px-2 py-1.5 text-zinc-900"
          />
        </label>
        <button className="rounded-md bg-zinc-900 px-3 py-2 text-sm font-medium text-white hover:bg-zinc-700">
          Show
        </button>
        <a
          href={csvHref}
          download
          className="rounded-md border border-zinc-300 px-3 py-2 text-sm font-medium text-zinc-900 hover:bg-zinc-100"
        >
          Download CSV
        </a>
      </form>
      {!parsed.ok && (
        <p role="alert" className="mt-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {parsed.message}
        </p>
      )}
      {report && <BusinessFigures report={report} reconciliationConfigured={Boolean(env().OPENAI_ADMIN_KEY)} />}
    </>
  );
}

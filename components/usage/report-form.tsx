// The monthly report download: a plain GET form to the report route, which answers with a CSV
// attachment (the page stays where it is; works without JavaScript).
import { useLocale, useTranslations } from "next-intl";
import { dateTimeFormat } from "@/lib/format";
import { monthBounds } from "@/lib/tokens/usage";

// A report month is a UTC month (as the report counts it), so it is named in UTC, in the user's language.
const monthName = (month: string, locale: string) =>
  dateTimeFormat(locale, { month: "long", year: "numeric", timeZone: "UTC" }).format(monthBounds(month).start);

export function ReportForm({ months }: { months: string[] }) {
  const t = useTranslations("usage.report");
  const locale = useLocale();
  return (
    <section aria-labelledby="report-heading" className="rounded-lg border border-zinc-200 bg-white p-4 sm:p-5">
      <h2 id="report-heading" className="text-lg font-semibold">
        {t("heading")}
      </h2>
      <p className="mt-1 text-sm text-zinc-600">{t("intro")}</p>
      <form method="get" action="/api/tokens/usage-report" className="mt-3 flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-sm font-medium">
          {t("month")}
          <select
            name="month"
            defaultValue={months[0]}
            className="rounded-md border border-zinc-300 bg-white px-3 py-2 font-normal"
          >
            {months.map((month) => (
              <option key={month} value={month}>
                {monthName(month, locale)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="submit"
          className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-900"
        >
          {t("download")}
        </button>
      </form>
    </section>
  );
}

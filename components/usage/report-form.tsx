// The monthly report download: a plain GET form to the report route, which answers with a CSV
// attachment (the page stays where it is; works without JavaScript).
import { monthBounds } from "@/lib/tokens/usage";

const monthName = (month: string) =>
  new Intl.DateTimeFormat("en-US", { month: "long", year: "numeric", timeZone: "UTC" }).format(
    monthBounds(month).start,
  );

export function ReportForm({ months }: { months: string[] }) {
  return (
    <section aria-labelledby="report-heading" className="rounded-lg border border-zinc-200 bg-white p-4 sm:p-5">
      <h2 id="report-heading" className="text-lg font-semibold">
        Monthly report
      </h2>
      <p className="mt-1 text-sm text-zinc-600">
        A CSV file with every day, feature and model of the month: calls, input, cached and output tokens, images,
        seconds, the cost in US dollars and the tokens charged, with the month&apos;s totals. Days are UTC.
      </p>
      <form method="get" action="/api/tokens/usage-report" className="mt-3 flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-sm font-medium">
          Month
          <select
            name="month"
            defaultValue={months[0]}
            className="rounded-md border border-zinc-300 bg-white px-3 py-2 font-normal"
          >
            {months.map((month) => (
              <option key={month} value={month}>
                {monthName(month)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="submit"
          className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-900"
        >
          Download CSV
        </button>
      </form>
    </section>
  );
}

// The transaction history: a filter form that works without JavaScript (GET, search params), the
// rows in words with date and time, keyset pages ("Older" carries the cursor), and the CSV export
// of everything matching the filters. A table on wide screens; stacked rows on a phone (the table
// keeps its roles explicitly, so screen readers still get a table when CSS changes its display).
import Link from "next/link";
import { useLocale, useTimeZone, useTranslations } from "next-intl";
import { DEFAULT_TIME_ZONE } from "@/lib/i18n/config";
import { AI_FEATURES } from "@/lib/ai/registry";
import { SETTINGS_PATH } from "@/lib/billing/urls";
import { historyQuery, type HistoryParams } from "@/lib/history/filters";
import type { HistoryView } from "@/lib/history/view";
import { formatDateTime } from "@/lib/format";
import { TRANSACTION_KINDS } from "@/lib/tokens/ledger";

export const EXPORT_PATH = "/api/tokens/history/export";

const selectClass =
  "mt-1 block w-full rounded-md border border-zinc-300 bg-white px-2 py-2 text-sm text-zinc-900 focus-visible:border-brand-600";
const linkButton =
  "inline-flex items-center justify-center rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm font-medium text-zinc-900 hover:bg-zinc-50";

export function HistorySection({
  view,
  params,
  error,
}: {
  view: HistoryView;
  params: HistoryParams;
  /** The search param that was refused (the history is then shown without the filters). */
  error: keyof HistoryParams | null;
}) {
  const t = useTranslations("history");
  const tf = useTranslations("features");
  const filtered = Boolean(params.kind || params.feature);
  const locale = useLocale();
  const timeZone = useTimeZone() ?? DEFAULT_TIME_ZONE;
  const filters = { kind: params.kind, feature: params.feature };
  return (
    <section aria-labelledby="history-heading" className="mt-10" id="history">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="history-heading" className="text-lg font-semibold">
          {t("heading")}
        </h2>
        <a href={`${EXPORT_PATH}${historyQuery(filters)}`} download className={linkButton} data-testid="history-export">
          {t("download", { filtered: String(filtered) })}
        </a>
      </div>

      <form
        method="get"
        action={`${SETTINGS_PATH}#history`}
        className="mt-3 grid gap-3 rounded-lg border border-zinc-200 bg-white p-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end"
      >
        <div>
          <label htmlFor="history-kind" className="text-sm font-medium text-zinc-800">
            {t("type")}
          </label>
          <select id="history-kind" name="kind" defaultValue={params.kind ?? ""} className={selectClass}>
            <option value="">{t("allTypes")}</option>
            {TRANSACTION_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {t(`kind.${kind}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="history-feature" className="text-sm font-medium text-zinc-800">
            {t("feature")}
          </label>
          <select id="history-feature" name="feature" defaultValue={params.feature ?? ""} className={selectClass}>
            <option value="">{t("allFeatures")}</option>
            {AI_FEATURES.map((feature) => (
              <option key={feature.slug} value={feature.slug}>
                {tf(`${feature.slug}.title`)}
              </option>
            ))}
          </select>
        </div>
        <div className="flex gap-2">
          <button
            type="submit"
            className="rounded-md bg-zinc-900 px-4 py-2 text-sm font-medium text-white hover:bg-zinc-700"
          >
            {t("filter")}
          </button>
          {filtered && (
            <Link href={`${SETTINGS_PATH}#history`} className={linkButton}>
              {t("clear")}
            </Link>
          )}
        </div>
      </form>

      {error && (
        <p
          role="alert"
          className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900"
          data-testid="history-error"
        >
          {t("filterError", { field: error })}
        </p>
      )}

      {view.entries.length === 0 ? (
        <p
          className="mt-4 rounded-lg border border-dashed border-zinc-300 bg-white p-6 text-center text-sm text-zinc-600"
          data-testid="history-empty"
        >
          {t("empty", { filtered: String(filtered) })}
        </p>
      ) : (
        <table
          role="table"
          className="mt-4 block w-full text-sm sm:table sm:rounded-lg sm:border sm:border-zinc-200 sm:bg-white"
          data-testid="history-table"
        >
          <caption className="sr-only">{t("caption", { filtered: String(filtered) })}</caption>
          <thead role="rowgroup" className="sr-only sm:not-sr-only sm:table-header-group">
            <tr role="row" className="border-b border-zinc-200 text-left text-xs text-zinc-600">
              <th role="columnheader" scope="col" className="px-3 py-2 font-medium">
                {t("date", { timeZone })}
              </th>
              <th role="columnheader" scope="col" className="px-3 py-2 font-medium">
                {t("transaction")}
              </th>
              <th role="columnheader" scope="col" className="px-3 py-2 text-right font-medium">
                {t("change")}
              </th>
              <th role="columnheader" scope="col" className="px-3 py-2 text-right font-medium">
                {t("balanceAfter")}
              </th>
            </tr>
          </thead>
          <tbody role="rowgroup" className="block space-y-2 sm:table-row-group sm:space-y-0">
            {view.entries.map((entry) => {
              const negative = entry.amountMillitokens.startsWith("-");
              return (
                <tr
                  role="row"
                  key={entry.id}
                  className="grid grid-cols-[1fr_auto] gap-x-3 rounded-lg border border-zinc-200 bg-white p-3 sm:table-row sm:rounded-none sm:border-0 sm:border-b sm:border-zinc-100 sm:p-0 sm:last:border-b-0"
                  data-testid="history-row"
                  data-kind={entry.kind}
                  data-millitokens={entry.amountMillitokens}
                >
                  <td
                    role="cell"
                    className="col-span-2 text-xs text-zinc-600 tabular-nums sm:px-3 sm:py-2 sm:whitespace-nowrap"
                  >
                    <time dateTime={entry.createdAt.toISOString()}>
                      {formatDateTime(entry.createdAt, locale, timeZone)}
                    </time>
                  </td>
                  <td role="cell" className="mt-1 min-w-0 sm:px-3 sm:py-2" data-testid="history-description">
                    <span className="font-medium text-zinc-900">{entry.title}</span>
                    {entry.details.map((detail) => (
                      <span key={detail} className="text-zinc-700">
                        {" · "}
                        {detail}
                      </span>
                    ))}
                  </td>
                  <td
                    role="cell"
                    className={`mt-1 text-right font-semibold whitespace-nowrap tabular-nums sm:px-3 sm:py-2 ${negative ? "text-zinc-900" : "text-emerald-800"}`}
                    data-testid="history-amount"
                  >
                    {entry.amount}
                  </td>
                  <td
                    role="cell"
                    className="col-span-2 text-right text-xs text-zinc-600 tabular-nums sm:px-3 sm:py-2 sm:text-sm"
                  >
                    <span className="sm:sr-only">{t("balanceAfterInline")} </span>
                    {entry.balanceAfter}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}

      {(params.cursor || view.nextCursor) && (
        <nav aria-label={t("pages")} className="mt-3 flex justify-between gap-2">
          {params.cursor ? (
            <Link href={`${SETTINGS_PATH}${historyQuery(filters)}#history`} className={linkButton}>
              {t("newest")}
            </Link>
          ) : (
            <span />
          )}
          {view.nextCursor && (
            <Link
              href={`${SETTINGS_PATH}${historyQuery({ ...filters, cursor: view.nextCursor })}#history`}
              className={linkButton}
              rel="next"
            >
              {t("older")}
            </Link>
          )}
        </nav>
      )}
    </section>
  );
}

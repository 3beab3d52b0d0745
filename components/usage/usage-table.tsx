// The text alternative of a usage chart: the same figures as a table, behind a disclosure that
// keyboard and screen-reader users can open. Exact BigInt millitokens, formatted on the server.
import { useLocale, useTranslations } from "next-intl";
import { formatDate, formatTokens } from "@/lib/format";

export interface UsageTableRow {
  day: string;
  label: string;
  millitokens: bigint;
}

export function UsageTable({
  caption,
  column,
  rows,
  total,
}: {
  caption: string;
  column: string;
  rows: UsageTableRow[];
  total: bigint;
}) {
  const t = useTranslations("usage.table");
  const locale = useLocale();
  return (
    <details className="mt-3 text-sm">
      <summary className="cursor-pointer font-medium text-brand-700 hover:underline">{t("show")}</summary>
      <table className="mt-2 w-full text-left">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr className="border-b border-zinc-200 text-zinc-600">
            <th scope="col" className="py-1.5 pr-2 font-medium">
              {t("day")}
            </th>
            <th scope="col" className="py-1.5 pr-2 font-medium">
              {column}
            </th>
            <th scope="col" className="py-1.5 text-right font-medium">
              {t("tokens")}
            </th>
          </tr>
        </thead>
        {/* The cells are styled from here, not one by one: 90 days have up to ~1,000 rows, each
            sent twice (the HTML and the React payload), so a class per cell weighed more than the data. */}
        <tbody className="[&>tr]:border-b [&>tr]:border-zinc-100 [&_td]:py-1.5 [&_td:first-child]:pr-2 [&_td:first-child]:whitespace-nowrap [&_td:nth-child(2)]:pr-2 [&_td:nth-child(2)]:break-words [&_td:last-child]:text-right [&_td:last-child]:tabular-nums">
          {rows.map((row) => (
            <tr key={`${row.day}|${row.label}`}>
              {/* Usage is bucketed by UTC day: the label names that day, not a moment. */}
              <td>{formatDate(`${row.day}T00:00:00Z`, locale, "UTC")}</td>
              <td>{row.label}</td>
              <td data-millitokens={row.millitokens.toString()}>{formatTokens(row.millitokens, locale)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr className="font-medium">
            <th scope="row" colSpan={2} className="py-1.5 pr-2">
              {t("total")}
            </th>
            <td className="py-1.5 text-right tabular-nums">{formatTokens(total, locale)}</td>
          </tr>
        </tfoot>
      </table>
      <p className="mt-1 text-xs text-zinc-600">{t("note")}</p>
    </details>
  );
}

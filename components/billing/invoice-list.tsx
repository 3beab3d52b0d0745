// The user's invoices (lib/billing/invoices.ts): date, number, amount, status and the links to
// Stripe's PDF and hosted page, with newer / older pages through the page's `invoices_after` /
// `invoices_before` search params. Payment methods stay in the Customer Portal. Dates are the
// calendar day in the user's time zone, amounts and words in their locale.
import Link from "next/link";
import { useLocale, useTimeZone, useTranslations } from "next-intl";
import type { InvoicePage } from "@/lib/billing/invoices";
import { formatDate, formatMoney } from "@/lib/format";
import { DEFAULT_TIME_ZONE } from "@/lib/i18n/config";

const linkClass = "text-brand-700 underline hover:text-brand-900";

export function InvoiceList({ page, path, error }: { page: InvoicePage | null; path: string; error?: boolean }) {
  const t = useTranslations("billing.invoices");
  const locale = useLocale();
  const timeZone = useTimeZone() ?? DEFAULT_TIME_ZONE;
  const sr = (chunks: React.ReactNode) => <span className="sr-only">{chunks}</span>;
  return (
    <section aria-labelledby="invoices-heading" className="mt-10" id="invoices">
      <h2 id="invoices-heading" className="text-lg font-semibold">
        {t("heading")}
      </h2>
      {error ? (
        <p className="mt-2 text-sm text-amber-900">{t("unavailable")}</p>
      ) : !page || page.invoices.length === 0 ? (
        <p className="mt-2 text-sm text-zinc-600">{t("none")}</p>
      ) : (
        <table className="mt-3 w-full text-sm" aria-label={t("heading")}>
          <thead>
            <tr className="border-b border-zinc-200 text-left text-zinc-600">
              <th scope="col" className="py-2 pr-3 font-medium">
                {t("date")}
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                {t("number")}
              </th>
              <th scope="col" className="py-2 pr-3 text-right font-medium">
                {t("amount")}
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                {t("status")}
              </th>
              <th scope="col" className="py-2 font-medium">
                <span className="sr-only">{t("documents")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {page.invoices.map((invoice) => (
              <tr key={invoice.id} className="border-b border-zinc-100" data-testid="invoice-row">
                <td className="py-2 pr-3 whitespace-nowrap">{formatDate(invoice.created, locale, timeZone)}</td>
                <td className="py-2 pr-3">{invoice.number ?? invoice.id}</td>
                <td className="py-2 pr-3 text-right tabular-nums">
                  {formatMoney(invoice.totalCents, invoice.currency, locale)}
                </td>
                <td className="py-2 pr-3">{t(`statuses.${invoice.status}`)}</td>
                <td className="space-x-3 py-2 whitespace-nowrap">
                  {invoice.pdfUrl && (
                    <a href={invoice.pdfUrl} className={linkClass} target="_blank" rel="noreferrer">
                      {t.rich("pdf", { number: invoice.number ?? invoice.id, sr })}
                    </a>
                  )}
                  {invoice.hostedUrl && (
                    <a href={invoice.hostedUrl} className={linkClass} target="_blank" rel="noreferrer">
                      {t.rich("view", { number: invoice.number ?? invoice.id, sr })}
                    </a>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page && (page.newerCursor || page.olderCursor) && (
        <nav aria-label={t("pages")} className="mt-3 flex gap-4 text-sm">
          {page.newerCursor && (
            <Link href={`${path}?invoices_before=${page.newerCursor}#invoices`} className={linkClass}>
              {t("newer")}
            </Link>
          )}
          {page.olderCursor && (
            <Link href={`${path}?invoices_after=${page.olderCursor}#invoices`} className={linkClass}>
              {t("older")}
            </Link>
          )}
        </nav>
      )}
    </section>
  );
}

// The user's invoices (lib/billing/invoices.ts): date, number, amount, status and the links to
// Stripe's PDF and hosted page, with newer / older pages through the page's `invoices_after` /
// `invoices_before` search params. Payment methods stay in the Customer Portal.
import Link from "next/link";
import type { InvoicePage, InvoiceRow } from "@/lib/billing/invoices";
import { formatDate, formatMoney } from "@/lib/format";

const STATUS: Record<InvoiceRow["status"], string> = {
  paid: "Paid",
  open: "Open",
  void: "Void",
  uncollectible: "Uncollectible",
  draft: "Draft",
};

const linkClass = "text-brand-700 underline hover:text-brand-900";

export function InvoiceList({ page, path, error }: { page: InvoicePage | null; path: string; error?: boolean }) {
  return (
    <section aria-labelledby="invoices-heading" className="mt-10" id="invoices">
      <h2 id="invoices-heading" className="text-lg font-semibold">
        Invoices
      </h2>
      {error ? (
        <p className="mt-2 text-sm text-amber-900">
          We could not reach Stripe just now; your invoices will be back soon.
        </p>
      ) : !page || page.invoices.length === 0 ? (
        <p className="mt-2 text-sm text-zinc-600">No invoices yet.</p>
      ) : (
        <table className="mt-3 w-full text-sm" aria-label="Invoices">
          <thead>
            <tr className="border-b border-zinc-200 text-left text-zinc-600">
              <th scope="col" className="py-2 pr-3 font-medium">
                Date
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                Number
              </th>
              <th scope="col" className="py-2 pr-3 text-right font-medium">
                Amount
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                Status
              </th>
              <th scope="col" className="py-2 font-medium">
                <span className="sr-only">Documents</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {page.invoices.map((invoice) => (
              <tr key={invoice.id} className="border-b border-zinc-100" data-testid="invoice-row">
                <td className="py-2 pr-3 whitespace-nowrap">{formatDate(invoice.created)}</td>
                <td className="py-2 pr-3">{invoice.number ?? invoice.id}</td>
                <td className="py-2 pr-3 text-right tabular-nums">
                  {formatMoney(invoice.totalCents, invoice.currency)}
                </td>
                <td className="py-2 pr-3">{STATUS[invoice.status]}</td>
                <td className="space-x-3 py-2 whitespace-nowrap">
                  {invoice.pdfUrl && (
                    <a href={invoice.pdfUrl} className={linkClass} target="_blank" rel="noreferrer">
                      PDF<span className="sr-only"> of invoice {invoice.number ?? invoice.id}</span>
                    </a>
                  )}
                  {invoice.hostedUrl && (
                    <a href={invoice.hostedUrl} className={linkClass} target="_blank" rel="noreferrer">
                      View<span className="sr-only"> invoice {invoice.number ?? invoice.id}</span>
                    </a>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page && (page.newerCursor || page.olderCursor) && (
        <nav aria-label="Invoice pages" className="mt-3 flex gap-4 text-sm">
          {page.newerCursor && (
            <Link href={`${path}?invoices_before=${page.newerCursor}#invoices`} className={linkClass}>
              Newer invoices
            </Link>
          )}
          {page.olderCursor && (
            <Link href={`${path}?invoices_after=${page.olderCursor}#invoices`} className={linkClass}>
              Older invoices
            </Link>
          )}
        </nav>
      )}
    </section>
  );
}

// The outgoing webhooks' delivery log: newest first, filtered by endpoint, status and event type,
// keyset pages; each row links to its attempts and Replay.
import Link from "next/link";
import { requireAdmin } from "@/lib/auth/admin";
import { db } from "@/lib/db/client";
import { formatDateTime, DEFAULT_LOCALE } from "@/lib/format";
import { listEndpoints } from "@/lib/webhooks/endpoints";
import { WEBHOOK_EVENT_SCHEMAS } from "@/lib/webhooks/events";
import { DELIVERY_STATUSES, deliveryQuery, listDeliveries, parseDeliveryFilters } from "@/lib/webhooks/log";
import { DeliveryStatusBadge } from "../delivery-status";

export const metadata = { title: "Webhook deliveries" };

const NOTICES: Record<string, string> = {
  test_sent: "A test event is queued for this endpoint and being sent.",
  test_refused: "No test event: the endpoint is disabled or no longer exists.",
  invalid: "Not a delivery id.",
};

const select = "mt-1 block rounded-md border border-zinc-300 bg-white px-2 py-1.5";

export default async function DeliveriesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdmin("/admin/integrations/deliveries");
  const params = await searchParams;
  const parsed = parseDeliveryFilters({ ...params, notice: undefined });
  const filters = parsed.ok ? parsed.filters : {};
  const notice = typeof params.notice === "string" ? NOTICES[params.notice] : undefined;
  const [page, endpoints] = await Promise.all([listDeliveries(db(), filters), listEndpoints(db())]);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold text-zinc-900">Webhook deliveries</h1>
        <Link href="/admin/integrations" className="text-sm underline underline-offset-2">
          Endpoints
        </Link>
      </div>
      {notice && (
        <p role="status" className="rounded-md bg-zinc-100 px-3 py-2 text-sm text-zinc-800">
          {notice}
        </p>
      )}
      {!parsed.ok && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-900">
          {parsed.error}. Showing all deliveries.
        </p>
      )}
      <form method="get" className="flex flex-wrap items-end gap-3" aria-label="Filters">
        <label className="text-sm text-zinc-700">
          Endpoint
          <select name="endpoint" defaultValue={filters.endpoint ?? ""} className={select}>
            <option value="">Any</option>
            {endpoints.map((ep) => (
              <option key={ep.id} value={ep.id}>
                {ep.url}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm text-zinc-700">
          Status
          <select name="status" defaultValue={filters.status ?? ""} className={select}>
            <option value="">Any</option>
            {DELIVERY_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm text-zinc-700">
          Type
          <select name="type" defaultValue={filters.type ?? ""} className={select}>
            <option value="">Any</option>
            {Object.keys(WEBHOOK_EVENT_SCHEMAS).map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white">
          Filter
        </button>
      </form>

      {page.rows.length === 0 ? (
        <p className="text-zinc-600">No deliveries match.</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-zinc-200 bg-zinc-50 text-zinc-600">
              <tr>
                <th className="px-3 py-2 font-medium">Created</th>
                <th className="px-3 py-2 font-medium">Type</th>
                <th className="px-3 py-2 font-medium">Endpoint</th>
                <th className="px-3 py-2 font-medium">Status</th>
                <th className="px-3 py-2 text-right font-medium">Attempts</th>
                <th className="px-3 py-2 font-medium">Last answer</th>
                <th className="px-3 py-2 font-medium">Next attempt</th>
              </tr>
            </thead>
            <tbody>
              {page.rows.map((row) => (
                <tr key={row.id} className="border-b border-zinc-100 last:border-0">
                  <td className="px-3 py-2 whitespace-nowrap">
                    <Link
                      href={`/admin/integrations/deliveries/${row.id}`}
                      className="text-zinc-900 underline underline-offset-2"
                    >
                      {formatDateTime(row.createdAt, DEFAULT_LOCALE, "UTC")}
                    </Link>
                  </td>
                  <td className="px-3 py-2 font-mono text-xs">{row.type}</td>
                  <td className="max-w-xs truncate px-3 py-2 font-mono text-xs" title={row.url}>
                    {row.url}
                  </td>
                  <td className="px-3 py-2">
                    <DeliveryStatusBadge status={row.status} />
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{row.attempts}</td>
                  <td className="max-w-xs truncate px-3 py-2 text-xs" title={row.lastError ?? undefined}>
                    {row.lastStatusCode ?? ""} {row.lastError ?? ""}
                  </td>
                  <td className="px-3 py-2 text-xs whitespace-nowrap text-zinc-700">
                    {row.status === "pending" ? formatDateTime(row.nextAttemptAt, DEFAULT_LOCALE, "UTC") : "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label="Pages" className="flex gap-4 text-sm">
        {filters.before && (
          <Link
            href={`/admin/integrations/deliveries${deliveryQuery({ ...filters, before: undefined })}`}
            className="underline underline-offset-2"
          >
            Newest
          </Link>
        )}
        {page.nextCursor && (
          <Link
            href={`/admin/integrations/deliveries${deliveryQuery({ ...filters, before: page.nextCursor })}`}
            className="underline underline-offset-2"
          >
            Older deliveries
          </Link>
        )}
      </nav>
    </div>
  );
}

// The Stripe webhook log: newest first, filters by status and type, keyset pages.
import Link from "next/link";
import {
  listWebhookEvents,
  parseWebhookParams,
  WEBHOOK_STATUSES,
  webhookEventTypes,
  webhookQuery,
} from "@/lib/admin/webhooks";
import { requireAdmin } from "@/lib/auth/admin";
import { db } from "@/lib/db/client";
import { formatDateTime, DEFAULT_LOCALE } from "@/lib/format";
import { StatusBadge } from "./status-badge";

export const metadata = { title: "Webhooks" };

export default async function WebhooksPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdmin("/admin/webhooks");
  const parsed = parseWebhookParams(await searchParams);
  const params = parsed.ok ? parsed.params : {};
  const [page, types] = await Promise.all([listWebhookEvents(db(), params), webhookEventTypes(db())]);

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold text-zinc-900">Stripe webhooks</h1>
      {!parsed.ok && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-900">
          {parsed.error}. Showing all events.
        </p>
      )}
      <form method="get" className="flex flex-wrap items-end gap-3" aria-label="Filters">
        <label className="text-sm text-zinc-700">
          Status
          <select
            name="status"
            defaultValue={params.status ?? ""}
            className="mt-1 block rounded-md border border-zinc-300 bg-white px-2 py-1.5"
          >
            <option value="">Any</option>
            {WEBHOOK_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm text-zinc-700">
          Type
          <select
            name="type"
            defaultValue={params.type ?? ""}
            className="mt-1 block rounded-md border border-zinc-300 bg-white px-2 py-1.5"
          >
            <option value="">Any</option>
            {types.map((t) => (
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
        <p className="text-zinc-600">No events match.</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-zinc-200 bg-zinc-50 text-zinc-600">
              <tr>
                <th className="px-3 py-2 font-medium">Received</th>
                <th className="px-3 py-2 font-medium">Type</th>
                <th className="px-3 py-2 font-medium">Status</th>
                <th className="px-3 py-2 text-right font-medium">Attempts</th>
                <th className="px-3 py-2 font-medium">Event</th>
                <th className="px-3 py-2 font-medium">Error</th>
              </tr>
            </thead>
            <tbody>
              {page.rows.map((row) => (
                <tr key={row.id.toString()} className="border-b border-zinc-100 last:border-0">
                  <td className="px-3 py-2 whitespace-nowrap text-zinc-700">
                    {formatDateTime(row.receivedAt, DEFAULT_LOCALE, "UTC")}
                  </td>
                  <td className="px-3 py-2 font-mono text-xs">{row.type}</td>
                  <td className="px-3 py-2">
                    <StatusBadge status={row.status} />
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{row.attempts}</td>
                  <td className="px-3 py-2">
                    <Link
                      href={`/admin/webhooks/${row.stripeEventId}`}
                      className="font-mono text-xs text-zinc-900 underline underline-offset-2"
                    >
                      {row.stripeEventId}
                    </Link>
                  </td>
                  <td className="max-w-xs truncate px-3 py-2 text-xs text-red-800" title={row.error ?? undefined}>
                    {row.error}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label="Pages" className="flex gap-4 text-sm">
        {params.cursor && (
          <Link
            href={`/admin/webhooks${webhookQuery({ ...params, cursor: undefined })}`}
            className="underline underline-offset-2"
          >
            Newest
          </Link>
        )}
        {page.nextCursor && (
          <Link
            href={`/admin/webhooks${webhookQuery({ ...params, cursor: page.nextCursor })}`}
            className="underline underline-offset-2"
          >
            Older events
          </Link>
        )}
      </nav>
    </div>
  );
}

// One outgoing webhook delivery: its message (id, body), its endpoint, every attempt with the
// status code and the start of the answer, and Replay (a new attempt of the same message now).
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireAdmin } from "@/lib/auth/admin";
import { db } from "@/lib/db/client";
import { formatDateTime, DEFAULT_LOCALE } from "@/lib/format";
import { deliveryDetail } from "@/lib/webhooks/log";
import { replay } from "../../actions";
import { DeliveryStatusBadge } from "../../delivery-status";

export const metadata = { title: "Webhook delivery" };

const REPLAY_NOTICE: Record<string, string> = {
  succeeded: "Replayed: the endpoint answered 2xx.",
  retried: "Replayed: the attempt failed; the delivery stays in its retry schedule.",
  failed: "Replayed: the attempt failed.",
  in_flight: "Not replayed: the delivery is being sent right now. Reload in a moment.",
  endpoint_disabled: "Not replayed: the endpoint is disabled.",
  not_found: "That delivery no longer exists.",
};

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export default async function DeliveryPage({
  params,
  searchParams,
}: {
  params: Promise<{ deliveryId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdmin("/admin/integrations/deliveries");
  const { deliveryId } = await params;
  const query = await searchParams;
  const delivery = await deliveryDetail(db(), deliveryId);
  if (!delivery) notFound();
  const notice = typeof query.replay === "string" ? REPLAY_NOTICE[query.replay] : undefined;

  return (
    <div className="space-y-6">
      <Link href="/admin/integrations/deliveries" className="text-sm underline underline-offset-2">
        ← Delivery log
      </Link>
      <h1 className="flex flex-wrap items-center gap-3 text-2xl font-semibold text-zinc-900">
        <span className="font-mono text-xl">{delivery.type}</span>
        <DeliveryStatusBadge status={delivery.status} />
      </h1>
      {notice && (
        <p role="status" className="rounded-md bg-zinc-100 px-3 py-2 text-sm text-zinc-800">
          {notice}
        </p>
      )}
      <dl className="grid max-w-3xl grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-zinc-600">Message id</dt>
        <dd className="font-mono text-xs">{delivery.msgId}</dd>
        <dt className="text-zinc-600">Endpoint</dt>
        <dd className="font-mono text-xs break-all">
          {delivery.url}
          {!delivery.enabled && " (disabled)"}
        </dd>
        <dt className="text-zinc-600">User</dt>
        <dd className="font-mono text-xs">
          {delivery.userId ? <Link href={`/admin/users/${delivery.userId}`}>{delivery.userId}</Link> : "—"}
        </dd>
        <dt className="text-zinc-600">Created</dt>
        <dd>{formatDateTime(delivery.createdAt, DEFAULT_LOCALE, "UTC")}</dd>
        <dt className="text-zinc-600">Attempts</dt>
        <dd>{delivery.attempts}</dd>
        {delivery.status === "pending" && (
          <>
            <dt className="text-zinc-600">Next attempt</dt>
            <dd>{formatDateTime(delivery.nextAttemptAt, DEFAULT_LOCALE, "UTC")}</dd>
          </>
        )}
      </dl>
      <form action={replay}>
        <input type="hidden" name="id" value={delivery.id} />
        <button
          type="submit"
          disabled={!delivery.enabled}
          className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50"
        >
          Replay
        </button>
      </form>
      <section className="space-y-2">
        <h2 className="font-semibold text-zinc-900">Body (signed and sent exactly as stored)</h2>
        <pre className="overflow-x-auto rounded-lg border border-zinc-200 bg-white p-3 text-xs">
          {pretty(delivery.payload)}
        </pre>
      </section>
      <section className="space-y-2">
        <h2 className="font-semibold text-zinc-900">Attempts</h2>
        {delivery.attemptsLog.length === 0 ? (
          <p className="text-zinc-600">None yet.</p>
        ) : (
          <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white">
            <table className="w-full text-left text-sm">
              <thead className="border-b border-zinc-200 bg-zinc-50 text-zinc-600">
                <tr>
                  <th className="px-3 py-2 font-medium">#</th>
                  <th className="px-3 py-2 font-medium">At</th>
                  <th className="px-3 py-2 font-medium">By</th>
                  <th className="px-3 py-2 text-right font-medium">Duration</th>
                  <th className="px-3 py-2 font-medium">Status</th>
                  <th className="px-3 py-2 font-medium">Error</th>
                  <th className="px-3 py-2 font-medium">Response</th>
                </tr>
              </thead>
              <tbody>
                {delivery.attemptsLog.map((a) => (
                  <tr key={a.attempt} className="border-b border-zinc-100 align-top last:border-0">
                    <td className="px-3 py-2 tabular-nums">{a.attempt}</td>
                    <td className="px-3 py-2 whitespace-nowrap">
                      {formatDateTime(a.startedAt, DEFAULT_LOCALE, "UTC")}
                    </td>
                    <td className="px-3 py-2 text-xs">{a.trigger}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{a.durationMs} ms</td>
                    <td className={`px-3 py-2 tabular-nums ${a.succeeded ? "text-emerald-800" : "text-red-800"}`}>
                      {a.statusCode ?? "—"}
                    </td>
                    <td className="max-w-xs px-3 py-2 text-xs break-words text-red-800">{a.error}</td>
                    <td className="max-w-md px-3 py-2">
                      <pre className="text-xs break-all whitespace-pre-wrap">{a.response}</pre>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

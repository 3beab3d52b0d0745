// One logged Stripe event: its state, timestamps, last error, the stored payload, and "Replay".
import Link from "next/link";
import { notFound } from "next/navigation";
import { stripeEventIdSchema, webhookEvent } from "@/lib/admin/webhooks";
import { requireAdmin } from "@/lib/auth/admin";
import { HANDLED_EVENT_TYPES } from "@/lib/billing/webhook";
import { db } from "@/lib/db/client";
import { formatDateTime, DEFAULT_LOCALE } from "@/lib/format";
import { replayEvent } from "../actions";
import { StatusBadge } from "../status-badge";

export const metadata = { title: "Webhook event" };

const REPLAY_MESSAGES: Record<string, string> = {
  processed:
    "Replayed: the handler ran and the event is processed. Ledger writes are idempotent, so nothing was granted twice.",
  ignored: "Replayed: the handler ran and ignored the event (see the note).",
  failed: "Replayed: the handler failed again; the error is below.",
  in_progress: "Not replayed: an attempt is in progress right now. Try again in a moment.",
  not_handled: "Not replayed: Tollgate has no handler for this event type.",
  not_found: "Not replayed: no such event in the log.",
};

export default async function WebhookEventPage({
  params,
  searchParams,
}: {
  params: Promise<{ eventId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { eventId } = await params;
  await requireAdmin(`/admin/webhooks/${encodeURIComponent(eventId)}`);
  const id = stripeEventIdSchema.safeParse(eventId);
  if (!id.success) notFound();
  const event = await webhookEvent(db(), id.data);
  if (!event) notFound();
  const replay = (await searchParams).replay;
  const message = typeof replay === "string" ? REPLAY_MESSAGES[replay] : undefined;
  const replayable = (HANDLED_EVENT_TYPES as readonly string[]).includes(event.type);

  const facts: [string, React.ReactNode][] = [
    [
      "Type",
      <span key="t" className="font-mono">
        {event.type}
      </span>,
    ],
    ["Status", <StatusBadge key="s" status={event.status} />],
    ["Attempts", event.attempts],
    ["Received", formatDateTime(event.receivedAt, DEFAULT_LOCALE, "UTC")],
    ["Last claimed", formatDateTime(event.claimedAt, DEFAULT_LOCALE, "UTC")],
    ["Processed", event.processedAt ? formatDateTime(event.processedAt, DEFAULT_LOCALE, "UTC") : "—"],
  ];

  return (
    <div className="space-y-6">
      <Link href="/admin/webhooks" className="text-sm text-zinc-600 underline underline-offset-2">
        ← All events
      </Link>
      <h1 className="font-mono text-xl font-semibold break-all text-zinc-900">{event.stripeEventId}</h1>
      {message && (
        <p role="status" className="rounded-md bg-zinc-100 px-3 py-2 text-sm text-zinc-900">
          {message}
        </p>
      )}
      <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-sm">
        {facts.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-zinc-600">{label}</dt>
            <dd className="text-zinc-900">{value}</dd>
          </div>
        ))}
      </dl>
      {event.error && (
        <section>
          <h2 className="text-sm font-semibold text-zinc-900">{event.status === "ignored" ? "Note" : "Error"}</h2>
          <pre className="mt-1 rounded-md bg-red-50 p-3 text-xs whitespace-pre-wrap text-red-900">{event.error}</pre>
        </section>
      )}
      {replayable && (
        <form action={replayEvent} className="space-y-1">
          <input type="hidden" name="eventId" value={event.stripeEventId} />
          <button type="submit" className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white">
            Replay
          </button>
          <p className="text-xs text-zinc-600">
            Runs the handler again on the stored payload. Safe on a processed event: ledger grants are keyed by invoice,
            session or charge.
          </p>
        </form>
      )}
      <section>
        <h2 className="text-sm font-semibold text-zinc-900">Payload</h2>
        <pre className="mt-1 max-h-[32rem] overflow-auto rounded-md bg-zinc-950 p-3 text-xs text-zinc-100">
          {event.payloadJson}
        </pre>
      </section>
    </div>
  );
}

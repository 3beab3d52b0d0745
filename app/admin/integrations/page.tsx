// Integrations: the endpoints outgoing webhooks are POSTed to (docs/OUTGOING_WEBHOOKS.md) —
// register one (its secret shown once), rotate its secret, disable, delete, send a test event.
import Link from "next/link";
import { requireAdmin } from "@/lib/auth/admin";
import { db } from "@/lib/db/client";
import { formatDateTime, DEFAULT_LOCALE } from "@/lib/format";
import { listEndpoints } from "@/lib/webhooks/endpoints";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/events";
import { registerEndpoint, removeEndpoint, rotateEndpointSecret, sendTest, setEnabled } from "./actions";
import { RegisterEndpointForm, RotateSecretForm } from "./endpoint-forms";

export const metadata = { title: "Integrations" };

const NOTICES: Record<string, string> = {
  enabled: "The endpoint is enabled: its waiting deliveries are sent now.",
  disabled: "The endpoint is disabled: nothing is sent to it until it is enabled again.",
  deleted: "The endpoint and its delivery log are deleted.",
  missing: "That endpoint no longer exists.",
  invalid: "Not an endpoint id.",
};

const button = "rounded-md px-2 py-1 text-xs font-medium ring-1";

export default async function IntegrationsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdmin("/admin/integrations");
  const params = await searchParams;
  const notice = typeof params.notice === "string" ? NOTICES[params.notice] : undefined;
  const endpoints = await listEndpoints(db());

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold text-zinc-900">Integrations</h1>
        <Link href="/admin/integrations/deliveries" className="text-sm underline underline-offset-2">
          Delivery log
        </Link>
      </div>
      <p className="max-w-3xl text-sm text-zinc-700">
        Tollgate POSTs signed events (Standard Webhooks: <code>webhook-id</code>, <code>webhook-timestamp</code>,{" "}
        <code>webhook-signature</code>) to these endpoints, and retries a failed delivery for 27 hours. How an
        integrator verifies them: docs/OUTGOING_WEBHOOKS.md.
      </p>
      {notice && (
        <p role="status" className="rounded-md bg-zinc-100 px-3 py-2 text-sm text-zinc-800">
          {notice}
        </p>
      )}
      {endpoints.length === 0 ? (
        <p className="text-zinc-600">No endpoint yet.</p>
      ) : (
        <ul className="space-y-3" aria-label="Endpoints">
          {endpoints.map((ep) => (
            <li key={ep.id} className="space-y-3 rounded-lg border border-zinc-200 bg-white p-4">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <p className="font-mono text-sm break-all text-zinc-900">{ep.url}</p>
                <span
                  className={`rounded-full px-2 py-0.5 text-xs font-medium ${ep.enabled ? "bg-emerald-100 text-emerald-900" : "bg-zinc-100 text-zinc-700"}`}
                >
                  {ep.enabled ? "enabled" : "disabled"}
                </span>
              </div>
              {ep.description && <p className="text-sm text-zinc-700">{ep.description}</p>}
              <p className="font-mono text-xs text-zinc-700">{ep.eventTypes.join(", ")}</p>
              <p className="text-xs text-zinc-600">
                Registered {formatDateTime(ep.createdAt, DEFAULT_LOCALE, "UTC")} by{" "}
                {ep.createdByEmail ?? ep.createdById}
                {ep.rotating && " · secret rotated in the last 24 hours: both secrets sign"} ·{" "}
                <Link
                  href={`/admin/integrations/deliveries?endpoint=${ep.id}`}
                  className="underline underline-offset-2"
                >
                  {ep.pending} pending, {ep.failed} failed
                </Link>
              </p>
              <div className="flex flex-wrap items-start gap-2">
                <form action={sendTest}>
                  <input type="hidden" name="id" value={ep.id} />
                  <button
                    type="submit"
                    disabled={!ep.enabled}
                    className={`${button} ring-zinc-300 disabled:opacity-50`}
                  >
                    Send test event
                  </button>
                </form>
                <form action={setEnabled}>
                  <input type="hidden" name="id" value={ep.id} />
                  <input type="hidden" name="enabled" value={ep.enabled ? "false" : "true"} />
                  <button type="submit" className={`${button} ring-zinc-300`}>
                    {ep.enabled ? "Disable" : "Enable"}
                  </button>
                </form>
                <RotateSecretForm id={ep.id} action={rotateEndpointSecret} />
                <form action={removeEndpoint}>
                  <input type="hidden" name="id" value={ep.id} />
                  <button type="submit" className={`${button} text-red-800 ring-red-300`}>
                    Delete
                  </button>
                </form>
              </div>
            </li>
          ))}
        </ul>
      )}
      <RegisterEndpointForm eventTypes={WEBHOOK_EVENT_TYPES} action={registerEndpoint} />
    </div>
  );
}

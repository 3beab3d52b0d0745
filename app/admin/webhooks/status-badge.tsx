import type { WebhookStatus } from "@/lib/admin/webhooks";

const STYLES: Record<WebhookStatus, string> = {
  processed: "bg-emerald-100 text-emerald-900",
  failed: "bg-red-100 text-red-900",
  processing: "bg-amber-100 text-amber-900",
  ignored: "bg-zinc-100 text-zinc-700",
};

export function StatusBadge({ status }: { status: WebhookStatus }) {
  return <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${STYLES[status]}`}>{status}</span>;
}

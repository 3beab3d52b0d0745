import type { DeliveryStatus } from "@/lib/webhooks/log";

const STYLES: Record<DeliveryStatus, string> = {
  succeeded: "bg-emerald-100 text-emerald-900",
  failed: "bg-red-100 text-red-900",
  pending: "bg-amber-100 text-amber-900",
};

export function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  return <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${STYLES[status]}`}>{status}</span>;
}

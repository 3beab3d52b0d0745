"use server";
// Server action of the webhook detail page. Checks the admin role itself (a server action is
// reachable without its page), validates the event id, and replays through lib/billing/webhook.
import { redirect } from "next/navigation";
import { z } from "zod";
import { stripeEventIdSchema } from "@/lib/admin/webhooks";
import { requireAdmin } from "@/lib/auth/admin";
import { billingContext } from "@/lib/billing/context";
import { replayWebhookEvent } from "@/lib/billing/webhook/replay";

const replaySchema = z.object({ eventId: stripeEventIdSchema });

/** Form field `eventId`: re-runs the event's handler, then back to its page with the outcome. */
export async function replayEvent(formData: FormData): Promise<void> {
  await requireAdmin("/admin/webhooks");
  const parsed = replaySchema.safeParse({ eventId: formData.get("eventId") });
  if (!parsed.success) redirect("/admin/webhooks?error=invalid_event");
  const result = await replayWebhookEvent(billingContext(), parsed.data.eventId);
  const outcome = result.ok ? result.outcome : result.error;
  redirect(`/admin/webhooks/${encodeURIComponent(parsed.data.eventId)}?replay=${outcome}`);
}

"use server";
// Server actions of the Integrations pages (outgoing webhooks). Each checks the admin role itself
// (a server action is reachable without its page), validates its fields with zod and calls
// lib/webhooks. A secret is returned in the action's state only — never in a URL or a log — and
// only by the action that generated it (register, rotate): it is shown once.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { requireAdmin } from "@/lib/auth/admin";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { replayDelivery } from "@/lib/webhooks/deliver";
import { deliverWebhooksSoon, workerOptions } from "@/lib/webhooks/deliver-soon";
import {
  createEndpoint,
  deleteEndpoint,
  endpointIdSchema,
  rotateSecret,
  sendTestEvent,
  setEndpointEnabled,
} from "@/lib/webhooks/endpoints";

const PAGE = "/admin/integrations";

export interface EndpointFormState {
  ok?: boolean;
  /** The new endpoint's secret: shown once, by the form that created it. */
  secret?: string;
  url?: string;
  field?: string;
  message?: string;
}

/** Fields `url`, `description`, `eventTypes` (checkboxes). */
export async function registerEndpoint(_previous: EndpointFormState, formData: FormData): Promise<EndpointFormState> {
  const admin = await requireAdmin(PAGE);
  const result = await createEndpoint(
    db(),
    {
      url: String(formData.get("url") ?? ""),
      description: String(formData.get("description") ?? ""),
      eventTypes: formData.getAll("eventTypes").map(String),
    },
    { adminId: admin.id, allowPrivate: env().WEBHOOKS_ALLOW_PRIVATE_URLS },
  );
  if (!result.ok) return { ok: false, field: result.field, message: result.message };
  revalidatePath(PAGE);
  return { ok: true, secret: result.secret, url: String(formData.get("url") ?? "").trim() };
}

export interface RotateState {
  secret?: string;
  message?: string;
}

const idSchema = z.object({ id: endpointIdSchema });

/** Field `id`: a new secret, shown once; the old one keeps signing beside it for 24 h. */
export async function rotateEndpointSecret(_previous: RotateState, formData: FormData): Promise<RotateState> {
  await requireAdmin(PAGE);
  const parsed = idSchema.safeParse({ id: formData.get("id") });
  if (!parsed.success) return { message: "Not an endpoint id." };
  const secret = await rotateSecret(db(), parsed.data.id);
  if (!secret) return { message: "That endpoint no longer exists." };
  revalidatePath(PAGE);
  return { secret };
}

const enabledSchema = z.object({ id: endpointIdSchema, enabled: z.enum(["true", "false"]) });

/** Fields `id`, `enabled` ("true" | "false"). */
export async function setEnabled(formData: FormData): Promise<void> {
  await requireAdmin(PAGE);
  const parsed = enabledSchema.safeParse({ id: formData.get("id"), enabled: formData.get("enabled") });
  if (!parsed.success) redirect(`${PAGE}?notice=invalid`);
  const enabled = parsed.data.enabled === "true";
  const done = await setEndpointEnabled(db(), parsed.data.id, enabled);
  // Re-enabled: its deliveries that waited are due now.
  if (done && enabled) deliverWebhooksSoon();
  redirect(`${PAGE}?notice=${done ? (enabled ? "enabled" : "disabled") : "missing"}`);
}

/** Field `id`: the endpoint, its deliveries and their attempts are deleted. */
export async function removeEndpoint(formData: FormData): Promise<void> {
  await requireAdmin(PAGE);
  const parsed = idSchema.safeParse({ id: formData.get("id") });
  if (!parsed.success) redirect(`${PAGE}?notice=invalid`);
  const done = await deleteEndpoint(db(), parsed.data.id);
  redirect(`${PAGE}?notice=${done ? "deleted" : "missing"}`);
}

/** Field `id`: a `webhook.test` event to that endpoint only, delivered at once. */
export async function sendTest(formData: FormData): Promise<void> {
  const admin = await requireAdmin(PAGE);
  const parsed = idSchema.safeParse({ id: formData.get("id") });
  if (!parsed.success) redirect(`${PAGE}?notice=invalid`);
  const msgId = await sendTestEvent(db(), parsed.data.id, admin.id);
  if (msgId) deliverWebhooksSoon();
  redirect(`${PAGE}/deliveries?endpoint=${parsed.data.id}&notice=${msgId ? "test_sent" : "test_refused"}`);
}

const replaySchema = z.object({ id: z.uuid() });

/** Field `id` (a delivery): one new attempt now, same message id; back to its page with the outcome. */
export async function replay(formData: FormData): Promise<void> {
  await requireAdmin(PAGE);
  const parsed = replaySchema.safeParse({ id: formData.get("id") });
  if (!parsed.success) redirect(`${PAGE}/deliveries?notice=invalid`);
  const result = await replayDelivery(db(), parsed.data.id, workerOptions());
  redirect(`${PAGE}/deliveries/${parsed.data.id}?replay=${result.ok ? result.outcome : result.reason}`);
}

// Endpoints, as the admin console manages them: register (the secret is generated here and
// returned once), rotate the secret, enable or disable, delete, and send a test event. Callers
// (app/admin/integrations/actions.ts) check the admin role; these functions validate their input.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Db } from "../db/connect";
import { emitEvent, subscribableEventType, WEBHOOK_EVENT_TYPES, type SubscribableEventType } from "./events";
import { generateSecret } from "./signing";
import { checkEndpointUrl } from "./transport";

/** How long the previous secret still signs after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;
/** Endpoints at most: each event is one delivery per endpoint. */
export const MAX_ENDPOINTS = 20;

export const endpointIdSchema = z.uuid({ error: "Not an endpoint id." });

export const newEndpointSchema = z.object({
  url: z.string().trim().min(1, "Enter the endpoint's URL.").max(2_000),
  description: z.string().trim().max(200, "200 characters at most.").default(""),
  eventTypes: z
    .array(subscribableEventType, { error: "Unknown event type." })
    .min(1, "Choose at least one event type.")
    .transform((types) => WEBHOOK_EVENT_TYPES.filter((t) => types.includes(t))),
});
/** As a form sends it: checked by `newEndpointSchema`. */
export interface NewEndpoint {
  url: string;
  description?: string;
  eventTypes: string[];
}

export interface EndpointRow {
  id: string;
  url: string;
  description: string;
  eventTypes: SubscribableEventType[];
  enabled: boolean;
  createdById: string;
  createdByEmail: string | null;
  createdAt: Date;
  /** Whether the previous secret still signs too (within 24 h of a rotation). */
  rotating: boolean;
  pending: number;
  failed: number;
}

export type CreateResult =
  | { ok: true; id: string; secret: string }
  | { ok: false; field: "url" | "description" | "eventTypes" | "form"; message: string };

/** Registers an endpoint; the secret in the result is never shown again. */
export async function createEndpoint(
  db: Db,
  input: NewEndpoint,
  { adminId, allowPrivate }: { adminId: string; allowPrivate: boolean },
): Promise<CreateResult> {
  const parsed = newEndpointSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path[0];
    return {
      ok: false,
      field: field === "url" || field === "description" || field === "eventTypes" ? field : "form",
      message: issue.message,
    };
  }
  const url = checkEndpointUrl(parsed.data.url, { allowPrivate });
  if (!url.ok) return { ok: false, field: "url", message: url.message };
  if ((await db.webhookEndpoint.count()) >= MAX_ENDPOINTS) {
    return { ok: false, field: "form", message: `At most ${MAX_ENDPOINTS} endpoints: delete one first.` };
  }
  const secret = generateSecret();
  const row = await db.webhookEndpoint.create({
    data: {
      url: url.url,
      description: parsed.data.description,
      eventTypes: parsed.data.eventTypes,
      secret,
      createdById: adminId,
    },
    select: { id: true },
  });
  return { ok: true, id: row.id, secret };
}

/**
 * A new secret, returned once. The old one keeps signing beside it for ROTATION_OVERLAP_MS, so
 * the integrator can deploy the new one without losing a message. Null: no such endpoint.
 */
export async function rotateSecret(db: Db, id: string, now = new Date()): Promise<string | null> {
  const secret = generateSecret();
  const updated = await db.$executeRaw`
    UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_expires_at = ${new Date(now.getTime() + ROTATION_OVERLAP_MS)},
      secret = ${secret}, updated_at = now()
    WHERE id = ${id}::uuid`;
  return updated === 1 ? secret : null;
}

export async function setEndpointEnabled(db: Db, id: string, enabled: boolean): Promise<boolean> {
  return (await db.webhookEndpoint.updateMany({ where: { id }, data: { enabled } })).count === 1;
}

/** Deletes the endpoint with its deliveries and their attempts (the events stay). */
export async function deleteEndpoint(db: Db, id: string): Promise<boolean> {
  return (await db.webhookEndpoint.deleteMany({ where: { id } })).count === 1;
}

/** Queues a `webhook.test` event to this endpoint only. Null: no such endpoint, or it is disabled. */
export async function sendTestEvent(db: Db, id: string, adminId: string): Promise<string | null> {
  const emitted = await emitEvent(db, {
    type: "webhook.test",
    key: `webhook.test:${id}:${randomUUID()}`,
    userId: null,
    endpointId: id,
    data: { endpointId: id, message: `A test event sent from the Tollgate admin console by admin ${adminId}.` },
  });
  return emitted?.msgId ?? null;
}

export async function listEndpoints(db: Db, now = new Date()): Promise<EndpointRow[]> {
  const rows = await db.$queryRaw<(Omit<EndpointRow, "rotating"> & { previousSecretExpiresAt: Date | null })[]>`
    SELECT ep.id, ep.url, ep.description, ep.event_types AS "eventTypes", ep.enabled, ep.created_by_id AS "createdById",
           u.email AS "createdByEmail", ep.created_at AS "createdAt", ep.previous_secret_expires_at AS "previousSecretExpiresAt",
           (SELECT count(*)::int FROM webhook_deliveries d WHERE d.endpoint_id = ep.id AND d.status = 'pending') AS pending,
           (SELECT count(*)::int FROM webhook_deliveries d WHERE d.endpoint_id = ep.id AND d.status = 'failed') AS failed
    FROM webhook_endpoints ep LEFT JOIN users u ON u.id = ep.created_by_id
    ORDER BY ep.created_at`;
  return rows.map(({ previousSecretExpiresAt, ...row }) => ({
    ...row,
    rotating: previousSecretExpiresAt !== null && previousSecretExpiresAt > now,
  }));
}

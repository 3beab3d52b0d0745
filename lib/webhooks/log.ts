// The delivery log of the admin console: deliveries filtered by endpoint, status and type (newest
// first, keyset pages), one delivery with its event and every attempt, and the failed count of the
// navigation. Read-only; the pages check the admin role.
import { z } from "zod";
import { Prisma } from "../db/generated/client";
import type { Db } from "../db/connect";
import { WEBHOOK_EVENT_SCHEMAS, type WebhookEventType } from "./events";

export const DELIVERY_STATUSES = ["pending", "succeeded", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export const PAGE_SIZE = 50;

const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const blank = (v: unknown) => (v === "" ? undefined : v);

export const deliveryFiltersSchema = z.object({
  endpoint: z.preprocess((v) => blank(one(v)), z.uuid({ error: "Not an endpoint id" }).optional()),
  status: z.preprocess((v) => blank(one(v)), z.enum(DELIVERY_STATUSES, { error: "Unknown status" }).optional()),
  type: z.preprocess(
    (v) => blank(one(v)),
    z.enum(Object.keys(WEBHOOK_EVENT_SCHEMAS) as [WebhookEventType], { error: "Unknown event type" }).optional(),
  ),
  /** `<created at ISO>_<delivery id>` of the last row of the previous page. */
  before: z.preprocess(
    (v) => blank(one(v)),
    z
      .string()
      .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z_[0-9a-f-]{36}$/, "Not a page cursor")
      .optional(),
  ),
});
export type DeliveryFilters = z.infer<typeof deliveryFiltersSchema>;

export type FiltersParse = { ok: true; filters: DeliveryFilters } | { ok: false; error: string };

export function parseDeliveryFilters(params: Record<string, string | string[] | undefined>): FiltersParse {
  const parsed = deliveryFiltersSchema.safeParse(params);
  return parsed.success ? { ok: true, filters: parsed.data } : { ok: false, error: parsed.error.issues[0]!.message };
}

/** The query string of a filtered page (cursor included when given). */
export function deliveryQuery(filters: DeliveryFilters): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
  const text = query.toString();
  return text ? `?${text}` : "";
}

export interface DeliveryRow {
  id: string;
  createdAt: Date;
  type: string;
  msgId: string;
  userId: string | null;
  endpointId: string;
  url: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
}

export async function listDeliveries(
  db: Db,
  filters: DeliveryFilters,
): Promise<{ rows: DeliveryRow[]; nextCursor: string | null }> {
  const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (filters.endpoint) conditions.push(Prisma.sql`d.endpoint_id = ${filters.endpoint}::uuid`);
  if (filters.status) conditions.push(Prisma.sql`d.status = ${filters.status}::webhook_delivery_status`);
  if (filters.type) conditions.push(Prisma.sql`e.type = ${filters.type}`);
  if (filters.before) {
    const [at, id] = filters.before.split("_") as [string, string];
    conditions.push(Prisma.sql`(d.created_at, d.id) < (${new Date(at)}::timestamptz, ${id}::uuid)`);
  }
  const rows = await db.$queryRaw<DeliveryRow[]>`
    SELECT d.id, d.created_at AS "createdAt", e.type, e.msg_id AS "msgId", e.user_id AS "userId",
           d.endpoint_id AS "endpointId", ep.url, d.status::text AS status, d.attempts,
           d.next_attempt_at AS "nextAttemptAt", d.last_attempt_at AS "lastAttemptAt",
           d.last_status_code AS "lastStatusCode", d.last_error AS "lastError"
    FROM webhook_deliveries d
    JOIN webhook_events e ON e.id = d.event_id
    JOIN webhook_endpoints ep ON ep.id = d.endpoint_id
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY d.created_at DESC, d.id DESC
    LIMIT ${PAGE_SIZE + 1}`;
  const page = rows.slice(0, PAGE_SIZE);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > PAGE_SIZE && last ? `${last.createdAt.toISOString()}_${last.id}` : null,
  };
}

export interface AttemptRow {
  attempt: number;
  trigger: "schedule" | "replay";
  startedAt: Date;
  durationMs: number;
  succeeded: boolean;
  statusCode: number | null;
  error: string | null;
  response: string | null;
}

export interface DeliveryDetail extends DeliveryRow {
  enabled: boolean;
  payload: string;
  lastResponse: string | null;
  succeededAt: Date | null;
  attemptsLog: AttemptRow[];
}

/** One delivery with its event's body and every attempt; null when there is none with this id. */
export async function deliveryDetail(db: Db, id: string): Promise<DeliveryDetail | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const [row] = await db.$queryRaw<Omit<DeliveryDetail, "attemptsLog">[]>`
    SELECT d.id, d.created_at AS "createdAt", e.type, e.msg_id AS "msgId", e.user_id AS "userId", e.payload,
           d.endpoint_id AS "endpointId", ep.url, ep.enabled, d.status::text AS status, d.attempts,
           d.next_attempt_at AS "nextAttemptAt", d.last_attempt_at AS "lastAttemptAt",
           d.last_status_code AS "lastStatusCode", d.last_error AS "lastError", d.last_response AS "lastResponse",
           d.succeeded_at AS "succeededAt"
    FROM webhook_deliveries d
    JOIN webhook_events e ON e.id = d.event_id
    JOIN webhook_endpoints ep ON ep.id = d.endpoint_id
    WHERE d.id = ${id}::uuid`;
  if (!row) return null;
  const attemptsLog = await db.$queryRaw<AttemptRow[]>`
    SELECT attempt, trigger, started_at AS "startedAt", duration_ms AS "durationMs", succeeded,
           status_code AS "statusCode", error, response
    FROM webhook_delivery_attempts WHERE delivery_id = ${id}::uuid ORDER BY attempt DESC`;
  return { ...row, attemptsLog };
}

/** Deliveries that failed for good (the navigation's badge). */
export async function countFailedDeliveries(db: Db): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'failed'`;
  return row?.n ?? 0;
}

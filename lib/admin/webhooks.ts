// The admin view of `stripe_webhooks_log`: newest first, keyset-paginated on (received_at, id) so a
// page is one index range whatever the table's size, filtered by status and event type. The URL's
// search params are validated here (zod) for the page in app/admin/webhooks.
import { z } from "zod";
import type { Db } from "../db/client";
import { decodeCursor, encodeCursor } from "../tokens/ledger";

export const WEBHOOK_STATUSES = ["processing", "processed", "failed", "ignored"] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

const emptyIsAbsent = (value: unknown) => (value === "" ? undefined : value);

export const webhookParamsSchema = z.object({
  status: z.preprocess(
    emptyIsAbsent,
    z.enum(WEBHOOK_STATUSES, { error: `status must be one of ${WEBHOOK_STATUSES.join(", ")}` }).optional(),
  ),
  type: z.preprocess(
    emptyIsAbsent,
    z
      .string()
      .max(100, "type is at most 100 characters")
      .regex(/^[a-z0-9_.]+$/, "type is a Stripe event type such as invoice.paid")
      .optional(),
  ),
  cursor: z.preprocess(
    emptyIsAbsent,
    z
      .string()
      .max(200)
      .refine(
        (value) => decodeCursor(value) !== null,
        "cursor is not a page link of this list; start again from the first page",
      )
      .optional(),
  ),
});
export type WebhookParams = z.infer<typeof webhookParamsSchema>;

/** Reads status, type and cursor from a page's searchParams (a repeated parameter is refused). */
export function parseWebhookParams(
  input: Record<string, string | string[] | undefined>,
): { ok: true; params: WebhookParams } | { ok: false; error: string } {
  const raw: Record<string, unknown> = {};
  for (const key of ["status", "type", "cursor"] as const) {
    const value = input[key];
    if (Array.isArray(value)) return { ok: false, error: `${key} may be given once` };
    raw[key] = value;
  }
  const parsed = webhookParamsSchema.safeParse(raw);
  return parsed.success ? { ok: true, params: parsed.data } : { ok: false, error: parsed.error.issues[0]!.message };
}

export function webhookQuery(params: WebhookParams): string {
  const search = new URLSearchParams();
  if (params.status) search.set("status", params.status);
  if (params.type) search.set("type", params.type);
  if (params.cursor) search.set("cursor", params.cursor);
  const text = search.toString();
  return text ? `?${text}` : "";
}

export interface WebhookRow {
  id: bigint;
  stripeEventId: string;
  type: string;
  status: WebhookStatus;
  attempts: number;
  error: string | null;
  receivedAt: Date;
  processedAt: Date | null;
}

export interface WebhookPage {
  rows: WebhookRow[];
  /** The cursor of the next (older) page, null on the last page. */
  nextCursor: string | null;
}

const ROW_FIELDS = {
  id: true,
  stripeEventId: true,
  type: true,
  status: true,
  attempts: true,
  error: true,
  receivedAt: true,
  processedAt: true,
} as const;

export async function listWebhookEvents(db: Db, params: WebhookParams, limit = 50): Promise<WebhookPage> {
  const after = params.cursor ? decodeCursor(params.cursor) : null;
  const rows = await db.stripeWebhookLog.findMany({
    where: {
      ...(params.status ? { status: params.status } : {}),
      ...(params.type ? { type: params.type } : {}),
      ...(after
        ? { OR: [{ receivedAt: { lt: after.createdAt } }, { receivedAt: after.createdAt, id: { lt: after.id } }] }
        : {}),
    },
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: ROW_FIELDS,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.receivedAt, id: last.id }) : null,
  };
}

/** The event types present in the log, for the type filter. */
export async function webhookEventTypes(db: Db): Promise<string[]> {
  const rows = await db.stripeWebhookLog.findMany({
    distinct: ["type"],
    select: { type: true },
    orderBy: { type: "asc" },
  });
  return rows.map((r) => r.type);
}

export interface WebhookDetail extends WebhookRow {
  claimedAt: Date;
  /** The stored payload, pretty-printed (2 spaces). */
  payloadJson: string;
}

export async function webhookEvent(db: Db, stripeEventId: string): Promise<WebhookDetail | null> {
  const row = await db.stripeWebhookLog.findUnique({
    where: { stripeEventId },
    select: { ...ROW_FIELDS, claimedAt: true, payload: true },
  });
  if (!row) return null;
  const { payload, ...rest } = row;
  return { ...rest, payloadJson: JSON.stringify(payload, null, 2) };
}

/** A Stripe event id as it appears in URLs (evt_…); anything else is not looked up. */
export const stripeEventIdSchema = z.string().regex(/^evt_[A-Za-z0-9_]{1,200}$/, "not a Stripe event id");

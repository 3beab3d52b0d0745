// The outgoing webhooks' event types, their payloads, and `emitEvent`: the transactional outbox
// every feature reports through (docs/OUTGOING_WEBHOOKS.md lists the payloads for integrators).
//
// How a feature reports an event — inside the transaction of the change it reports:
//
//   await db.$transaction(async (tx) => {
//     …the change (a ledger grant, a top-up's state) …
//     await emitEvent(tx, {
//       type: "topup.succeeded",
//       key: `topup.succeeded:${paymentIntentId}`, // names the cause: a retry emits nothing new
//       userId,
//       data: { userId, packId, grantedMillitokens: "500000", amountCents: 499, currency: "eur", paymentIntentId },
//     });
//   });
//   deliverWebhooksSoon(); // after commit (lib/webhooks/deliver-soon.ts); the cron delivers otherwise
//
// Guarantees:
//   - Transactional: the event and its deliveries are rows of the caller's transaction, so an
//     event exists if and only if what it reports committed (a rolled-back change emits nothing).
//   - Idempotent: one event per `key` (a unique column). Emitting again — a retried request, a
//     duplicate Stripe webhook — is a no-op that returns null; the first event stands.
//   - Checked: `data` is parsed by its type's schema here, so a wrong payload fails the caller's
//     transaction in development and tests, not an integrator's parser hours later. Payloads carry
//     ids, amounts (integer strings of millitokens: 1 token = 1,000) and instants (ISO 8601, UTC) —
//     never an e-mail address, a prompt, an answer or a secret.
//   - An event nobody subscribes to (no enabled endpoint has its type) is not stored at all.
//   - The body `{ "type", "timestamp", "data" }` (the Standard Webhooks envelope) is built once, by
//     the SQL function `webhook_emit` (migration outgoing_webhooks), and sent byte for byte on
//     every attempt.
import { z } from "zod";
import type { DbTx } from "../db/connect";

/** Millitokens as an integer string (exact: JSON numbers lose digits past 2^53 in most readers). */
const millitokens = z.string().regex(/^-?\d+$/, "an integer string of millitokens");
const instant = z.iso.datetime();
const userId = z.string().min(1);

/** The payload (`data`) of each event type. */
export const WEBHOOK_EVENT_SCHEMAS = {
  /** Available tokens fell below LOW_BALANCE_PERCENT of the period's allowance: once per user per period. */
  "tokens.low": z.object({
    userId,
    availableMillitokens: millitokens,
    allowanceMillitokens: millitokens,
    thresholdPercent: z.number().int().min(0).max(100),
    periodStart: instant,
    periodEnd: instant,
  }),
  /** A metered call was refused (402) for want of tokens: once per user per period. */
  "tokens.depleted": z.object({
    userId,
    availableMillitokens: millitokens,
    periodStart: instant,
    periodEnd: instant,
  }),
  /** A call was refused because it would pass the user's spend limit for the period. */
  "spend_limit.reached": z.object({
    userId,
    limitMillitokens: millitokens,
    /** Charged this period. */
    spentMillitokens: millitokens,
    /** Held by calls in flight when the call was refused (they count against the cap too). */
    heldMillitokens: millitokens,
    periodStart: instant,
    periodEnd: instant,
  }),
  /** An automatic top-up was paid and its tokens granted. */
  "topup.succeeded": z.object({
    userId,
    packId: z.string().min(1),
    grantedMillitokens: millitokens,
    amountCents: z.number().int().min(0),
    currency: z.string().length(3),
    paymentIntentId: z.string().min(1),
  }),
  /** An automatic top-up could not be paid (it needs the user's authentication, or failed); auto top-up is off. */
  "topup.failed": z.object({
    userId,
    packId: z.string().min(1),
    reason: z.enum(["requires_action", "payment_failed"]),
    paymentIntentId: z.string().min(1).nullable(),
  }),
  /** A new allowance period started: the unused allowance expired and the period's was granted. */
  "period.started": z.object({
    userId,
    periodStart: instant,
    periodEnd: instant,
    plan: z.enum(["paid", "free"]),
    planId: z.string().nullable(),
    allowanceMillitokens: millitokens,
    expiredMillitokens: millitokens,
    purchasedMillitokens: millitokens,
  }),
  /** Sent only by the admin console's "Send test event", to one endpoint. */
  "webhook.test": z.object({ endpointId: z.string(), message: z.string() }),
} as const;

export type WebhookEventType = keyof typeof WEBHOOK_EVENT_SCHEMAS;
export type WebhookEventData<T extends WebhookEventType> = z.infer<(typeof WEBHOOK_EVENT_SCHEMAS)[T]>;

/** The types an endpoint can subscribe to (the test event is sent on request, not subscribed to). */
export const WEBHOOK_EVENT_TYPES = [
  "tokens.low",
  "tokens.depleted",
  "spend_limit.reached",
  "topup.succeeded",
  "topup.failed",
  "period.started",
] as const satisfies readonly WebhookEventType[];
export type SubscribableEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const subscribableEventType = z.enum(WEBHOOK_EVENT_TYPES);

/** The whole body an endpoint receives, for a given type (what `JSON.parse` of the body gives). */
export interface WebhookPayload<T extends WebhookEventType = WebhookEventType> {
  type: T;
  /** When the event was emitted (ISO 8601, UTC, milliseconds). */
  timestamp: string;
  data: WebhookEventData<T>;
}

export interface EmitRequest<T extends WebhookEventType> {
  type: T;
  /** Names the cause, e.g. `tokens.low:<user>:<period start>`: a second emit with it is a no-op. */
  key: string;
  userId: string | null;
  data: WebhookEventData<T>;
  /** Only this endpoint (the admin's test event); default: every enabled endpoint subscribed to `type`. */
  endpointId?: string;
}

export interface EmittedEvent {
  /** The message id (`msg_…`): the `webhook-id` header of every attempt. */
  msgId: string;
  /** Deliveries queued (one per endpoint). */
  deliveries: number;
}

/**
 * Writes the event and its deliveries in `tx` (see the guarantees above). Resolves the message, or
 * null when nothing was written: the key was emitted before, or no enabled endpoint receives it.
 */
export async function emitEvent<T extends WebhookEventType>(
  tx: DbTx,
  event: EmitRequest<T>,
): Promise<EmittedEvent | null> {
  const data = WEBHOOK_EVENT_SCHEMAS[event.type].parse(event.data);
  const rows = await tx.$queryRaw<{ msg_id: string; deliveries: number }[]>`
    SELECT msg_id, deliveries FROM webhook_emit(${event.type}, ${event.key}, ${event.userId},
      ${JSON.stringify(data)}::jsonb, ${event.endpointId ?? null}::uuid)`;
  const row = rows[0];
  return row ? { msgId: row.msg_id, deliveries: row.deliveries } : null;
}

/** Parses a received body into a typed payload (tests; the docs show integrators the same). */
export function parseWebhookPayload(body: string): WebhookPayload {
  const raw = z
    .object({
      type: z.enum(Object.keys(WEBHOOK_EVENT_SCHEMAS) as [WebhookEventType]),
      timestamp: instant,
      data: z.unknown(),
    })
    .parse(JSON.parse(body));
  return { ...raw, data: WEBHOOK_EVENT_SCHEMAS[raw.type].parse(raw.data) } as WebhookPayload;
}

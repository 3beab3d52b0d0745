// The delivery worker: POSTs due deliveries, records each attempt, and schedules retries.
//
// Guarantees:
//   - Safe concurrently: deliveries are claimed with FOR UPDATE SKIP LOCKED in one statement that
//     also stamps the claim (`claimed_until`, `attempts + 1`), so any number of workers — instances,
//     the cron and the after-commit kicks — never POST one delivery twice for one attempt. Right
//     before its POST a worker renews its claim, only if it is still its own and alive: a worker
//     that stalled past CLAIM_MS sends nothing (whoever took the delivery over sends it). The one
//     window left is a process frozen for CLAIM_MS − the timeout (45 s) in the middle of a POST.
//   - An outcome is recorded only on the claim it belongs to (`attempts` unchanged), so a worker
//     whose claim ran out (it hung past CLAIM_MS) and was taken over cannot overwrite the newer
//     outcome; each attempt has its own row (unique per delivery and number).
//   - 2xx is delivered. Anything else — another status, a timeout, a refused address, a network
//     error — is retried after RETRY_DELAYS_MS (Svix's schedule: ~27.6 h from the first attempt to
//     the last), then the delivery is `failed` and shows in the admin console.
//   - At least once: a crash between a receiver's 2xx and the `succeeded` mark sends the message
//     again once the claim runs out, under the same `webhook-id`, by which receivers dedupe.
//   - Every attempt is signed at the moment it is sent (a fresh `webhook-timestamp`, so a receiver's
//     five-minute tolerance holds for a retry or a replay days later) over the stored body.
//   - A disabled endpoint's deliveries wait (they are not claimed) until it is enabled again.
import type { Db } from "../db/connect";
import { signatureHeaders } from "./signing";
import { postWebhook, type PostResult } from "./transport";

/**
 * Waits after the 1st, 2nd, … failed attempt: the first attempt is immediate, then 5 s, 5 min,
 * 30 min, 2 h, 5 h, 10 h, 10 h — Svix's schedule, 8 attempts over 27 h 35 min.
 */
export const RETRY_DELAYS_MS = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** How long a claimed delivery is its worker's: longer than an attempt's timeout. */
export const CLAIM_MS = 60_000;

export interface WorkerOptions {
  /** The scheduling clock: which deliveries are due, and when the next retry is (tests move it). */
  now?: Date;
  /** The instant each attempt is signed with (default: the wall clock at the POST). */
  signedAt?: () => Date;
  /** Deliveries claimed (and POSTed at once) in one call; default 10. */
  limit?: number;
  /** Lets endpoints on loopback and private networks be reached (WEBHOOKS_ALLOW_PRIVATE_URLS). */
  allowPrivate: boolean;
  timeoutMs?: number;
  /** Runs between the claim and the POSTs (tests use it to stall a worker past its claim). */
  afterClaim?: () => Promise<void>;
}

export interface WorkerReport {
  succeeded: number;
  retried: number;
  failed: number;
}

interface Claimed {
  id: string;
  attempts: number;
  statusBefore: "pending" | "succeeded" | "failed";
  msgId: string;
  payload: string;
  url: string;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
}

const CLAIMED_COLUMNS = `c.id, c.attempts, c.status_before AS "statusBefore", e.msg_id AS "msgId", e.payload, ep.url,
  ep.secret, ep.previous_secret AS "previousSecret", ep.previous_secret_expires_at AS "previousSecretExpiresAt"`;

/**
 * Delivers what is due (pending, past its next attempt, not claimed by a live worker, endpoint
 * enabled), at most `limit`, and records each outcome. Safe to run any number of times, from
 * several instances at once.
 */
export async function deliverDueWebhooks(db: Db, options: WorkerOptions): Promise<WorkerReport> {
  const now = options.now ?? new Date();
  const claimedUntil = new Date(now.getTime() + CLAIM_MS);
  const rows = await db.$queryRawUnsafe<Claimed[]>(
    `WITH due AS (
       SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints ep ON ep.id = d.endpoint_id
       WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND (d.claimed_until IS NULL OR d.claimed_until < $1)
         AND ep.enabled
       ORDER BY d.next_attempt_at
       LIMIT $3
       FOR UPDATE OF d SKIP LOCKED
     ), c AS (
       UPDATE webhook_deliveries d SET attempts = d.attempts + 1, claimed_until = $2, updated_at = now()
       FROM due WHERE d.id = due.id
       RETURNING d.id, d.attempts, d.event_id, d.endpoint_id, d.status AS status_before
     )
     SELECT ${CLAIMED_COLUMNS}
     FROM c JOIN webhook_events e ON e.id = c.event_id JOIN webhook_endpoints ep ON ep.id = c.endpoint_id`,
    now,
    claimedUntil,
    options.limit ?? 10,
  );
  const report: WorkerReport = { succeeded: 0, retried: 0, failed: 0 };
  // The batch's POSTs at once (a batch is small: `limit`, default 10), so none waits behind a slow
  // endpoint past its claim; each re-checks its claim just before it POSTs.
  if (rows.length > 0) await options.afterClaim?.();
  const clock = schedulingClock(now);
  const outcomes = await Promise.all(rows.map((row) => attempt(db, row, "schedule", clock, options)));
  for (const outcome of outcomes) if (outcome !== "taken_over") report[outcome]++;
  return report;
}

/** The scheduling clock as it runs on from `start` (an injected instant moves with real time). */
function schedulingClock(start: Date): () => Date {
  const began = Date.now();
  return () => new Date(start.getTime() + (Date.now() - began));
}

export type ReplayResult =
  | { ok: true; outcome: "succeeded" | "retried" | "failed" }
  | { ok: false; reason: "not_found" | "in_flight" | "endpoint_disabled" };

/**
 * An admin's replay of one delivery, whatever its status: one new attempt now, of the same message
 * (same `webhook-id` and body, a fresh signature), recorded like any other. A success marks it
 * succeeded; a failure leaves a delivery that was still in its schedule in it (the next retry
 * follows the backoff) and marks any other failed — a replay is one attempt, not a new schedule.
 * Refused while a worker holds the delivery (it is being sent right now).
 */
export async function replayDelivery(db: Db, deliveryId: string, options: WorkerOptions): Promise<ReplayResult> {
  const now = options.now ?? new Date();
  const rows = await db.$queryRawUnsafe<(Claimed & { enabled: boolean })[]>(
    `WITH due AS (
       SELECT d.id, d.status FROM webhook_deliveries d JOIN webhook_endpoints ep ON ep.id = d.endpoint_id
       WHERE d.id = $1::uuid AND (d.claimed_until IS NULL OR d.claimed_until < $2) AND ep.enabled
       FOR UPDATE OF d SKIP LOCKED
     ), c AS (
       UPDATE webhook_deliveries d SET attempts = d.attempts + 1, claimed_until = $3, updated_at = now()
       FROM due WHERE d.id = due.id
       RETURNING d.id, d.attempts, d.event_id, d.endpoint_id, due.status AS status_before
     )
     SELECT ${CLAIMED_COLUMNS}
     FROM c JOIN webhook_events e ON e.id = c.event_id JOIN webhook_endpoints ep ON ep.id = c.endpoint_id`,
    deliveryId,
    now,
    new Date(now.getTime() + CLAIM_MS),
  );
  const row = rows[0];
  if (!row) {
    const [found] = await db.$queryRaw<{ enabled: boolean }[]>`
      SELECT ep.enabled FROM webhook_deliveries d JOIN webhook_endpoints ep ON ep.id = d.endpoint_id
      WHERE d.id = ${deliveryId}::uuid`;
    if (!found) return { ok: false, reason: "not_found" };
    return { ok: false, reason: found.enabled ? "in_flight" : "endpoint_disabled" };
  }
  const outcome = await attempt(db, row, "replay", schedulingClock(now), options);
  return outcome === "taken_over" ? { ok: false, reason: "in_flight" } : { ok: true, outcome };
}

function secretsOf(row: Claimed, at: Date): string[] {
  const secrets = [row.secret];
  if (row.previousSecret && row.previousSecretExpiresAt && row.previousSecretExpiresAt > at) {
    secrets.push(row.previousSecret);
  }
  return secrets;
}

/** At most `max` characters, without NUL (which a PostgreSQL text value cannot hold). */
const clip = (text: string, max: number) => text.replaceAll("\u0000", "").slice(0, max);

/**
 * One POST of a claimed delivery and its record. First the claim is renewed — only if it is still
 * ours (same `attempts`) and has not run out — so a delivery whose claim lapsed before its POST
 * (a worker stalled) is left to the worker that took it over: "taken_over", nothing sent.
 */
async function attempt(
  db: Db,
  row: Claimed,
  trigger: "schedule" | "replay",
  clock: () => Date,
  options: WorkerOptions,
): Promise<"succeeded" | "retried" | "failed" | "taken_over"> {
  const renewedAt = clock();
  const renewed = await db.$executeRaw`
    UPDATE webhook_deliveries SET claimed_until = ${new Date(renewedAt.getTime() + CLAIM_MS)}
    WHERE id = ${row.id}::uuid AND attempts = ${row.attempts} AND claimed_until >= ${renewedAt}`;
  if (renewed === 0) return "taken_over";
  const signedAt = options.signedAt?.() ?? new Date();
  const started = Date.now();
  let result: PostResult | null = null;
  let error: string | null = null;
  try {
    const headers = signatureHeaders(row.msgId, row.payload, secretsOf(row, signedAt), signedAt);
    result = await postWebhook(row.url, { ...headers }, row.payload, {
      allowPrivate: options.allowPrivate,
      timeoutMs: options.timeoutMs,
    });
  } catch (e) {
    error = clip((e as Error)?.message ?? String(e), 1_000);
  }
  const durationMs = Date.now() - started;
  if (result) result = { ...result, response: clip(result.response, 1_000) };
  const ok = result !== null && result.statusCode >= 200 && result.statusCode < 300;
  if (!ok && !error) error = `HTTP ${result?.statusCode}`;

  let status: "succeeded" | "pending" | "failed";
  let nextAttemptAt: Date | null = null;
  if (ok) status = "succeeded";
  else if (row.attempts < MAX_ATTEMPTS && (trigger === "schedule" || row.statusBefore === "pending")) {
    status = "pending";
    nextAttemptAt = new Date(clock().getTime() + RETRY_DELAYS_MS[row.attempts - 1]!);
  } else status = "failed";

  // Both writes in one transaction, and only while the claim is still ours (attempts unchanged).
  await db.$transaction(async (tx) => {
    const updated = await tx.$executeRaw`
      UPDATE webhook_deliveries SET status = ${status}::webhook_delivery_status, claimed_until = NULL,
        next_attempt_at = coalesce(${nextAttemptAt}::timestamptz, next_attempt_at),
        last_attempt_at = ${signedAt}, last_status_code = ${result?.statusCode ?? null},
        last_error = ${ok ? null : error}, last_response = ${result?.response ?? null},
        succeeded_at = CASE WHEN ${ok} THEN ${signedAt}::timestamptz ELSE succeeded_at END, updated_at = now()
      WHERE id = ${row.id}::uuid AND attempts = ${row.attempts}`;
    if (updated === 0) return; // taken over: the newer claim records its own outcome
    await tx.$executeRaw`
      INSERT INTO webhook_delivery_attempts (delivery_id, attempt, trigger, started_at, duration_ms, succeeded,
        status_code, error, response)
      VALUES (${row.id}::uuid, ${row.attempts}, ${trigger}, ${signedAt}, ${durationMs}, ${ok},
        ${result?.statusCode ?? null}, ${ok ? null : error}, ${result?.response ?? null})
      ON CONFLICT (delivery_id, attempt) DO NOTHING`;
  });
  return ok ? "succeeded" : status === "pending" ? "retried" : "failed";
}

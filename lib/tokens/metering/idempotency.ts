// `Idempotency-Key` for metered requests: the first request with a key claims it and, when done,
// stores its response; a retry with the same key gets that response back (and no second charge),
// a concurrent one is told to wait, and the same key with a different request is refused.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { DbTx } from "../../db/client";

export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");

export function requestFingerprint(method: string, path: string, body: string): string {
  return createHash("sha256").update(`${method}\n${path}\n`).update(body).digest("hex");
}

export type Claim =
  | { state: "claimed"; id: string }
  | { state: "replay"; status: number; contentType: string | null; body: Buffer }
  | { state: "in_progress" }
  | { state: "mismatch" };

/** Claims `key` for this request (one round trip when it is new). */
export async function claimIdempotencyKey(
  tx: DbTx,
  { userId, key, feature, fingerprint }: { userId: string; key: string; feature: string; fingerprint: string },
): Promise<Claim> {
  const [claimed] = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO metered_requests (user_id, idempotency_key, feature, fingerprint)
    VALUES (${userId}, ${key}, ${feature}, ${fingerprint})
    ON CONFLICT (user_id, idempotency_key) DO NOTHING
    RETURNING id::text`;
  if (claimed) return { state: "claimed", id: claimed.id };
  const existing = await tx.meteredRequest.findUnique({
    where: { userId_idempotencyKey: { userId, idempotencyKey: key } },
  });
  if (!existing) return claimIdempotencyKey(tx, { userId, key, feature, fingerprint }); // released meanwhile
  if (existing.fingerprint !== fingerprint) return { state: "mismatch" };
  if (existing.status !== "completed") return { state: "in_progress" };
  return {
    state: "replay",
    status: existing.responseStatus ?? 200,
    contentType: existing.contentType,
    body: Buffer.from(existing.responseBody ?? "", "base64"),
  };
}

/** Stores the response (any content type: the body is kept as base64) for replays. */
export async function completeIdempotencyKey(
  tx: DbTx,
  id: string,
  response: { status: number; contentType: string | null; body: string | Uint8Array },
): Promise<void> {
  const body = typeof response.body === "string" ? Buffer.from(response.body, "utf8") : Buffer.from(response.body);
  await tx.meteredRequest.update({
    where: { id },
    data: {
      status: "completed",
      responseStatus: response.status,
      contentType: response.contentType,
      responseBody: body.toString("base64"),
      completedAt: new Date(),
    },
  });
}

/** A request that failed before producing a result frees its key, so a retry runs again. */
export async function releaseIdempotencyKey(tx: DbTx, id: string): Promise<void> {
  await tx.meteredRequest.deleteMany({ where: { id, status: "processing" } });
}

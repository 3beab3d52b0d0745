// The Idempotency-Key stage (the storage is ./idempotency.ts). Without the header, nothing happens.
// With it: an invalid key is a 400; the first request claims the key; a retry of a completed request
// gets the stored response back (`Idempotent-Replayed: true`, no handler run, no second charge); a
// retry while the first still runs is a 409 with Retry-After; the same key with another request
// (method, path and body fingerprinted) is a 422.
//
// The returned claim stores the final response for replays (`remember`: retried while the database is
// unreachable, waited for a bounded time, a failure logged, never thrown) or frees the key when the
// request ends without a result (`forget`), so that a retry runs again.
import type { Db } from "../../db/client";
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  idempotencyKeySchema,
  releaseIdempotencyKey,
  requestFingerprint,
} from "./idempotency";
import { apiError } from "../../http/api-error";
import { untilLanded, within, type SettleRetryOptions } from "./settle-retry";
import type { MeteringLog } from "./types";

export interface IdempotencyClaim {
  /** Whether this request holds a key (its response must then be remembered or the key forgotten). */
  readonly claimed: boolean;
  remember(status: number, contentType: string, body: string | Uint8Array): Promise<void>;
  forget(): Promise<void>;
}

export async function claimRequest(
  request: Request,
  body: Buffer,
  {
    db,
    userId,
    feature,
    retry,
    log,
  }: { db: Db; userId: string; feature: string; retry: SettleRetryOptions; log: MeteringLog },
  balanceHeader: () => Promise<Record<string, string>>,
): Promise<{ response: Response } | { claim: IdempotencyClaim }> {
  const keyHeader = request.headers.get("idempotency-key");
  if (keyHeader === null) return { claim: NO_CLAIM };
  const key = idempotencyKeySchema.safeParse(keyHeader);
  if (!key.success)
    return {
      response: apiError("invalid_request", `Idempotency-Key ${key.error.issues[0]?.message ?? "is invalid"}.`),
    };
  const fingerprint = requestFingerprint(request.method, new URL(request.url).pathname, body.toString("latin1"));
  const claim = await claimIdempotencyKey(db, { userId, key: key.data, feature, fingerprint });
  if (claim.state === "replay") {
    return {
      response: new Response(new Uint8Array(claim.body), {
        status: claim.status,
        headers: {
          "content-type": claim.contentType ?? "application/json",
          "idempotent-replayed": "true",
          ...(await balanceHeader()),
        },
      }),
    };
  }
  if (claim.state === "in_progress") {
    return {
      response: apiError(
        "request_in_progress",
        "A request with this Idempotency-Key is still running; retry shortly.",
        { headers: { "retry-after": "1" } },
      ),
    };
  }
  if (claim.state === "mismatch") {
    return {
      response: apiError(
        "idempotency_key_reused",
        "This Idempotency-Key was used for a different request; use a new key.",
      ),
    };
  }
  const id = claim.id;
  return {
    claim: {
      claimed: true,
      async remember(status, contentType, body) {
        const stored = untilLanded(() => completeIdempotencyKey(db, id, { status, contentType, body }), retry).catch(
          (error) => log("idempotency_store_failed", { feature, userId, id, message: (error as Error)?.message }),
        );
        await within(stored, retry.waitMs);
      },
      async forget() {
        try {
          await releaseIdempotencyKey(db, id);
        } catch (error) {
          log("idempotency_release_failed", { feature, userId, id, message: (error as Error)?.message });
        }
      },
    },
  };
}

/** A request without an Idempotency-Key: nothing to remember or forget. */
const NO_CLAIM: IdempotencyClaim = { claimed: false, remember: async () => {}, forget: async () => {} };

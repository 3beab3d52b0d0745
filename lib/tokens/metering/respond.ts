// The wrapper's JSON answers, shared by its stages: every answer is JSON with `no-store` (bigints as
// numbers), and the two 503s say what happened to the charge. Amounts go out in tokens.
import { millitokensToTokens } from "../units";

/** Millitokens as the tokens a response shows. */
export const tokens = (millitokens: bigint) => millitokensToTokens(millitokens);

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body, (_key, value) => (typeof value === "bigint" ? Number(value) : value)), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

/** Seconds a client should wait before retrying while the database is unreachable. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** 503 for a request that met an unreachable database before any model call: nothing was charged. */
export function unavailable(): Response {
  return json(
    503,
    { error: "unavailable", message: "The service cannot reach its database right now. Nothing was charged; retry in a few seconds." },
    { "retry-after": String(UNAVAILABLE_RETRY_AFTER_SECONDS) },
  );
}

/**
 * 503 for a call the provider answered whose charge could not be recorded in time: the answer is
 * withheld (a delivered answer is always charged), the charge lands when the database is back.
 */
export function chargePending(withKey: boolean): Response {
  return json(
    503,
    {
      error: "unavailable",
      message:
        "The answer is ready, but the database cannot be reached to record its charge, so it is withheld. " +
        "What the AI provider billed will be charged once the database is back" +
        (withKey ? "; retry with the same Idempotency-Key to receive the answer then." : "; retry in a few seconds."),
    },
    { "retry-after": String(UNAVAILABLE_RETRY_AFTER_SECONDS) },
  );
}

// The wrapper's JSON answers, shared by its stages: every answer goes through the HTTP contract
// (lib/http: JSON with `no-store`, bigints as numbers), and the two 503s say what happened to the
// charge. Amounts go out in tokens.
import { apiError } from "../../http/api-error";
import { UNAVAILABLE_RETRY_AFTER_SECONDS } from "../../http/error-contract";
import { millitokensToTokens } from "../units";

export { UNAVAILABLE_RETRY_AFTER_SECONDS };

/** Millitokens as the tokens a response shows. */
export const tokens = (millitokens: bigint) => millitokensToTokens(millitokens);

/** 503 for a request that met an unreachable database before any model call: nothing was charged. */
export function unavailable(): Response {
  return apiError(
    "unavailable",
    "The service cannot reach its database right now. Nothing was charged; retry in a few seconds.",
    {
      headers: { "retry-after": String(UNAVAILABLE_RETRY_AFTER_SECONDS) },
    },
  );
}

/**
 * 503 for a call the provider answered whose charge could not be recorded in time: the answer is
 * withheld (a delivered answer is always charged), the charge lands when the database is back.
 */
export function chargePending(withKey: boolean): Response {
  return apiError(
    "unavailable",
    "The answer is ready, but the database cannot be reached to record its charge, so it is withheld. " +
      "What the AI provider billed will be charged once the database is back" +
      (withKey ? "; retry with the same Idempotency-Key to receive the answer then." : "; retry in a few seconds."),
    { headers: { "retry-after": String(UNAVAILABLE_RETRY_AFTER_SECONDS) } },
  );
}

// The one HTTP error contract: every refusal is JSON `{ error, message, ...extra }` with the status
// its code names, never an empty body, never cached. `ApiErrorCode` is closed and is exactly the
// table "The error contract" in docs/TOKEN_INTEGRATION_GUIDE.md (a test parses the table, so the two
// cannot drift): a new code is a new row there and here.
import { jsonResponse } from "./json";

/** Each code's HTTP status and what it means, in one place. */
export const API_ERRORS = {
  invalid_request: { status: 400, meaning: "invalid body, query or header, or the handler threw `BadRequestError`" },
  invalid_query: { status: 400, meaning: "a report's or cron's query parameter is invalid; `field` names it" },
  invalid_filter: { status: 400, meaning: "a history export filter is invalid; `field` names it" },
  invalid_month: { status: 400, meaning: "the usage report's `month` is missing, malformed or in the future" },
  invalid_signature: { status: 400, meaning: "a Stripe webhook without a valid `Stripe-Signature`" },
  unauthorized: { status: 401, meaning: "no session (or a signed-out one), or a cron call without `CRON_SECRET`" },
  insufficient_tokens: { status: 402, meaning: "the worst case exceeds what is available (nothing is held)" },
  spend_limit_reached: {
    status: 402,
    meaning: "the worst case would take the period's spend past the user's spend limit (nothing is held)",
  },
  cross_site_request: { status: 403, meaning: "a browser request from another site" },
  forbidden: { status: 403, meaning: "signed in, but not allowed (admin routes)" },
  no_token_account: { status: 403, meaning: "the user has no token balance row" },
  not_found: { status: 404, meaning: "the voice session does not exist or is not the caller's" },
  conflict: { status: 409, meaning: "the voice session is in a state that does not allow this (ended)" },
  request_in_progress: { status: 409, meaning: "the same `Idempotency-Key` (or Stripe event) is still running" },
  payload_too_large: { status: 413, meaning: "the body is above the route's limit" },
  idempotency_key_reused: { status: 422, meaning: "the same `Idempotency-Key` with a different body" },
  rate_limited: { status: 429, meaning: "above the per-user limit" },
  internal_error: { status: 500, meaning: "the handler threw, or the server is misconfigured" },
  upstream_error: { status: 502, meaning: "the provider failed" },
  invalid_ai_answer: { status: 502, meaning: "the provider's answer did not match the feature's schema" },
  unavailable: { status: 503, meaning: "the database cannot be reached" },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;

export interface ApiErrorOptions {
  headers?: Record<string, string>;
  /** Fields beside `error` and `message` (`field`, `issues`, `tokens`, …); bigints become numbers. */
  extra?: Record<string, unknown>;
}

/**
 * The response for `code`: its status, body `{ error: code, message, ...extra }`. `message` may be
 * left out only where the guide's table shows none (402, whose figures speak for themselves).
 */
export function apiError(
  code: ApiErrorCode,
  message: string | undefined,
  { headers = {}, extra = {} }: ApiErrorOptions = {},
): Response {
  return jsonResponse(apiErrorBody(code, message, extra), { status: API_ERRORS[code].status, headers });
}

/** The body alone, for answers built elsewhere (the Stripe webhook's `{ received, … }`). */
export function apiErrorBody(code: ApiErrorCode, message: string | undefined, extra: Record<string, unknown> = {}) {
  return { error: code, ...(message === undefined ? {} : { message }), ...extra };
}

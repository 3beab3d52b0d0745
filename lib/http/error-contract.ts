// The error contract (./api-error.ts) for what a route handler itself did not answer: the body is
// always JSON `{ error, message }`, never an empty 500. A database that cannot be reached is a 503
// `unavailable` with Retry-After (a client, or Stripe, retries); anything else is a 500
// `internal_error`, logged with the route. Handlers keep answering their own 4xx as before.
import { isDatabaseUnavailable } from "../db/unavailable";
import { apiError } from "./api-error";
import { logger } from "../log";

const log = logger("http");

/** Seconds a client should wait before retrying while the database is unreachable. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

export function unavailableResponse(
  message = "The service cannot reach its database right now; retry in a few seconds.",
): Response {
  return apiError("unavailable", message, { headers: { "retry-after": String(UNAVAILABLE_RETRY_AFTER_SECONDS) } });
}

/** The response for an error a route handler let escape. */
export function errorResponse(error: unknown, route: string): Response {
  if (isDatabaseUnavailable(error)) {
    log.warn({ event: "database_unavailable", route, message: (error as Error)?.message });
    return unavailableResponse();
  }
  log.error({ event: "internal_error", route, err: error });
  return apiError("internal_error", "Something went wrong on our side; retry later.");
}

/** `handler`, with whatever it throws answered by the error contract. */
export function withErrorContract<A extends unknown[]>(
  route: string,
  handler: (...args: A) => Promise<Response>,
): (...args: A) => Promise<Response> {
  return async (...args: A) => {
    try {
      return await handler(...args);
    } catch (error) {
      return errorResponse(error, route);
    }
  };
}

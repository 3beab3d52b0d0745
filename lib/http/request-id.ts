// The request id of a metered call: the caller's `X-Request-Id` when it is a plausible id (so a
// proxy's or a client's id follows the call through our logs), else a new one. It is echoed as
// `X-Request-Id` on the response, whatever its status, and carried by every log line of the call, so
// a user's "request abc failed" finds its lines. It is only a label: the ledger's own call id is
// always ours (a caller must not be able to pick the key its charge is recorded under).
import { randomUUID } from "node:crypto";
import { z } from "zod";

export const REQUEST_ID_HEADER = "x-request-id";

/** 1–128 characters that are safe in a header and a log query: letters, digits and `._:-`. */
export const requestIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/);

/** The caller's valid X-Request-Id, else a new UUID. */
export function requestIdOf(request: Request): string {
  const given = requestIdSchema.safeParse(request.headers.get(REQUEST_ID_HEADER));
  return given.success ? given.data : randomUUID();
}

/** `response` with the X-Request-Id header (a copy when its headers are immutable, as fetch's are). */
export function withRequestId(response: Response, requestId: string): Response {
  try {
    response.headers.set(REQUEST_ID_HEADER, requestId);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    copy.headers.set(REQUEST_ID_HEADER, requestId);
    return copy;
  }
}

// Request bodies read within a size limit as the bytes arrive. A route that calls
// `request.arrayBuffer()`/`text()`/`json()` buffers whatever the client sends — a chunked body has no
// Content-Length to check first — so an unauthenticated client could grow the process by gigabytes.
// `readBodyLimited` pulls the body's stream chunk by chunk and stops (cancelling the stream, so the
// rest is never buffered) as soon as the count passes the limit.
import { apiError } from "./api-error";

export type LimitedBody = { ok: true; body: Buffer } | { ok: false; response: Response };

/** The 413 every route answers for a body over its limit. */
export function payloadTooLarge(maxBytes: number): Response {
  return apiError("payload_too_large", `The request body must be at most ${maxBytes} bytes.`);
}

/**
 * The whole body as bytes, or a 413 once more than `maxBytes` arrived (or were announced by
 * Content-Length — then nothing is read), or a 400 when the body broke off. At most `maxBytes` plus
 * one chunk is ever held in memory.
 */
export async function readBodyLimited(request: Request, maxBytes: number): Promise<LimitedBody> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) {
    await request.body?.cancel().catch(() => {});
    return { ok: false, response: payloadTooLarge(maxBytes) };
  }
  if (!request.body) return { ok: true, body: Buffer.alloc(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      // The client went away mid-body (or sent a malformed chunked encoding): nothing to serve.
      return { ok: false, response: apiError("invalid_request", "The request body could not be read.") };
    }
    const { done, value } = chunk;
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return { ok: false, response: payloadTooLarge(maxBytes) };
    }
    chunks.push(value);
  }
  return { ok: true, body: Buffer.concat(chunks, total) };
}

/**
 * The body as JSON within `maxBytes`: the value, or the response to send (413 over the limit, 400
 * when it is not JSON). For routes that took `request.json()` before.
 */
export async function readJsonLimited(
  request: Request,
  maxBytes: number,
): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const read = await readBodyLimited(request, maxBytes);
  if (!read.ok) return read;
  try {
    return { ok: true, value: JSON.parse(read.body.toString("utf8")) };
  } catch {
    return { ok: false, response: apiError("invalid_request", "The request body is not valid JSON.") };
  }
}

/**
 * Wraps a handler that reads its body itself (next-auth's): the body is read within `maxBytes`
 * first, and the handler gets an equal request (of the same class — a NextRequest stays one) whose
 * body is those bytes. Over the limit it answers 413 and the handler never runs.
 */
export function withBodyLimit<R extends Request>(
  maxBytes: number,
  handler: (request: R) => Promise<Response>,
): (request: R) => Promise<Response> {
  return async (request) => {
    if (request.method === "GET" || request.method === "HEAD") return handler(request);
    const read = await readBodyLimited(request, maxBytes);
    if (!read.ok) return read.response;
    const RequestClass = request.constructor as new (input: R, init: RequestInit) => R;
    return handler(new RequestClass(request, { body: new Uint8Array(read.body) }));
  };
}

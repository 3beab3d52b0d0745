// The one HTTP error contract: every refusal is JSON `{ error, message }` with a 4xx/5xx status,
// never an empty body, and is never cached.

/** A JSON error response `{ error, message, ...extra }`. */
export function jsonError(status: number, error: string, message: string, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}): Response {
  return new Response(JSON.stringify({ error, message, ...extra }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

// JSON answers: bigints (millitokens) go out as numbers, and nothing an API answers is cached.

/** `body` as JSON (bigints as numbers) with `no-store`; `init.headers` are added to, not replaced. */
export function jsonResponse(
  body: unknown,
  init: { status?: number; headers?: Record<string, string> } = {},
): Response {
  return new Response(
    JSON.stringify(body, (_key, value) => (typeof value === "bigint" ? Number(value) : value)),
    {
      status: init.status ?? 200,
      headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...init.headers },
    },
  );
}

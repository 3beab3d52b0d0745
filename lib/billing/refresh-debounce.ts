// Debounces the Stripe refreshes a page visit triggers (`?checkout=success`, `?portal=returned`), per
// user: a GET anyone can repeat must not turn into unbounded Stripe calls and database work.
//
// Guarantees (per server instance):
// - At most one refresh in flight per user. A caller asking for the same refresh (same key) while it
//   runs shares its result (or its error); a caller asking for another one waits for it to finish,
//   then runs (so one user never holds more than one pooled connection for this).
// - Not more often than every `minIntervalMs` per (user, key): within that time after a refresh
//   succeeded, its result is returned without calling Stripe. A failed refresh is not remembered.
// The webhooks bring the same changes anyway (same convergent effects, same idempotency keys), so a
// page that shows a result a few seconds old loses nothing.

/** A refresh of the same kind for the same user runs at most this often. */
export const REFRESH_MIN_INTERVAL_MS = 5_000;

const inFlight = new Map<string, { key: string; promise: Promise<unknown> }>();
const recent = new Map<string, { at: number; result: unknown }>();

function remember(id: string, result: unknown, minIntervalMs: number): void {
  const now = Date.now();
  if (recent.size > 10_000) {
    for (const [k, v] of recent) if (now - v.at >= minIntervalMs) recent.delete(k);
  }
  recent.set(id, { at: now, result });
}

export async function debouncedRefresh<T>(
  userId: string,
  key: string,
  run: () => Promise<T>,
  { minIntervalMs = REFRESH_MIN_INTERVAL_MS }: { minIntervalMs?: number } = {},
): Promise<T> {
  const id = `${userId}\u0000${key}`;
  for (;;) {
    const current = inFlight.get(userId);
    if (!current) break;
    if (current.key === key) return current.promise as Promise<T>;
    await current.promise.catch(() => undefined);
  }
  const last = recent.get(id);
  if (last && Date.now() - last.at < minIntervalMs) return last.result as T;

  const promise = run();
  inFlight.set(userId, { key, promise });
  try {
    const result = await promise;
    remember(id, result, minIntervalMs);
    return result;
  } finally {
    if (inFlight.get(userId)?.promise === promise) inFlight.delete(userId);
  }
}

/** Forgets every remembered refresh (tests). */
export function resetRefreshDebounce(): void {
  recent.clear();
}

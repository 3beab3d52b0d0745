// Debounces the Stripe refreshes a page visit triggers (`?checkout=success`, `?portal=returned`), per
// user: a GET anyone can repeat must not turn into unbounded Stripe calls and database work.
//
// Guarantees (per server instance):
// - At most one refresh in flight per user. A caller asking for the same refresh (same key) while it
//   runs — or while it waits for its turn — shares its result (or its error); a caller asking for
//   another one waits for it to finish, then runs (so one user never holds more than one pooled
//   connection for this).
// - Not more often than every `minIntervalMs` per (user, key): a refresh asked for sooner after the
//   previous one finished waits for the rest of the interval, then runs once for every caller that
//   asked meanwhile. It is never answered from an older run, so a user back from the portal a second
//   time within seconds still sees what they just did there.
// The webhooks bring the same changes anyway (same convergent effects, same idempotency keys).

/** A refresh of the same kind for the same user starts at most this long after the previous one ended. */
export const REFRESH_MIN_INTERVAL_MS = 2_000;

const inFlight = new Map<string, { key: string; promise: Promise<unknown> }>();
const lastEnded = new Map<string, number>();

function remember(id: string, minIntervalMs: number): void {
  const now = Date.now();
  if (lastEnded.size > 10_000) {
    for (const [k, at] of lastEnded) if (now - at >= minIntervalMs) lastEnded.delete(k);
  }
  lastEnded.set(id, now);
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
  // No await from here to the registration below: the first caller to get here runs, the others share.
  const last = lastEnded.get(id);
  const wait = last === undefined ? 0 : last + minIntervalMs - Date.now();
  const promise = wait > 0 ? new Promise<void>((resolve) => setTimeout(resolve, wait)).then(run) : run();
  inFlight.set(userId, { key, promise });
  try {
    return await promise;
  } finally {
    remember(id, minIntervalMs);
    if (inFlight.get(userId)?.promise === promise) inFlight.delete(userId);
  }
}

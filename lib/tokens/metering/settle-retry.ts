// A charge that must land: the settle of a call whose answer the provider has given (and billed) is
// retried while the database cannot be reached, until it lands. Settles and releases are idempotent
// by their reservation and request ids, so a retry after a lost answer returns the first result;
// the hold stays in place while they wait (and a settle whose hold the sweep has meanwhile expired
// still charges, from what is available then).
//
// The response does not wait forever: after `waitMs` it goes out without the charge (a JSON call
// answers 503, a stream ends with `event: error`), and the retries go on in the background.
import { isDatabaseUnavailable } from "../../db/unavailable";

export interface SettleRetryOptions {
  /** How long a response waits for its charge before it answers without it. */
  waitMs: number;
  /** The first pause between attempts; it doubles up to `maxDelayMs` (with jitter). */
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_SETTLE_RETRY: SettleRetryOptions = { waitMs: 15_000, firstDelayMs: 100, maxDelayMs: 5_000 };

/** What `within` answers when the promise has not settled in time. */
export const PENDING = Symbol("pending");

/**
 * Runs `operation` until it succeeds: while it fails because the database is unavailable it is tried
 * again after a growing pause; any other error is thrown at once (a bug is not retried forever).
 * Only for idempotent operations.
 */
export async function untilLanded<T>(
  operation: () => Promise<T>,
  options: SettleRetryOptions,
  onRetry?: (attempt: number, error: unknown) => void,
): Promise<T> {
  let delay = options.firstDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      onRetry?.(attempt, error);
      await new Promise((resolve) => setTimeout(resolve, delay / 2 + Math.random() * (delay / 2)));
      delay = Math.min(delay * 2, options.maxDelayMs);
    }
  }
}

/** `promise`'s value, or PENDING when it takes longer than `ms` (the promise goes on). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof PENDING> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof PENDING>((resolve) => {
    timer = setTimeout(() => resolve(PENDING), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

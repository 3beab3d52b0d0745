// Provider attempts, each one paid for. The SDK's own retries are off (lib/ai/client.ts,
// `maxRetries: 0`): a retry the SDK makes after a timeout is a second call the provider bills while
// the meter sees only one. Instead every model call goes through `providerCall`, which decides per
// failure what the provider billed for it:
//
//   - the provider answered an error (429, 5xx): it ran nothing it bills — OpenAI bills the tokens
//     of a response, and an error response has none — so the call is retried (once, after the
//     backoff the provider asks for) and the failed attempt costs nothing;
//   - no answer came (the request timed out, or the connection dropped after it was sent): the
//     provider may have run the whole call and billed it, and its usage is never reported to us. The
//     attempt is charged its worst case (`onUnanswered`: exact input + max output tokens, or the
//     held price of an image or an audio file) — the only figure that is never below the bill, so a
//     caller never gets an attempt for free. It is not retried: the hold covers one attempt (a
//     structured call, which holds two, makes its second attempt itself).
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";

/**
 * An attempt that got no answer, after its worst case was recorded: a 504 for the metering wrapper
 * (`upstream_error`, charged what was recorded).
 */
export class ProviderUnansweredError extends Error {
  readonly status = 504;
  constructor(readonly cause: unknown) {
    super(`The AI provider did not answer: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = "ProviderUnansweredError";
  }
}

/** What a failed provider attempt was billed. */
export type AttemptFailure = "not-billed" | "maybe-billed" | "other";

/** Statuses the provider answers before (or instead of) running a model: retried, never billed. */
const RETRIED_STATUSES = new Set([408, 409, 429, 500, 502, 503, 504]);

/** How the provider billed an attempt that threw `error`. */
export function classifyFailure(error: unknown): AttemptFailure {
  if (error instanceof ProviderUnansweredError) return "maybe-billed";
  if (error instanceof APIUserAbortError) return "other";
  if (error instanceof APIConnectionTimeoutError) return "maybe-billed";
  if (error instanceof APIConnectionError) {
    // Refused or unresolvable: the request never reached the provider.
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    return code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN" ? "not-billed" : "maybe-billed";
  }
  if (error instanceof APIError && typeof error.status === "number" && RETRIED_STATUSES.has(error.status))
    return "not-billed";
  return "other";
}

/** True when `error` is an attempt the provider may have billed without answering (charged its worst case). */
export function isUnanswered(error: unknown): boolean {
  return classifyFailure(error) === "maybe-billed";
}

export interface ProviderCallOptions {
  /** Records the worst case of an attempt that got no answer (it may have been billed in full). */
  onUnanswered(error: unknown): void;
  /** Retries after a not-billed error (default 1). */
  retries?: number;
  /** Upper bound of one backoff, ms (default 2,000). */
  maxBackoffMs?: number;
  signal?: AbortSignal;
}

/**
 * Runs one provider call. A not-billed error (429, 5xx) is retried `retries` times after the backoff
 * the provider asks for (retry-after-ms / retry-after, at most `maxBackoffMs`); an attempt that got
 * no answer is recorded with `onUnanswered` and thrown as a ProviderUnansweredError; anything else
 * is rethrown as it is.
 */
export async function providerCall<T>(run: () => Promise<T>, options: ProviderCallOptions): Promise<T> {
  const retries = options.retries ?? 1;
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const failure = classifyFailure(error);
      if (failure === "maybe-billed") {
        options.onUnanswered(error);
        throw error instanceof ProviderUnansweredError ? error : new ProviderUnansweredError(error);
      }
      if (failure !== "not-billed" || attempt >= retries || options.signal?.aborted) throw error;
      await backoff(error, options.maxBackoffMs ?? 2_000, options.signal);
    }
  }
}

/** The wait the provider asks for before a retry (retry-after-ms, retry-after), else 250 ms; capped. */
function backoff(error: unknown, maxMs: number, signal?: AbortSignal): Promise<void> {
  const headers = (error as APIError).headers;
  const ms = Number(headers?.get?.("retry-after-ms") ?? NaN);
  const seconds = Number(headers?.get?.("retry-after") ?? NaN);
  const wait = Math.min(maxMs, Number.isFinite(ms) ? ms : Number.isFinite(seconds) ? seconds * 1000 : 250);
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, wait));
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

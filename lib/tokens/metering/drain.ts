// Reading a provider's stream on after the client left, for its usage.
//
// A chat-completions stream reports what the provider bills — prompt, hidden reasoning and visible
// output — only in its last chunk (stream_options.include_usage). A client that cancels before it
// would otherwise be charged only the visible text it saw, never the reasoning. The stream is
// bounded by the request's max output tokens, so reading it to its end costs at most the hold; the
// time bound below only guards against a provider that stalls.

/** How long a cancelled stream is read on for its usage (a 800-token answer at 30 tokens/s: ~27 s). */
export const DRAIN_TIMEOUT_MS = 90_000;

/**
 * Reads `iterator` to its end (the usage chunk, then the end of the stream), passing each chunk to
 * `observe`, unless it fails or `timeoutMs` passes. Resolves `hasUsage()`: true when the usage
 * arrived; false otherwise (the caller then aborts the stream and charges what was generated).
 * Never rejects.
 */
export async function drainForUsage<C>(
  iterator: AsyncIterator<C>,
  observe: (chunk: C) => void,
  hasUsage: () => boolean,
  timeoutMs: number,
): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), timedOut]);
      if (next === "timeout" || next.done) break;
      observe(next.value);
    }
  } catch {
    // The provider's stream failed while draining: what was observed until then stands.
  } finally {
    clearTimeout(timer);
  }
  return hasUsage();
}

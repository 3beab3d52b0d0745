// The metered stream: a provider's stream as an SSE response that is settled exactly once — when it
// ends, when the provider fails it, or when the client cancels it.
//
// Each chunk goes out as `data:` (the chunk's `toData`, skipped when null); the tail is
// `event: tokens` with `{ charged, remaining }` then `data: [DONE]` after the end, `event: error`
// `{ error: "upstream_error", tokens }` after a provider failure, and `event: error`
// `{ error: "unavailable", message }` instead of either when the charge cannot land in time — never a
// cut connection. The usage charged is the provider's, read from the chunks by the route's
// `ChunkReader` (recorded once, when it arrives); only when it never comes is the text generated so
// far counted and charged. After a client cancel the provider's stream is read on for that usage
// (./drain.ts), then the settle goes on without anyone waiting. What was sent is remembered for an
// Idempotency-Key replay once charged.
import { DRAIN_TIMEOUT_MS, drainForUsage } from "./drain";
import type { Meter } from "./meter";
import { tokens } from "./respond";
import type { Settled } from "./settle";
import { PENDING } from "./settle-retry";
import type { ChunkReader, StreamOptions } from "./types";

export interface StreamHooks<U> {
  meter: Meter<U>;
  /** Settles (once); PENDING when the charge has not landed within the wait (it goes on). */
  finish(): Promise<Settled | typeof PENDING>;
  /** Settles without anyone waiting (the client is gone); retried until it lands. */
  finishInBackground(): void;
  remember(status: number, contentType: string, body: string | Uint8Array): Promise<void>;
  remainingAtStart: bigint;
  log(event: string, details: Record<string, unknown>): void;
}

/**
 * An SSE response over `source`: each chunk as `data:`, then `event: tokens` with the charge, then
 * `data: [DONE]`. Usage comes from the chunks (usually the last one). When the client
 * cancels, the provider's stream is read on to its end (drainForUsage), so that the usage the
 * provider bills — hidden reasoning included — arrives and is charged. Only when no usage ever comes
 * (the provider cut the stream, or the drain failed) is the text generated so far counted and
 * charged. Either way the request is settled exactly once.
 */
export function meteredStream<C, U>(
  source: AsyncIterable<C> & { controller?: AbortController },
  {
    reader,
    toData = (chunk: C) => chunk,
    drainTimeoutMs = DRAIN_TIMEOUT_MS,
  }: StreamOptions<C> & { reader: ChunkReader<C> },
  hooks: StreamHooks<U>,
): Response {
  const iterator = source[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  let text = "";
  let model: string | undefined;
  let usageSeen = false;
  /** Set when the client cancelled: from then on the cancel path alone settles. */
  let cancelled = false;
  const sent: string[] = [];

  /** Records the text generated so far as the call's usage, when the provider reported none. Once. */
  const chargeGenerated = () => {
    if (usageSeen) return;
    usageSeen = true;
    hooks.meter.recordGeneratedText(text, model);
  };

  /** The tail of the stream once it is charged — or, when the charge cannot be recorded in time, an error event saying so. */
  const close = async (
    controller: ReadableStreamDefaultController<Uint8Array>,
    tail: (charged: bigint, remaining: bigint) => string,
  ) => {
    const settled = await hooks.finish();
    if (settled === PENDING) {
      hooks.log("stream_charge_pending", {});
      const message =
        "The answer is complete, but its charge could not be recorded yet (the database is unreachable); it will be charged once the database is back.";
      controller.enqueue(
        encoder.encode(`event: error\ndata: ${JSON.stringify({ error: "unavailable", message })}\n\n`),
      );
      controller.close();
      return null;
    }
    const text = tail(settled.charged, settled.remaining);
    controller.enqueue(encoder.encode(text));
    controller.close();
    return { ...settled, text };
  };
  /** Reads one chunk's model, text and usage (the usage is recorded once, when it arrives). */
  const observe = (chunk: C) => {
    model = reader.model(chunk) ?? model;
    text += reader.text(chunk);
    const usage = reader.usage(chunk);
    if (usage && model && !usageSeen) {
      hooks.meter.recordText(model, usage);
      usageSeen = true;
    }
  };

  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      // Until one line is sent or the stream ends: a pull that enqueues nothing is not called again,
      // so a chunk whose `toData` is null must not end the pull (the stream would hang).
      for (;;) {
        let next: IteratorResult<C>;
        try {
          next = await iterator.next();
        } catch (error) {
          if (cancelled) return;
          chargeGenerated();
          const closed = await close(
            controller,
            (charged, remaining) =>
              `event: error\ndata: ${JSON.stringify({ error: "upstream_error", tokens: { charged: tokens(charged), remaining: tokens(remaining) } })}\n\n`,
          );
          hooks.log("stream_failed", { message: (error as Error)?.message, charged: closed?.charged ?? null });
          return;
        }
        if (cancelled) {
          if (!next.done) observe(next.value);
          return;
        }
        if (next.done) {
          chargeGenerated();
          const closed = await close(
            controller,
            (charged, remaining) =>
              `event: tokens\ndata: ${JSON.stringify({ charged: tokens(charged), remaining: tokens(remaining) })}\n\ndata: [DONE]\n\n`,
          );
          if (closed) {
            sent.push(closed.text);
            await hooks.remember(200, "text/event-stream; charset=utf-8", sent.join(""));
          }
          return;
        }
        const chunk = next.value;
        observe(chunk);
        const data = toData(chunk);
        if (data !== null && data !== undefined) {
          const line = `data: ${JSON.stringify(data)}\n\n`;
          sent.push(line);
          controller.enqueue(encoder.encode(line));
          return;
        }
      }
    },
    async cancel() {
      // The client went away (pressed Stop). The provider bills what it generated — for a reasoning
      // model the hidden reasoning first — and reports it only in the stream's last chunk. So the
      // stream is read on to its end (bounded by the request's max output tokens, and in time by
      // drainTimeoutMs) and that usage is charged. Why this and not "abort and look the call up":
      // docs/TOKEN_INTEGRATION_GUIDE.md, "A stream the client stops".
      cancelled = true;
      // Read to the end even when the usage already came: the source's own end (a stored chat turn) runs then.
      const drained = await drainForUsage(iterator, observe, () => usageSeen, drainTimeoutMs);
      if (!drained) {
        source.controller?.abort();
        // Not awaited: a stalled stream may never answer; aborting its controller ends a real one.
        void iterator.return?.(undefined)?.catch(() => undefined);
      }
      chargeGenerated();
      hooks.finishInBackground();
      const settled = await hooks.finish();
      hooks.log("stream_cancelled", {
        charged: settled === PENDING ? null : settled.charged,
        usageReported: usageSeen,
      });
      if (settled !== PENDING) await hooks.remember(200, "text/event-stream; charset=utf-8", sent.join(""));
    },
  });

  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
      "x-tokens-remaining": String(tokens(hooks.remainingAtStart)),
    },
  });
}

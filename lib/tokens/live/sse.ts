// A user's balance as a Server-Sent Events body: the current balance first, then one `balance` event
// per change (an identical snapshot — a resync, a second read of one burst — is not sent again), and
// a comment line every `heartbeatMs` so proxies and the browser keep an idle stream open and a dead
// one is noticed. The stream ends, and its feed subscription and timer go, when the client aborts
// (request signal), the body is cancelled, or — past the user's limit of open streams — a newer
// stream of the same user opens (then an `event: superseded` comes first) — whichever comes first, once.
import type { FeedSubscriber } from "./feed";

export const BALANCE_EVENT = "balance";
/** Sent before the server closes a stream because the user opened a newer one past the limit: don't reconnect. */
export const SUPERSEDED_EVENT = "superseded";
export const HEARTBEAT_MS = 15_000;

export interface BalanceStreamOptions<S> {
  feed: { subscribe(userId: string, subscriber: FeedSubscriber<S>): () => void };
  userId: string;
  /** The request's signal: the stream closes when the client goes away. */
  signal: AbortSignal;
  heartbeatMs?: number;
  /** The per-user bound on open streams (stream-limit.ts): opening past it closes the oldest. */
  limit?: { admit(userId: string, close: () => void): () => void };
}

export function balanceEventStream<S>({
  feed,
  userId,
  signal,
  heartbeatMs = HEARTBEAT_MS,
  limit,
}: BalanceStreamOptions<S>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let stop: () => void = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      let last: string | null = null;
      const send = (text: string) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop(); // the consumer is gone
        }
      };
      const unsubscribe = feed.subscribe(userId, {
        snapshot(value) {
          const data = JSON.stringify(value); // one line: JSON.stringify never emits a raw newline
          if (data === last) return;
          last = data;
          send(`event: ${BALANCE_EVENT}\ndata: ${data}\n\n`);
        },
      });
      const heartbeat = setInterval(() => send(": heartbeat\n\n"), heartbeatMs);
      let release = () => {};
      stop = () => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        unsubscribe();
        release();
        signal.removeEventListener("abort", stop);
        try {
          controller.close();
        } catch {
          // already closed or cancelled
        }
      };
      if (signal.aborted) return stop();
      signal.addEventListener("abort", stop);
      // Past the user's limit the oldest stream ends — told first, so its page does not reconnect.
      if (limit) {
        release = limit.admit(userId, () => {
          send(`event: ${SUPERSEDED_EVENT}\ndata: {}\n\n`);
          stop();
        });
      }
    },
    cancel() {
      stop();
    },
  });
}

// A user's balance as a Server-Sent Events body: the current balance first, then one `balance` event
// per change (an identical snapshot — a resync, a second read of one burst — is not sent again), and
// a comment line every `heartbeatMs` so proxies and the browser keep an idle stream open and a dead
// one is noticed. The stream ends, and its feed subscription and timer go, when the client aborts
// (request signal) or the body is cancelled — whichever comes first, once.
import type { FeedSubscriber } from "./feed";

export const BALANCE_EVENT = "balance";
export const HEARTBEAT_MS = 15_000;

export interface BalanceStreamOptions<S> {
  feed: { subscribe(userId: string, subscriber: FeedSubscriber<S>): () => void };
  userId: string;
  /** The request's signal: the stream closes when the client goes away. */
  signal: AbortSignal;
  heartbeatMs?: number;
}

export function balanceEventStream<S>({ feed, userId, signal, heartbeatMs = HEARTBEAT_MS }: BalanceStreamOptions<S>): ReadableStream<Uint8Array> {
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
      stop = () => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        unsubscribe();
        signal.removeEventListener("abort", stop);
        try {
          controller.close();
        } catch {
          // already closed or cancelled
        }
      };
      if (signal.aborted) stop();
      else signal.addEventListener("abort", stop);
    },
    cancel() {
      stop();
    },
  });
}

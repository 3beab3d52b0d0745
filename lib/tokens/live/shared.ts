// One live-balance connection per browser, however many tabs are open. Over HTTP/1.1 a browser
// allows about six connections per host, and every open EventSource keeps one: with a stream per tab
// the seventh tab would hang. So the tabs of one user elect a leader with the Web Locks API (the
// lock is freed when its tab closes or navigates away, and the next waiting tab takes over); the
// leader runs the LiveBalanceClient (stream, polling fallback) and relays every balance and mode to
// the other tabs over a BroadcastChannel. A new tab asks the leader for its latest state at once.
// Without Web Locks or BroadcastChannel every tab runs its own client. Client-safe.
import { LiveBalanceClient, type LiveBalanceClientOptions, type LiveMode } from "./client";
import type { LiveBalance } from "./snapshot";

type Message = { type: "hello" } | { type: "state"; balance?: LiveBalance | null; mode: LiveMode };

interface ChannelLike {
  postMessage(message: Message): void;
  onmessage: ((event: MessageEvent<Message>) => void) | null;
  close(): void;
}

interface LocksLike {
  request(name: string, options: { signal: AbortSignal }, callback: () => Promise<void>): Promise<unknown>;
}

export interface SharedLiveBalanceOptions {
  /** Scopes the lock and the channel: the signed-in user's id (tabs of another user never mix). */
  key: string;
  onBalance(balance: LiveBalance | null): void;
  onMode(mode: LiveMode): void;
  createClient?(
    options: Required<Pick<LiveBalanceClientOptions, "onBalance" | "onMode">>,
  ): Pick<LiveBalanceClient, "start" | "stop">;
  locks?: LocksLike | null;
  createChannel?(name: string): ChannelLike;
}

/** Starts following the live balance; returns the function that stops (and hands leadership on). */
export function startSharedLiveBalance(options: SharedLiveBalanceOptions): () => void {
  const createClient = options.createClient ?? ((o) => new LiveBalanceClient(o));
  const locks =
    options.locks !== undefined
      ? options.locks
      : typeof navigator !== "undefined" && navigator.locks
        ? navigator.locks
        : null;
  const createChannel =
    options.createChannel ??
    (typeof BroadcastChannel !== "undefined"
      ? (name: string) => new BroadcastChannel(name) as unknown as ChannelLike
      : null);

  if (!locks || !createChannel) {
    const client = createClient({ onBalance: options.onBalance, onMode: options.onMode });
    client.start();
    return () => client.stop();
  }

  const name = `tollgate-live-balance:${options.key}`;
  const channel = createChannel(name);
  const abort = new AbortController();
  let leading = false;
  let latest: { balance?: LiveBalance | null; mode: LiveMode } = { mode: "connecting" };
  let resign: (() => void) | null = null;

  channel.onmessage = ({ data }) => {
    if (data.type === "hello") {
      if (leading) channel.postMessage({ type: "state", ...latest });
    } else if (!leading) {
      if (data.balance !== undefined) options.onBalance(data.balance);
      options.onMode(data.mode);
    }
  };

  locks
    .request(name, { signal: abort.signal }, () => {
      if (abort.signal.aborted) return Promise.resolve();
      leading = true;
      return new Promise<void>((resolve) => {
        const client = createClient({
          onBalance(balance) {
            latest = { ...latest, balance };
            options.onBalance(balance);
            channel.postMessage({ type: "state", ...latest });
          },
          onMode(mode) {
            latest = { ...latest, mode };
            options.onMode(mode);
            channel.postMessage({ type: "state", ...latest });
          },
        });
        resign = () => {
          client.stop();
          leading = false;
          resolve();
        };
        client.start();
      });
    })
    .catch(() => {
      // Aborted while waiting for the lock: this tab stopped before it ever led.
    });
  channel.postMessage({ type: "hello" });

  return () => {
    abort.abort();
    resign?.();
    resign = null;
    channel.onmessage = null;
    channel.close();
  };
}

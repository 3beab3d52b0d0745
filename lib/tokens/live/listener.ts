// One LISTEN connection per server process for the `token_balance` channel (every change to
// `user_token_balance` is announced there, payload = user id, by the pump below), fanned out to
// subscribers by user id.
//
// Guarantees:
// - At most one dedicated connection, opened on the first subscription, whatever the number of
//   subscribers (one per open SSE stream).
// - A subscriber is called for changes of its own user only, and is gone after its unsubscribe
//   (the per-user set is deleted with its last subscriber: no leak per closed stream).
// - A dropped connection is re-opened with exponential backoff (capped, with jitter). Notifications
//   sent while it was down are lost, so after every successful LISTEN each subscriber is called with
//   "resync": it re-reads its balance and misses nothing — this also covers a change made between
//   a subscriber's first read and the LISTEN of the first connection.
// - A throwing subscriber never stops the others.
// - With `pumpIntervalMs`, the same connection also pumps the queue of changed balances
//   (`balance_changes`, filled by the trigger of the balance_change_queue migration) every interval
//   while it listens: one small transaction deletes the queued user ids and NOTIFYs each, so the
//   ledger's own transactions never NOTIFY (a NOTIFY serializes commits cluster-wide). Several
//   processes may pump at once: each queued change is deleted, hence announced, once; every
//   listener of the cluster receives it. Runs never overlap; a failed run is logged and retried at
//   the next tick (a broken connection is handled like any other drop).
//
// The connection factory is injected (a `pg.Client` in the app, a fake in unit tests), so this
// module reads no configuration.

export const BALANCE_CHANNEL = "token_balance";

/** Announces every queued balance change, once, after the change committed (see the header). */
export const PUMP_SQL = `WITH done AS (DELETE FROM balance_changes RETURNING user_id)
SELECT count(pg_notify('${BALANCE_CHANNEL}', user_id))::int AS announced FROM done`;

/** What the listener needs of a connection; `pg.Client` has it. */
export interface ListenClient {
  connect(): Promise<unknown>;
  query(sql: string): Promise<unknown>;
  on(event: "notification", listener: (message: { channel: string; payload?: string }) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "end", listener: () => void): unknown;
  removeAllListeners(): unknown;
  end(): Promise<unknown>;
}

/** "changed": this user's balance changed; "resync": the connection was (re)established. */
export type BalanceSignal = "changed" | "resync";
export type BalanceSubscriber = (signal: BalanceSignal) => void;

export interface BalanceListenerOptions {
  createClient(): ListenClient;
  channel?: string;
  /** First retry delay; doubles per failed attempt up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Pump the balance_changes queue this often while listening (see the header); off when unset. */
  pumpIntervalMs?: number;
  /** Random in [0, 1): jitter of the retry delays (injectable for tests). */
  random?(): number;
  log?(event: string, details: Record<string, unknown>): void;
}

type State = "idle" | "connecting" | "listening" | "waiting" | "closed";

export class BalanceListener {
  private readonly subscribers = new Map<string, Set<BalanceSubscriber>>();
  private readonly channel: string;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;
  private readonly log: (event: string, details: Record<string, unknown>) => void;
  private client: ListenClient | null = null;
  private state: State = "idle";
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private waiters: (() => void)[] = [];
  private pumpTimer: ReturnType<typeof setInterval> | null = null;
  private pumping = false;

  constructor(private readonly options: BalanceListenerOptions) {
    this.channel = options.channel ?? BALANCE_CHANNEL;
    if (!/^[a-z_][a-z0-9_]*$/.test(this.channel))
      throw new Error(`invalid channel name ${JSON.stringify(this.channel)}`);
    this.initialDelayMs = options.initialDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.random = options.random ?? Math.random;
    this.log = options.log ?? (() => {});
  }

  /** Calls `subscriber` on every change of `userId`'s balance until the returned function is called. */
  subscribe(userId: string, subscriber: BalanceSubscriber): () => void {
    if (this.state === "closed") throw new Error("the balance listener is closed");
    let set = this.subscribers.get(userId);
    if (!set) this.subscribers.set(userId, (set = new Set()));
    // A wrapper per subscription, so one function subscribed twice is two subscriptions.
    const entry: BalanceSubscriber = (signal) => subscriber(signal);
    set.add(entry);
    if (this.state === "idle") void this.connect();
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const current = this.subscribers.get(userId);
      current?.delete(entry);
      if (current?.size === 0) this.subscribers.delete(userId);
    };
  }

  /** Subscriptions currently held (for leak checks and metrics). */
  get subscriptionCount(): number {
    let count = 0;
    for (const set of this.subscribers.values()) count += set.size;
    return count;
  }

  /** Users with at least one subscription. */
  get userCount(): number {
    return this.subscribers.size;
  }

  get listening(): boolean {
    return this.state === "listening";
  }

  /** Resolves once LISTEN is active (at once if it is); never rejects — it waits through retries. */
  whenListening(): Promise<void> {
    if (this.state === "listening") return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Closes the connection and stops retrying; subscriptions are dropped. Idempotent. */
  async close(): Promise<void> {
    if (this.state === "closed") return;
    this.state = "closed";
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.subscribers.clear();
    this.stopPump();
    const client = this.client;
    this.client = null;
    if (client) await this.dispose(client);
  }

  private async connect(): Promise<void> {
    this.state = "connecting";
    const client = this.options.createClient();
    this.client = client;
    // Attached before connect: an 'error' without a listener would crash the process.
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client, new Error("connection ended")));
    client.on("notification", (message) => {
      if (message.channel === this.channel && message.payload) this.dispatch(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch (error) {
      this.lost(client, error as Error);
      return;
    }
    if (this.client !== client || this.state !== "connecting") return; // lost or closed meanwhile
    this.state = "listening";
    if (this.failures > 0) this.log("live_balance_reconnected", { after: this.failures });
    this.failures = 0;
    for (const resolve of this.waiters.splice(0)) resolve();
    this.broadcast("resync");
    this.startPump(client);
  }

  private startPump(client: ListenClient): void {
    const interval = this.options.pumpIntervalMs;
    if (!interval) return;
    this.stopPump();
    this.pumpTimer = setInterval(() => void this.pump(client), interval);
    this.pumpTimer.unref?.();
  }

  private stopPump(): void {
    if (this.pumpTimer) clearInterval(this.pumpTimer);
    this.pumpTimer = null;
  }

  /** One pump run on the listening connection (skipped while the previous one still runs). */
  private async pump(client: ListenClient): Promise<void> {
    if (this.pumping || this.client !== client || this.state !== "listening") return;
    this.pumping = true;
    try {
      await client.query(PUMP_SQL);
    } catch (error) {
      this.log("live_balance_pump_failed", { error: (error as Error).message });
    } finally {
      this.pumping = false;
    }
  }

  /** The connection failed or dropped: forget it and try again after the backoff. Once per client. */
  private lost(client: ListenClient, error: Error): void {
    if (this.client !== client || this.state === "closed") return;
    this.client = null;
    this.stopPump();
    void this.dispose(client);
    this.failures += 1;
    const ceiling = Math.min(this.maxDelayMs, this.initialDelayMs * 2 ** Math.min(this.failures - 1, 20));
    // "Equal jitter": at least half the ceiling, so many instances do not retry in lockstep.
    const delay = Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
    this.log("live_balance_connection_lost", { error: error.message, failures: this.failures, retryInMs: delay });
    this.state = "waiting";
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.state === "waiting") void this.connect();
    }, delay);
    this.retryTimer.unref?.();
  }

  private async dispose(client: ListenClient): Promise<void> {
    client.removeAllListeners();
    client.on("error", () => {}); // a late socket error of a discarded client must not crash the process
    try {
      await client.end();
    } catch {
      // Already broken: nothing to close.
    }
  }

  private dispatch(userId: string): void {
    const set = this.subscribers.get(userId);
    if (!set) return;
    for (const subscriber of [...set]) this.call(subscriber, "changed");
  }

  private broadcast(signal: BalanceSignal): void {
    for (const set of [...this.subscribers.values()]) for (const subscriber of [...set]) this.call(subscriber, signal);
  }

  private call(subscriber: BalanceSubscriber, signal: BalanceSignal): void {
    try {
      subscriber(signal);
    } catch (error) {
      this.log("live_balance_subscriber_failed", { error: (error as Error).message });
    }
  }
}

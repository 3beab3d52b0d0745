// The browser side of the live balance (client-safe, no React): an EventSource on the SSE route;
// when it errors or drops, polling of the JSON route every `pollMs` while the stream is re-opened
// with exponential backoff; an immediate refresh (and reconnect) when the page becomes visible.
//
// Guarantees: at most one EventSource and one poll timer at a time; polling stops as soon as the
// stream is open again; while the stream is open, poll answers are ignored (the stream is newer);
// a 401 (the session ended) stops everything; a stream the server superseded (the user opened too
// many) is not re-opened, polling takes over; stop() leaves no timer, listener or connection.
import type { LiveBalance } from "./snapshot";

export type LiveMode = "connecting" | "live" | "polling" | "stopped";

interface EventSourceLike {
  readyState: number;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
  close(): void;
}

export interface LiveBalanceClientOptions {
  streamUrl?: string;
  balanceUrl?: string;
  onBalance(balance: LiveBalance | null): void;
  onMode?(mode: LiveMode): void;
  pollMs?: number;
  initialRetryMs?: number;
  maxRetryMs?: number;
  createEventSource?(url: string): EventSourceLike;
  fetch?: typeof fetch;
  document?: Pick<Document, "visibilityState" | "addEventListener" | "removeEventListener">;
}

export class LiveBalanceClient {
  private source: EventSourceLike | null = null;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private mode: LiveMode = "stopped";
  private readonly o: Required<Omit<LiveBalanceClientOptions, "onMode" | "document">> &
    Pick<LiveBalanceClientOptions, "onMode" | "document">;

  constructor(options: LiveBalanceClientOptions) {
    this.o = {
      streamUrl: "/api/tokens/stream",
      balanceUrl: "/api/tokens/balance",
      pollMs: 5_000,
      initialRetryMs: 1_000,
      maxRetryMs: 30_000,
      createEventSource: (url) => new EventSource(url),
      fetch: (...args) => fetch(...args),
      document: typeof document === "undefined" ? undefined : document,
      ...options,
    };
  }

  start(): void {
    if (this.mode !== "stopped") return;
    this.o.document?.addEventListener("visibilitychange", this.onVisibility);
    this.open();
  }

  stop(): void {
    this.o.document?.removeEventListener("visibilitychange", this.onVisibility);
    this.closeSource();
    this.stopPolling();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.setMode("stopped");
  }

  get currentMode(): LiveMode {
    return this.mode;
  }

  private readonly onVisibility = () => {
    if (this.o.document?.visibilityState !== "visible" || this.mode === "stopped" || this.mode === "live") return;
    // Back to the page with the stream down: show the balance now and try the stream now.
    void this.poll();
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.open();
    }
  };

  private open(): void {
    this.closeSource();
    if (this.mode !== "polling") this.setMode("connecting");
    const source = this.o.createEventSource(this.o.streamUrl);
    this.source = source;
    source.addEventListener("balance", (event) => {
      if (this.source !== source) return;
      this.o.onBalance(JSON.parse(event.data) as LiveBalance | null);
    });
    // The server closed this stream for a newer one of the same user (too many open tabs): stay
    // current by polling, without reconnecting — a reconnect would close another tab's stream.
    source.addEventListener("superseded", () => {
      if (this.source !== source) return;
      this.closeSource();
      this.startPolling();
    });
    source.onopen = () => {
      if (this.source !== source) return;
      this.failures = 0;
      this.stopPolling();
      this.setMode("live");
    };
    source.onerror = () => {
      if (this.source !== source) return;
      // Take over from the browser's own retry: poll meanwhile, and re-open with our backoff.
      this.closeSource();
      this.startPolling();
      const delay = Math.min(this.o.maxRetryMs, this.o.initialRetryMs * 2 ** Math.min(this.failures, 20));
      this.failures += 1;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        if (this.mode !== "stopped") this.open();
      }, delay);
    };
  }

  private closeSource(): void {
    const source = this.source;
    this.source = null;
    source?.close();
  }

  private startPolling(): void {
    this.setMode("polling");
    if (this.pollTimer) return;
    void this.poll();
    this.pollTimer = setInterval(() => void this.poll(), this.o.pollMs);
  }

  private stopPolling(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  private async poll(): Promise<void> {
    try {
      const response = await this.o.fetch(this.o.balanceUrl, {
        cache: "no-store",
        headers: { accept: "application/json" },
      });
      if (response.status === 401) return this.stop();
      if (!response.ok) return;
      const body = (await response.json()) as { balance?: LiveBalance };
      if (this.mode === "live" || this.mode === "stopped" || !body.balance) return;
      this.o.onBalance(body.balance);
    } catch {
      // Offline: the next poll tries again.
    }
  }

  private setMode(mode: LiveMode): void {
    if (this.mode === mode) return;
    this.mode = mode;
    this.o.onMode?.(mode);
  }
}

// Webhook delivery like Stripe's: each event is POSTed to the endpoint as pretty-printed JSON with
// a `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>` header, so the
// SDK's `stripe.webhooks.constructEvent` verifies it. One worker delivers in queue order (a flow's
// events in Stripe's order); a non-2xx answer or a network error is retried with exponential
// backoff without holding up the rest of the queue. Runtime switches: copies per event, shuffle
// within a flow, a delay before each delivery, pause/flush.
import { createHmac } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { newId, type EventRecord } from "./store";

export interface WebhookSwitches {
  /** Deliveries per event (1 = normal; 3 = every event arrives three times). */
  copies: number;
  /** Shuffle the order of the events within each flow (a checkout, a renewal, …). */
  shuffle: boolean;
  /** Wait this long before each delivery attempt. */
  delayMs: number;
  /** Hold deliveries in the queue until `resume()` or `flush()`. */
  paused: boolean;
  /** Attempts per delivery before it is given up (1 = no retry). */
  maxAttempts: number;
  /** Backoff before retry n is `retryBaseMs × 2^(n-1)`. */
  retryBaseMs: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
}

export const DEFAULT_SWITCHES: WebhookSwitches = {
  copies: 1,
  shuffle: false,
  delayMs: 0,
  paused: false,
  maxAttempts: 4,
  retryBaseMs: 50,
  timeoutMs: 10_000,
};

export interface DeliveryAttempt {
  at: number;
  /** HTTP status, or null for a network error / timeout. */
  status: number | null;
  error: string | null;
  /** The first 2,000 characters of the response body. */
  responseBody: string | null;
}

export interface Delivery {
  id: string;
  eventId: string;
  type: string;
  /** 0 for the first copy, 1… for duplicates made by the `copies` switch. */
  copy: number;
  url: string;
  state: "queued" | "in_flight" | "retry_scheduled" | "succeeded" | "failed";
  attempts: DeliveryAttempt[];
  /** Exactly the bytes that were signed and sent. */
  payload: string;
}

/** `t=…,v1=…` for `payload` at `timestamp` (seconds), exactly as Stripe signs. */
export function signPayload(payload: string, secret: string, timestamp: number): string {
  const signature = createHmac("sha256", secret).update(`${timestamp}.${payload}`, "utf8").digest("hex");
  return `t=${timestamp},v1=${signature}`;
}

function shuffled<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export class WebhookDispatcher {
  readonly deliveries: Delivery[] = [];
  switches: WebhookSwitches;
  private queue: Delivery[] = [];
  private running = false;
  private closed = false;
  private inFlight = 0;
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private waiters: Array<() => void> = [];
  private readonly aborter = new AbortController();

  constructor(
    public url: string | null,
    public secret: string,
    switches: Partial<WebhookSwitches> = {},
    private readonly random: () => number = Math.random,
  ) {
    this.switches = { ...DEFAULT_SWITCHES, ...switches };
  }

  /** Queues a flow's events (no-op without a webhook URL: events are still retrievable from the API). */
  enqueue(events: EventRecord[]): void {
    if (!this.url || this.closed || events.length === 0) return;
    const ordered = this.switches.shuffle ? shuffled(events, this.random) : events;
    const copies = Math.max(1, Math.floor(this.switches.copies));
    for (const event of ordered) {
      const payload = JSON.stringify(event, null, 2);
      for (let copy = 0; copy < copies; copy++) {
        const delivery: Delivery = {
          id: newId("whd"),
          eventId: event.id,
          type: event.type,
          copy,
          url: this.url,
          state: "queued",
          attempts: [],
          payload,
        };
        this.deliveries.push(delivery);
        this.queue.push(delivery);
      }
    }
    this.kick();
  }

  pause(): void {
    this.switches.paused = true;
  }

  resume(): void {
    this.switches.paused = false;
    this.kick();
  }

  /** Delivers everything queued now, even while paused; resolves when all of it has a final answer. */
  async flush(): Promise<void> {
    const batch = this.queue.splice(0);
    for (const delivery of batch) await this.attempt(delivery);
    await this.settled();
  }

  /** True when nothing is queued, in flight or waiting for a retry. */
  isSettled(): boolean {
    return this.queue.length === 0 && this.inFlight === 0 && this.retryTimers.size === 0;
  }

  /**
   * Resolves when every queued delivery got a final answer (2xx, or given up after `maxAttempts`).
   * Rejects after `timeoutMs` (e.g. when paused with deliveries queued).
   */
  settled(timeoutMs = 15_000): Promise<void> {
    if (this.isSettled()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        const queued = this.queue.length;
        reject(
          new Error(
            `Stripe simulator: webhooks not settled after ${timeoutMs} ms (${queued} queued${this.switches.paused ? ", delivery paused" : ""}, ${this.inFlight} in flight, ${this.retryTimers.size} retries pending)`,
          ),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(done);
    });
  }

  /** Forgets deliveries and the queue; pending retries are dropped. */
  reset(): void {
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
    this.queue = [];
    this.deliveries.length = 0;
    this.notify();
  }

  close(): void {
    this.closed = true;
    this.aborter.abort();
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
    this.queue = [];
    this.notify();
  }

  private notify(): void {
    if (!this.isSettled()) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private kick(): void {
    if (this.running || this.closed) return;
    this.running = true;
    void this.run();
  }

  private async run(): Promise<void> {
    try {
      while (!this.closed && !this.switches.paused) {
        const next = this.queue.shift();
        if (!next) break;
        await this.attempt(next);
      }
    } finally {
      this.running = false;
      this.notify();
    }
  }

  private async attempt(delivery: Delivery): Promise<void> {
    this.inFlight += 1;
    delivery.state = "in_flight";
    try {
      if (this.switches.delayMs > 0) {
        try {
          await sleep(this.switches.delayMs, undefined, { signal: this.aborter.signal });
        } catch {
          return;
        }
      }
      const timestamp = Math.floor(Date.now() / 1000);
      const attempt: DeliveryAttempt = { at: Date.now(), status: null, error: null, responseBody: null };
      try {
        const response = await fetch(delivery.url, {
          method: "POST",
          headers: {
            "content-type": "application/json; charset=utf-8",
            "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            "stripe-signature": signPayload(delivery.payload, this.secret, timestamp),
          },
          body: delivery.payload,
          signal: AbortSignal.any([this.aborter.signal, AbortSignal.timeout(this.switches.timeoutMs)]),
        });
        attempt.status = response.status;
        attempt.responseBody = (await response.text()).slice(0, 2000);
      } catch (error) {
        attempt.error = error instanceof Error ? error.message : String(error);
      }
      delivery.attempts.push(attempt);
      if (attempt.status !== null && attempt.status >= 200 && attempt.status < 300) {
        delivery.state = "succeeded";
      } else if (delivery.attempts.length >= this.switches.maxAttempts || this.closed) {
        delivery.state = "failed";
      } else {
        delivery.state = "retry_scheduled";
        const backoff = this.switches.retryBaseMs * 2 ** (delivery.attempts.length - 1);
        const timer = setTimeout(() => {
          this.retryTimers.delete(timer);
          delivery.state = "queued";
          this.queue.push(delivery);
          this.kick();
          this.notify();
        }, backoff);
        this.retryTimers.add(timer);
      }
    } finally {
      this.inFlight -= 1;
      this.notify();
    }
  }
}

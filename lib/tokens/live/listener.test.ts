import { EventEmitter } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BalanceListener, PUMP_SQL, type BalanceSignal, type ListenClient } from "./listener";

/** A stand-in for pg.Client: records its queries; the test drives connect results and drops. */
class FakeClient extends EventEmitter implements ListenClient {
  queries: string[] = [];
  ended = false;
  constructor(private readonly failConnect = false) {
    super();
  }
  async connect() {
    if (this.failConnect) throw new Error("connection refused");
  }
  async query(sql: string) {
    this.queries.push(sql);
  }
  async end() {
    this.ended = true;
  }
  notify(payload: string, channel = "token_balance") {
    this.emit("notification", { channel, payload });
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

function setup(outcomes: boolean[] = []) {
  const clients: FakeClient[] = [];
  const listener = new BalanceListener({
    createClient: () => {
      const client = new FakeClient(outcomes[clients.length] === false);
      clients.push(client);
      return client;
    },
    initialDelayMs: 100,
    maxDelayMs: 1_000,
    random: () => 1, // the ceiling itself: deterministic delays
  });
  return { listener, clients };
}

function recorder() {
  const calls: BalanceSignal[] = [];
  return { calls, fn: (signal: BalanceSignal) => void calls.push(signal) };
}

describe("BalanceListener", () => {
  let listener: BalanceListener | undefined;
  afterEach(async () => {
    await listener?.close();
    vi.useRealTimers();
  });

  it("opens one connection on the first subscription and LISTENs once, however many subscribe", async () => {
    const s = setup();
    listener = s.listener;
    expect(s.clients).toHaveLength(0);
    listener.subscribe("u1", () => {});
    listener.subscribe("u1", () => {});
    listener.subscribe("u2", () => {});
    await listener.whenListening();
    expect(s.clients).toHaveLength(1);
    expect(s.clients[0]!.queries).toEqual(["LISTEN token_balance"]);
  });

  it("delivers a notification to the subscribers of that user only", async () => {
    const s = setup();
    listener = s.listener;
    const [a1, a2, b] = [recorder(), recorder(), recorder()];
    listener.subscribe("alice", a1.fn);
    listener.subscribe("alice", a2.fn);
    listener.subscribe("bob", b.fn);
    await listener.whenListening();
    for (const r of [a1, a2, b]) r.calls.length = 0; // drop the initial resync

    s.clients[0]!.notify("alice");
    expect(a1.calls).toEqual(["changed"]);
    expect(a2.calls).toEqual(["changed"]);
    expect(b.calls).toEqual([]);

    s.clients[0]!.notify("carol"); // nobody listening for carol
    s.clients[0]!.notify("bob", "other_channel"); // another channel
    expect(b.calls).toEqual([]);
  });

  it("calls every subscriber with resync once LISTEN is active (changes before it are not lost)", async () => {
    const s = setup();
    listener = s.listener;
    const a = recorder();
    listener.subscribe("alice", a.fn);
    expect(a.calls).toEqual([]);
    await listener.whenListening();
    expect(a.calls).toEqual(["resync"]);
  });

  it("removes a subscriber on unsubscribe and forgets a user with no subscribers left (no leak)", async () => {
    const s = setup();
    listener = s.listener;
    const a = recorder();
    const b = recorder();
    const offA = listener.subscribe("alice", a.fn);
    const offB = listener.subscribe("alice", b.fn);
    await listener.whenListening();
    expect(listener.subscriptionCount).toBe(2);

    offA();
    offA(); // idempotent: must not remove b
    expect(listener.subscriptionCount).toBe(1);
    a.calls.length = b.calls.length = 0;
    s.clients[0]!.notify("alice");
    expect(a.calls).toEqual([]);
    expect(b.calls).toEqual(["changed"]);

    offB();
    expect(listener.subscriptionCount).toBe(0);
    expect(listener.userCount).toBe(0);

    // Many streams opening and closing leave nothing behind.
    const offs = Array.from({ length: 1_000 }, (_, i) => listener!.subscribe(`user-${i % 10}`, () => {}));
    expect(listener.userCount).toBe(10);
    offs.forEach((off) => off());
    expect(listener.subscriptionCount).toBe(0);
    expect(listener.userCount).toBe(0);
  });

  it("one function subscribed twice is two subscriptions, each removed by its own unsubscribe", async () => {
    const s = setup();
    listener = s.listener;
    const a = recorder();
    const off1 = listener.subscribe("alice", a.fn);
    listener.subscribe("alice", a.fn);
    await listener.whenListening();
    a.calls.length = 0;
    off1();
    s.clients[0]!.notify("alice");
    expect(a.calls).toEqual(["changed"]);
  });

  it("a throwing subscriber does not stop the others", async () => {
    const s = setup();
    listener = s.listener;
    const b = recorder();
    listener.subscribe("alice", () => {
      throw new Error("broken stream");
    });
    listener.subscribe("alice", b.fn);
    await listener.whenListening();
    b.calls.length = 0;
    s.clients[0]!.notify("alice");
    expect(b.calls).toEqual(["changed"]);
  });

  describe("reconnecting", () => {
    beforeEach(() => vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] }));

    it("re-opens a dropped connection after the backoff, then resyncs every subscriber", async () => {
      const s = setup();
      listener = s.listener;
      const a = recorder();
      listener.subscribe("alice", a.fn);
      await listener.whenListening();
      a.calls.length = 0;

      s.clients[0]!.emit("error", new Error("terminating connection due to administrator command"));
      s.clients[0]!.emit("end"); // pg emits both; one retry only
      expect(listener.listening).toBe(false);
      expect(s.clients[0]!.ended).toBe(true);

      await vi.advanceTimersByTimeAsync(99);
      expect(s.clients).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      await flush();
      expect(s.clients).toHaveLength(2);
      expect(listener.listening).toBe(true);
      expect(s.clients[1]!.queries).toEqual(["LISTEN token_balance"]);
      expect(a.calls).toEqual(["resync"]);

      // The old client's late events change nothing; the new one delivers.
      s.clients[0]!.emit("error", new Error("late"));
      s.clients[0]!.notify("alice");
      s.clients[1]!.notify("alice");
      expect(a.calls).toEqual(["resync", "changed"]);
      expect(s.clients).toHaveLength(2);
    });

    it("backs off exponentially up to the cap while connecting fails, and resets after a success", async () => {
      // Five failed attempts, then success.
      const s = setup([false, false, false, false, false, true]);
      listener = s.listener;
      listener.subscribe("alice", () => {});
      await flush();
      expect(s.clients).toHaveLength(1);

      const delays = [100, 200, 400, 800, 1_000]; // capped at maxDelayMs
      for (const [i, delay] of delays.entries()) {
        await vi.advanceTimersByTimeAsync(delay - 1);
        expect(s.clients, `attempt ${i + 2} not before ${delay} ms`).toHaveLength(i + 1);
        await vi.advanceTimersByTimeAsync(1);
        await flush();
        expect(s.clients).toHaveLength(i + 2);
      }
      expect(listener.listening).toBe(true);

      // A later drop starts again from the first delay.
      s.clients[5]!.emit("end");
      await vi.advanceTimersByTimeAsync(100);
      await flush();
      expect(s.clients).toHaveLength(7);
    });

    it("stops retrying once closed", async () => {
      const s = setup([false]);
      listener = s.listener;
      listener.subscribe("alice", () => {});
      await flush();
      await listener.close();
      await vi.advanceTimersByTimeAsync(10_000);
      expect(s.clients).toHaveLength(1);
      expect(() => listener!.subscribe("alice", () => {})).toThrow(/closed/);
    });
  });
});

describe("BalanceListener's pump of the balance change queue", () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "setTimeout", "clearTimeout"] }));
  afterEach(() => vi.useRealTimers());

  /** A client whose pump queries can be held open, to prove runs never overlap. */
  class SlowClient extends EventEmitter implements ListenClient {
    queries: string[] = [];
    release: (() => void) | null = null;
    async connect() {}
    query(sql: string) {
      this.queries.push(sql);
      if (sql === PUMP_SQL) return new Promise<void>((resolve) => (this.release = resolve));
      return Promise.resolve();
    }
    async end() {}
  }

  it("pumps on its listening connection every interval, never two runs at once, and stops when closed", async () => {
    const client = new SlowClient();
    const listener = new BalanceListener({ createClient: () => client, pumpIntervalMs: 200 });
    listener.subscribe("u1", () => {});
    await listener.whenListening();
    const pumps = () => client.queries.filter((q) => q === PUMP_SQL).length;
    expect(pumps()).toBe(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(pumps()).toBe(1);
    await vi.advanceTimersByTimeAsync(600); // the first run still holds: no second one
    expect(pumps()).toBe(1);
    client.release!();
    await vi.advanceTimersByTimeAsync(200);
    expect(pumps()).toBe(2);
    client.release!();
    await listener.close();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(pumps()).toBe(2);
  });

  it("a failed run is logged and the next tick runs again", async () => {
    const client = new FakeClient();
    let failures = 0;
    client.query = async (sql: string) => {
      client.queries.push(sql);
      if (sql === PUMP_SQL && failures++ === 0) throw new Error("deadlock detected");
    };
    const logged: string[] = [];
    const listener = new BalanceListener({
      createClient: () => client,
      pumpIntervalMs: 100,
      log: (event) => void logged.push(event),
    });
    listener.subscribe("u1", () => {});
    await listener.whenListening();
    await vi.advanceTimersByTimeAsync(200);
    expect(client.queries.filter((q) => q === PUMP_SQL)).toHaveLength(2);
    expect(logged).toEqual(["live_balance_pump_failed"]);
    await listener.close();
  });

  it("does not pump without pumpIntervalMs", async () => {
    const s = setup();
    s.listener.subscribe("u1", () => {});
    await s.listener.whenListening();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(s.clients[0]!.queries).toEqual(["LISTEN token_balance"]);
    await s.listener.close();
  });
});

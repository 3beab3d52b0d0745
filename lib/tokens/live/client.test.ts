import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LiveBalanceClient, type LiveMode } from "./client";
import type { LiveBalance } from "./snapshot";

class FakeEventSource {
  static all: FakeEventSource[] = [];
  readyState = 0;
  closed = false;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  private listeners: { type: string; listener: (event: MessageEvent<string>) => void }[] = [];
  constructor(readonly url: string) {
    FakeEventSource.all.push(this);
  }
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.push({ type, listener });
  }
  private dispatch(type: string, data: string) {
    for (const l of this.listeners) if (l.type === type) l.listener({ data } as MessageEvent<string>);
  }
  /** The server closed this stream for a newer one of the same user. */
  supersede() {
    this.dispatch("superseded", "{}");
  }
  close() {
    this.closed = true;
  }
  open() {
    this.onopen?.(new Event("open"));
  }
  fail() {
    this.onerror?.(new Event("error"));
  }
  send(balance: Partial<LiveBalance>) {
    this.dispatch("balance", JSON.stringify(balance));
  }
}

function fakeDocument() {
  const listeners = new Set<() => void>();
  return {
    visibilityState: "visible" as DocumentVisibilityState,
    addEventListener: (_: string, fn: () => void) => listeners.add(fn),
    removeEventListener: (_: string, fn: () => void) => listeners.delete(fn),
    listeners,
    show() {
      this.visibilityState = "visible";
      for (const fn of listeners) fn();
    },
  };
}

function setup(pollAnswer: () => Response = () => Response.json({ balance: { available: "42" } })) {
  const got: (string | undefined)[] = [];
  const modes: LiveMode[] = [];
  const fetches: string[] = [];
  const doc = fakeDocument();
  const client = new LiveBalanceClient({
    onBalance: (b) => got.push(b?.available),
    onMode: (m) => modes.push(m),
    pollMs: 5_000,
    initialRetryMs: 1_000,
    maxRetryMs: 4_000,
    createEventSource: (url) => new FakeEventSource(url),
    fetch: (async (url: string) => {
      fetches.push(url);
      return pollAnswer();
    }) as typeof fetch,
    document: doc as unknown as Document,
  });
  return { client, got, modes, fetches, doc, sources: FakeEventSource.all };
}

describe("LiveBalanceClient", () => {
  beforeEach(() => {
    FakeEventSource.all = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it("shows the stream's events while it is open, without polling", async () => {
    const s = setup();
    s.client.start();
    expect(s.sources).toHaveLength(1);
    expect(s.sources[0]!.url).toBe("/api/tokens/stream");
    s.sources[0]!.open();
    s.sources[0]!.send({ available: "100" });
    s.sources[0]!.send({ available: "90" });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(s.got).toEqual(["100", "90"]);
    expect(s.fetches).toEqual([]);
    expect(s.modes).toEqual(["connecting", "live"]);
  });

  it("on a stream error: polls at once and every pollMs, reconnects with backoff, stops polling once live again", async () => {
    const s = setup();
    s.client.start();
    s.sources[0]!.open();
    s.sources[0]!.fail();
    expect(s.sources[0]!.closed).toBe(true);
    expect(s.client.currentMode).toBe("polling");
    await vi.advanceTimersByTimeAsync(0);
    expect(s.fetches).toEqual(["/api/tokens/balance"]);
    expect(s.got).toEqual(["42"]);

    await vi.advanceTimersByTimeAsync(1_000); // first retry after 1 s
    expect(s.sources).toHaveLength(2);
    s.sources[1]!.fail(); // still down: next retry after 2 s
    await vi.advanceTimersByTimeAsync(1_999);
    expect(s.sources).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.sources).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(s.fetches.length).toBeGreaterThanOrEqual(2); // polled meanwhile

    s.sources[2]!.open();
    expect(s.client.currentMode).toBe("live");
    const polled = s.fetches.length;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(s.fetches).toHaveLength(polled);
  });

  it("a stream the server superseded (too many open) is closed and not re-opened; polling keeps the balance current", async () => {
    const s = setup();
    s.client.start();
    s.sources[0]!.open();
    s.sources[0]!.supersede();
    expect(s.sources[0]!.closed).toBe(true);
    expect(s.client.currentMode).toBe("polling");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(s.sources).toHaveLength(1); // no reconnect: it would close another tab's stream
    expect(s.fetches).toHaveLength(13); // at once, then every 5 s
    expect(s.got.at(-1)).toBe("42");
  });

  it("caps the reconnect delay", async () => {
    const s = setup();
    s.client.start();
    for (let i = 0; i < 6; i++) {
      s.sources.at(-1)!.fail();
      await vi.advanceTimersByTimeAsync(4_000);
    }
    expect(s.sources).toHaveLength(7);
  });

  it("a page becoming visible with the stream down refreshes and reconnects at once", async () => {
    const s = setup();
    s.client.start();
    s.sources[0]!.fail();
    await vi.advanceTimersByTimeAsync(0);
    s.sources.at(-1)!.fail(); // not yet: the retry timer runs
    const fetched = s.fetches.length;
    s.doc.show();
    await vi.advanceTimersByTimeAsync(0);
    expect(s.fetches.length).toBe(fetched + 1);
    expect(s.sources.length).toBeGreaterThanOrEqual(2);
  });

  it("a 401 while polling stops everything; stop() leaves no timer or listener", async () => {
    const s = setup(() => Response.json({ error: "unauthorized" }, { status: 401 }));
    s.client.start();
    s.sources[0]!.fail();
    await vi.advanceTimersByTimeAsync(0);
    expect(s.client.currentMode).toBe("stopped");
    expect(vi.getTimerCount()).toBe(0);
    expect(s.doc.listeners.size).toBe(0);
  });
});

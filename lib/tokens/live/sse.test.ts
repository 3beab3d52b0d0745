import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FeedSubscriber } from "./feed";
import { balanceEventStream } from "./sse";

function fakeFeed() {
  const subscribers = new Set<FeedSubscriber<{ available: string }>>();
  return {
    subscribers,
    subscribe(_userId: string, s: FeedSubscriber<{ available: string }>) {
      subscribers.add(s);
      return () => subscribers.delete(s);
    },
    push(available: string) {
      for (const s of subscribers) s.snapshot({ available });
    },
  };
}

async function readAll(stream: ReadableStream<Uint8Array>) {
  return new Response(stream).text();
}

describe("balanceEventStream", () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] }));
  afterEach(() => vi.useRealTimers());

  it("sends each distinct snapshot once as a `balance` event, a heartbeat comment every interval, and ends on abort", async () => {
    const feed = fakeFeed();
    const abort = new AbortController();
    const body = readAll(balanceEventStream({ feed, userId: "u1", signal: abort.signal, heartbeatMs: 15_000 }));
    feed.push("100");
    feed.push("100"); // a resync with nothing new: not sent again
    vi.advanceTimersByTime(15_000);
    feed.push("90");
    vi.advanceTimersByTime(15_000);
    abort.abort();
    expect(await body).toBe(
      'event: balance\ndata: {"available":"100"}\n\n' + ": heartbeat\n\n" + 'event: balance\ndata: {"available":"90"}\n\n' + ": heartbeat\n\n",
    );
    expect(feed.subscribers.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    feed.push("80"); // after the end: nothing, and no throw
  });

  it("a cancelled body unsubscribes and stops its heartbeat", async () => {
    const feed = fakeFeed();
    const stream = balanceEventStream({ feed, userId: "u1", signal: new AbortController().signal });
    expect(feed.subscribers.size).toBe(1);
    await stream.cancel();
    expect(feed.subscribers.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a request already aborted gets an empty stream and leaves no subscription", async () => {
    const feed = fakeFeed();
    const abort = new AbortController();
    abort.abort();
    expect(await readAll(balanceEventStream({ feed, userId: "u1", signal: abort.signal }))).toBe("");
    expect(feed.subscribers.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});

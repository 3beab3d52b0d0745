import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FeedSubscriber } from "./feed";
import { balanceEventStream } from "./sse";
import { PerUserStreamLimit } from "./stream-limit";

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
      'event: balance\ndata: {"available":"100"}\n\n' +
        ": heartbeat\n\n" +
        'event: balance\ndata: {"available":"90"}\n\n' +
        ": heartbeat\n\n",
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

describe("balanceEventStream with a per-user limit", () => {
  it("a fourth stream of a user closes their oldest (after `event: superseded`); other users and the newer streams stay open", async () => {
    const feed = fakeFeed();
    const limit = new PerUserStreamLimit(() => 3);
    const aborts = Array.from({ length: 5 }, () => new AbortController());
    const open = (userId: string, i: number) =>
      readAll(balanceEventStream({ feed, userId, signal: aborts[i]!.signal, limit }));
    const first = open("u1", 0);
    const others = [open("u1", 1), open("u1", 2)];
    const bob = open("u2", 3);
    expect(limit.count("u1")).toBe(3);
    const fourth = open("u1", 4);
    expect(await first).toBe("event: superseded\ndata: {}\n\n");
    expect(limit.count("u1")).toBe(3);
    expect(limit.count("u2")).toBe(1);
    expect(feed.subscribers.size).toBe(4); // u1's three newest, and u2's
    feed.push("7");
    for (const a of aborts.slice(1)) a.abort();
    for (const body of [...others, fourth, bob]) expect(await body).toBe('event: balance\ndata: {"available":"7"}\n\n');
    expect(limit.count("u1")).toBe(0);
    expect(limit.count("u2")).toBe(0);
    expect(feed.subscribers.size).toBe(0);
  });

  it("a stream that ends on its own frees its place: no newer stream closes an older one then", async () => {
    const feed = fakeFeed();
    const limit = new PerUserStreamLimit(() => 2);
    const a = new AbortController();
    const b = new AbortController();
    const first = readAll(balanceEventStream({ feed, userId: "u1", signal: a.signal, limit }));
    const second = balanceEventStream({ feed, userId: "u1", signal: new AbortController().signal, limit });
    await second.cancel();
    const third = readAll(balanceEventStream({ feed, userId: "u1", signal: b.signal, limit }));
    expect(limit.count("u1")).toBe(2);
    a.abort();
    b.abort();
    expect(await first).toBe("");
    expect(await third).toBe("");
  });
});

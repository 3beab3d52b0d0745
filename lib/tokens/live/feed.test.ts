import { describe, expect, it } from "vitest";
import { BalanceFeed } from "./feed";
import type { BalanceSubscriber } from "./listener";

/** A listener stand-in: the test fires signals per user. */
function fakeListener() {
  const subs = new Map<string, Set<BalanceSubscriber>>();
  return {
    subs,
    subscribe(userId: string, fn: BalanceSubscriber) {
      if (!subs.has(userId)) subs.set(userId, new Set());
      subs.get(userId)!.add(fn);
      return () => {
        subs.get(userId)?.delete(fn);
        if (subs.get(userId)?.size === 0) subs.delete(userId);
      };
    },
    fire(userId: string) {
      for (const fn of subs.get(userId) ?? []) fn("changed");
    },
  };
}

/** Reads that the test resolves one by one, with the value the "database" has at that moment. */
function controlledReads() {
  const values = new Map<string, number>();
  const pending: { userId: string; resolve: () => void }[] = [];
  const read = (userId: string) =>
    new Promise<number | null>((resolve) =>
      pending.push({ userId, resolve: () => resolve(values.get(userId) ?? null) }),
    );
  return {
    values,
    pending,
    read,
    async finishAll() {
      while (pending.length) {
        pending.shift()!.resolve();
        await new Promise((r) => setImmediate(r));
      }
    },
  };
}

describe("BalanceFeed", () => {
  it("sends a new subscriber the current snapshot, and each user only its own", async () => {
    const listener = fakeListener();
    const reads = controlledReads();
    reads.values.set("alice", 10).set("bob", 20);
    const feed = new BalanceFeed(listener, reads.read);
    const alice: (number | null)[] = [];
    const bob: (number | null)[] = [];
    feed.subscribe("alice", { snapshot: (v) => alice.push(v) });
    feed.subscribe("bob", { snapshot: (v) => bob.push(v) });
    await reads.finishAll();
    expect(alice).toEqual([10]);
    expect(bob).toEqual([20]);

    reads.values.set("alice", 7);
    listener.fire("alice");
    await reads.finishAll();
    expect(alice).toEqual([10, 7]);
    expect(bob).toEqual([20]);
  });

  it("coalesces a burst into one read in flight plus one after it, and ends on the last state", async () => {
    const listener = fakeListener();
    const reads = controlledReads();
    reads.values.set("alice", 100);
    const feed = new BalanceFeed(listener, reads.read);
    const got: (number | null)[] = [];
    feed.subscribe("alice", { snapshot: (v) => got.push(v) });
    feed.subscribe("alice", { snapshot: () => {} }); // a second tab: no second read
    expect(reads.pending).toHaveLength(1);

    // Three changes while the first read runs.
    reads.values.set("alice", 90);
    listener.fire("alice");
    reads.values.set("alice", 80);
    listener.fire("alice");
    listener.fire("alice");
    expect(reads.pending).toHaveLength(1);

    await reads.finishAll();
    expect(got.at(-1)).toBe(80);
    expect(got.length).toBeLessThanOrEqual(2);
  });

  it("unsubscribing the last subscriber of a user drops its listener subscription; nothing is delivered after", async () => {
    const listener = fakeListener();
    const reads = controlledReads();
    reads.values.set("alice", 1);
    const feed = new BalanceFeed(listener, reads.read);
    const got: (number | null)[] = [];
    const off1 = feed.subscribe("alice", { snapshot: (v) => got.push(v) });
    const off2 = feed.subscribe("alice", { snapshot: () => {} });
    await reads.finishAll();
    const before = got.length; // a snapshot, or two (the second subscriber asked for a fresh one)
    expect(got.every((v) => v === 1)).toBe(true);
    off1();
    expect(listener.subs.get("alice")?.size).toBe(1);
    off2();
    expect(listener.subs.has("alice")).toBe(false);
    expect(feed.userCount).toBe(0);

    listener.fire("alice");
    await reads.finishAll();
    expect(reads.pending).toHaveLength(0);
    expect(got).toHaveLength(before);
  });

  it("reports a failed read and reads again on the next change", async () => {
    const listener = fakeListener();
    let fail = true;
    const feed = new BalanceFeed(listener, async () => {
      if (fail) throw new Error("database down");
      return 5;
    });
    const errors: string[] = [];
    const got: (number | null)[] = [];
    feed.subscribe("alice", { snapshot: (v) => got.push(v), error: (e) => errors.push(e.message) });
    await new Promise((r) => setImmediate(r));
    expect(errors).toEqual(["database down"]);
    fail = false;
    listener.fire("alice");
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual([5]);
  });
});

import { describe, expect, it } from "vitest";
import type { LiveMode } from "./client";
import { startSharedLiveBalance } from "./shared";
import type { LiveBalance } from "./snapshot";

/** Web Locks stand-in: exclusive locks by name, granted in request order, abortable while waiting. */
function fakeLocks() {
  const queues = new Map<
    string,
    { run: () => Promise<void>; signal: AbortSignal; reject: (e: Error) => void; resolve: () => void }[]
  >();
  const held = new Set<string>();
  function next(name: string) {
    if (held.has(name)) return;
    const queue = queues.get(name) ?? [];
    const entry = queue.shift();
    if (!entry) return;
    held.add(name);
    void entry.run().then(() => {
      held.delete(name);
      entry.resolve();
      next(name);
    });
  }
  return {
    request(name: string, { signal }: { signal: AbortSignal }, callback: () => Promise<void>) {
      return new Promise<void>((resolve, reject) => {
        const entry = { run: callback, signal, reject, resolve };
        if (!queues.has(name)) queues.set(name, []);
        queues.get(name)!.push(entry);
        signal.addEventListener("abort", () => {
          const queue = queues.get(name)!;
          const i = queue.indexOf(entry);
          if (i >= 0) {
            queue.splice(i, 1);
            reject(new Error("AbortError"));
          }
        });
        next(name);
      });
    },
  };
}

/** BroadcastChannel stand-in: delivers to every other channel of the same name, asynchronously. */
function fakeChannels() {
  const all = new Set<{ name: string; ch: { onmessage: ((e: MessageEvent) => void) | null } }>();
  return (name: string) => {
    const ch = {
      onmessage: null as ((e: MessageEvent) => void) | null,
      postMessage(message: unknown) {
        for (const other of all)
          if (other.ch !== ch && other.name === name)
            queueMicrotask(() => other.ch.onmessage?.({ data: message } as MessageEvent));
      },
      close() {
        for (const entry of all) if (entry.ch === ch) all.delete(entry);
      },
    };
    all.add({ name, ch });
    return ch;
  };
}

function fakeClients() {
  const clients: { onBalance(b: LiveBalance | null): void; onMode(m: LiveMode): void; running: boolean }[] = [];
  return {
    clients,
    create(o: { onBalance(b: LiveBalance | null): void; onMode(m: LiveMode): void }) {
      const client = {
        ...o,
        running: false,
        start: () => void (client.running = true),
        stop: () => void (client.running = false),
      };
      clients.push(client);
      return client;
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const balance = (available: string) => ({ available }) as LiveBalance;

function tab(
  shared: {
    locks: ReturnType<typeof fakeLocks>;
    channels: ReturnType<typeof fakeChannels>;
    clients: ReturnType<typeof fakeClients>;
  },
  key = "user-1",
) {
  const seen: string[] = [];
  const modes: LiveMode[] = [];
  const stop = startSharedLiveBalance({
    key,
    onBalance: (b) => seen.push(b?.available ?? "null"),
    onMode: (m) => modes.push(m),
    locks: shared.locks,
    createChannel: shared.channels,
    createClient: (o) => shared.clients.create(o),
  });
  return { seen, modes, stop };
}

describe("startSharedLiveBalance", () => {
  it("one connection for many tabs: the leader's balances and mode reach the others", async () => {
    const shared = { locks: fakeLocks(), channels: fakeChannels(), clients: fakeClients() };
    const a = tab(shared);
    const b = tab(shared);
    const c = tab(shared);
    await tick();
    expect(shared.clients.clients).toHaveLength(1);
    const leader = shared.clients.clients[0]!;
    leader.onMode("live");
    leader.onBalance(balance("100"));
    await tick();
    for (const t of [a, b, c]) {
      expect(t.seen.at(-1)).toBe("100");
      expect(t.modes.at(-1)).toBe("live");
    }
  });

  it("a tab that opens later gets the leader's latest state at once", async () => {
    const shared = { locks: fakeLocks(), channels: fakeChannels(), clients: fakeClients() };
    tab(shared);
    await tick();
    shared.clients.clients[0]!.onMode("polling");
    shared.clients.clients[0]!.onBalance(balance("42"));
    const late = tab(shared);
    await tick();
    expect(late.seen).toEqual(["42"]);
    expect(late.modes.at(-1)).toBe("polling");
  });

  it("when the leader's tab stops, the next tab takes over with its own connection", async () => {
    const shared = { locks: fakeLocks(), channels: fakeChannels(), clients: fakeClients() };
    const a = tab(shared);
    const b = tab(shared);
    await tick();
    a.stop();
    await tick();
    expect(shared.clients.clients[0]!.running).toBe(false);
    expect(shared.clients.clients).toHaveLength(2);
    expect(shared.clients.clients[1]!.running).toBe(true);
    shared.clients.clients[1]!.onBalance(balance("7"));
    expect(b.seen.at(-1)).toBe("7");
    b.stop();
    expect(shared.clients.clients[1]!.running).toBe(false);
  });

  it("tabs of different users never share a connection or a balance", async () => {
    const shared = { locks: fakeLocks(), channels: fakeChannels(), clients: fakeClients() };
    const alice = tab(shared, "alice");
    const bob = tab(shared, "bob");
    await tick();
    expect(shared.clients.clients).toHaveLength(2);
    shared.clients.clients[0]!.onBalance(balance("1"));
    await tick();
    expect(alice.seen).toEqual(["1"]);
    expect(bob.seen).toEqual([]);
  });

  it("without Web Locks every tab runs its own client", async () => {
    const clients = fakeClients();
    const stop = startSharedLiveBalance({
      key: "u",
      onBalance: () => {},
      onMode: () => {},
      locks: null,
      createChannel: fakeChannels(),
      createClient: (o) => clients.create(o),
    });
    expect(clients.clients[0]!.running).toBe(true);
    stop();
    expect(clients.clients[0]!.running).toBe(false);
  });
});

// The live balance over real Postgres: the trigger that queues changed users, the pump that announces
// them, the LISTEN connection of the process-wide listener, and GET /api/tokens/stream and /api/tokens/balance (the real route modules;
// only the session lookup is replaced).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { grant, openAccount, release, reserve } from "../ledger";
import { BALANCE_CHANNEL, BalanceListener, PUMP_SQL, type BalanceSignal } from "./listener";
import type { LiveBalance } from "./snapshot";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("@/lib/auth/session", () => ({ sessionUserId: async () => session.userId }));

let t: TestDatabase;
let users = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  Object.assign(process.env, { DATABASE_URL: t.url, AUTH_SECRET: "a-test-secret-that-is-at-least-32-characters" });
});

afterAll(async () => {
  const { liveBalance } = await import("@/lib/live-balance");
  await liveBalance().listener.close();
  await t?.drop();
});

async function newUser(): Promise<string> {
  return t.db.$transaction(async (tx) => {
    const user = await tx.user.create({ data: { email: `live-${++users}@example.com` } });
    await openAccount(tx, { userId: user.id, now: new Date(), freeTierMillitokens: 100_000n, pricingVersion: 1 });
    return user.id;
  });
}

/** Resolves with the signals a subscriber got, once `count` arrived or after `ms`. */
function collect(listener: BalanceListener, userId: string) {
  const signals: BalanceSignal[] = [];
  const off = listener.subscribe(userId, (s) => signals.push(s));
  return {
    signals,
    off,
    changes: () => signals.filter((s) => s === "changed").length,
  };
}

async function until(condition: () => boolean, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until every notification committed so far has reached `listener`: Postgres delivers them in
 * commit order, so once a change of a marker user made now arrives, earlier ones (a new account's
 * INSERT) have arrived too.
 */
async function drain(listener: BalanceListener) {
  const marker = await newUser();
  const m = collect(listener, marker);
  await listener.whenListening();
  await t.sql(`UPDATE user_token_balance SET purchased = purchased + 1 WHERE user_id = $1`, [marker]);
  await until(() => m.changes() >= 1);
  m.off();
}

// Runs before any pump exists in this file: a commit must not NOTIFY (NOTIFY serializes commits
// cluster-wide); only the pump announces what the trigger queued.
describe("the trigger queues changed users and never notifies by itself", () => {
  it("a ledger write leaves its user in balance_changes and sends nothing; one pump run announces it once and empties the queue", async () => {
    const userId = await newUser();
    const heard: string[] = [];
    const raw = new pg.Client({ connectionString: t.url });
    await raw.connect();
    try {
      raw.on("notification", (n) => heard.push(n.payload ?? ""));
      await raw.query(`LISTEN ${BALANCE_CHANNEL}`);
      const granted = await grant(t.db, {
        userId,
        bucket: "purchased",
        kind: "grant_pack",
        amount: 1_000n,
        idempotencyKey: `queue:${userId}`,
      });
      expect(granted.ok).toBe(true);
      const held = await reserve(t.db, {
        userId,
        amount: 500n,
        feature: "chat",
        requestId: `queue-r-${userId}`,
        ttlMs: 60_000,
      });
      expect(held.ok).toBe(true);
      await pause(300);
      expect(heard).toEqual([]);
      const queued = await t.sql<{ n: number }>("SELECT count(*)::int AS n FROM balance_changes WHERE user_id = $1", [
        userId,
      ]);
      expect(queued[0]!.n).toBe(1); // three changes (sign-up, grant, hold), one queue entry

      await t.sql(PUMP_SQL);
      await until(() => heard.includes(userId));
      await pause(100);
      expect(heard.filter((id) => id === userId)).toEqual([userId]);
      const left = await t.sql<{ n: number }>("SELECT count(*)::int AS n FROM balance_changes");
      expect(left[0]!.n).toBe(0);
    } finally {
      await raw.end();
    }
  });
});

describe("the balance change queue, its pump and the listener", () => {
  let listener: BalanceListener;
  beforeAll(() => {
    listener = new BalanceListener({
      createClient: () => new pg.Client({ connectionString: t.url, application_name: "live-test-listener" }),
      initialDelayMs: 50,
      pumpIntervalMs: 50,
    });
  });
  afterAll(() => listener.close());

  it("a ledger operation on another connection reaches that user's subscriber, and only it", async () => {
    const [alice, bob] = [await newUser(), await newUser()];
    const a = collect(listener, alice);
    const b = collect(listener, bob);
    await drain(listener);
    a.signals.length = b.signals.length = 0;

    const granted = await grant(t.db, {
      userId: alice,
      bucket: "purchased",
      kind: "grant_pack",
      amount: 5_000n,
      idempotencyKey: `pack:${alice}`,
    });
    expect(granted.ok).toBe(true);
    await until(() => a.changes() === 1);
    await pause(100);
    expect(a.changes()).toBe(1);
    expect(b.changes()).toBe(0);

    // reserve and release: each changes `reserved`, each is announced.
    const held = await reserve(t.db, {
      userId: alice,
      amount: 1_000n,
      feature: "chat",
      requestId: `r-${alice}`,
      ttlMs: 60_000,
    });
    if (!held.ok) throw new Error(held.error.type);
    await until(() => a.changes() === 2);
    await release(t.db, held.reservation.id);
    await until(() => a.changes() === 3);
    expect(b.changes()).toBe(0);
    a.off();
    b.off();
  });

  it("a rolled-back change announces nothing; an update that leaves the buckets alone announces nothing", async () => {
    const alice = await newUser();
    const a = collect(listener, alice);
    await drain(listener);
    a.signals.length = 0;
    await t.db
      .$transaction(async (tx) => {
        await grant(tx, {
          userId: alice,
          bucket: "purchased",
          kind: "grant_pack",
          amount: 1_000n,
          idempotencyKey: `rollback:${alice}`,
        });
        throw new Error("roll back");
      })
      .catch(() => {});
    await t.sql(`UPDATE user_token_balance SET updated_at = now() WHERE user_id = $1`, [alice]);
    // A change after them, as a marker: once it arrives, anything sent before it has arrived too.
    await t.sql(`UPDATE user_token_balance SET purchased = purchased + 1 WHERE user_id = $1`, [alice]);
    await until(() => a.changes() >= 1);
    await pause(100);
    expect(a.changes()).toBe(1);
    a.off();
  });

  it("reconnects after its connection is killed, resyncs, and delivers again", { timeout: 60_000 }, async () => {
    const alice = await newUser();
    const a = collect(listener, alice);
    await listener.whenListening();
    const [killed] = await t.sql<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = 'live-test-listener'`,
    );
    expect(killed!.n).toBeGreaterThanOrEqual(1);
    // Generous waits: under a loaded full run (2 cores, parallel files) a reconnect can be slow.
    await until(() => !listener.listening, 15_000);
    await until(() => listener.listening, 15_000);
    await until(() => a.signals.includes("resync"), 15_000);
    await grant(t.db, {
      userId: alice,
      bucket: "purchased",
      kind: "grant_pack",
      amount: 1_000n,
      idempotencyKey: `after-kill:${alice}`,
    });
    await until(() => a.changes() === 1, 15_000);
    a.off();
  });
});

/** Reads SSE events off a response body as they arrive. */
function sseReader(response: Response) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  // A read that lost a race with the timeout is kept for the next call, so no chunk is dropped.
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
  return {
    async next(ms = 5_000): Promise<{ event: string; data: LiveBalance | null }> {
      const deadline = Date.now() + ms;
      for (;;) {
        let end;
        while ((end = buffer.indexOf("\n\n")) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(":")) continue; // heartbeat
          const event = /^event: (.+)$/m.exec(block)?.[1] ?? "message";
          const data = /^data: (.*)$/m.exec(block)?.[1] ?? "null";
          return { event, data: JSON.parse(data) };
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error("no event in time");
        pending ??= reader.read();
        const chunk = await Promise.race([pending, pause(left).then(() => null)]);
        if (!chunk) throw new Error("no event in time");
        pending = null;
        if (chunk.done) throw new Error("stream ended");
        buffer += decoder.decode(chunk.value, { stream: true });
      }
    },
    /** Resolves true if an event arrives within `ms`. */
    async anyWithin(ms: number) {
      return this.next(ms).then(
        () => true,
        () => false,
      );
    },
    cancel: () => reader.cancel(),
  };
}

describe("GET /api/tokens/stream and /api/tokens/balance", () => {
  it("refuses a request without a session", async () => {
    session.userId = null;
    const { GET: stream } = await import("@/app/api/tokens/stream/route");
    const { GET: json } = await import("@/app/api/tokens/balance/route");
    expect((await stream(new Request("http://localhost/api/tokens/stream"))).status).toBe(401);
    const response = await json(new Request("http://localhost/api/tokens/balance"));
    expect(response.status).toBe(401);
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("answers the balance as JSON, never cached", async () => {
    const alice = await newUser();
    session.userId = alice;
    const { GET } = await import("@/app/api/tokens/balance/route");
    const response = await GET(new Request("http://localhost/api/tokens/balance"));
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const { balance } = (await response.json()) as { balance: LiveBalance };
    expect(balance).toMatchObject({
      available: "100000",
      allowance: "100000",
      purchased: "0",
      reserved: "0",
      status: "healthy",
      planName: null,
    });
  });

  it("streams the current balance, then each change of that user only; an abort removes the subscription", async () => {
    const { GET } = await import("@/app/api/tokens/stream/route");
    const { liveBalance } = await import("@/lib/live-balance");
    const [alice, bob] = [await newUser(), await newUser()];
    const subscriptionsBefore = liveBalance().listener.subscriptionCount;

    session.userId = alice;
    const abort = new AbortController();
    const response = await GET(new Request("http://localhost/api/tokens/stream", { signal: abort.signal }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(response.headers.get("cache-control")).toContain("no-transform");
    const events = sseReader(response);

    const first = await events.next();
    expect(first.event).toBe("balance");
    expect(first.data).toMatchObject({ available: "100000", status: "healthy" });
    await liveBalance().listener.whenListening();

    // Another user's change: no event on alice's stream.
    await grant(t.db, {
      userId: bob,
      bucket: "purchased",
      kind: "grant_pack",
      amount: 7_000n,
      idempotencyKey: `pack:${bob}`,
    });
    expect(await events.anyWithin(500)).toBe(false);

    // Alice spends: the hold shows at once, then its release.
    const held = await reserve(t.db, {
      userId: alice,
      amount: 95_000n,
      feature: "chat",
      requestId: `s-${alice}`,
      ttlMs: 60_000,
    });
    if (!held.ok) throw new Error(held.error.type);
    const afterHold = await events.next();
    expect(afterHold.data).toMatchObject({ available: "5000", reserved: "95000", status: "low" });
    await release(t.db, held.reservation.id);
    expect((await events.next()).data).toMatchObject({ available: "100000", reserved: "0", status: "healthy" });

    expect(liveBalance().listener.subscriptionCount).toBe(subscriptionsBefore + 1);
    abort.abort();
    await until(() => liveBalance().listener.subscriptionCount === subscriptionsBefore);
    expect(liveBalance().feed.userCount).toBe(0);
    await expect(events.next(1_000)).rejects.toThrow(/stream ended/);
  });

  it("a body cancelled by its consumer also removes the subscription; two streams of one user both get a change", async () => {
    const { GET } = await import("@/app/api/tokens/stream/route");
    const { liveBalance } = await import("@/lib/live-balance");
    const alice = await newUser();
    session.userId = alice;
    const before = liveBalance().listener.subscriptionCount;
    const tabs = [
      sseReader(await GET(new Request("http://localhost/api/tokens/stream"))),
      sseReader(await GET(new Request("http://localhost/api/tokens/stream"))),
    ];
    for (const tab of tabs) expect((await tab.next()).data).toMatchObject({ available: "100000" });
    await liveBalance().listener.whenListening();
    await grant(t.db, {
      userId: alice,
      bucket: "purchased",
      kind: "grant_pack",
      amount: 2_000n,
      idempotencyKey: `pack2:${alice}`,
    });
    for (const tab of tabs) expect((await tab.next()).data).toMatchObject({ available: "102000", purchased: "2000" });
    await Promise.all(tabs.map((tab) => tab.cancel()));
    await until(() => liveBalance().listener.subscriptionCount === before);
    expect(liveBalance().feed.userCount).toBe(0);
  });
});

// The metering wrapper while PostgreSQL is unreachable. The wrapper talks to the database through a
// loopback proxy that plays the outage (open connections reset, new ones refused, as a stopped server
// does); the test's own assertions use a direct connection. What must hold (issue 14, §6):
// - a delivered answer is always charged: a settle that cannot reach the database is retried with
//   backoff until it lands, the hold stays meanwhile, and a stream ends with `event: error`, never a
//   cut connection;
// - a call that reaches no model while the database is down gets 503 `unavailable` with Retry-After,
//   a JSON body, and is charged nothing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createDb, createPool, type Db } from "@/lib/db/client";
import { startDbOutageProxy, type DbOutage } from "@/test/support/db-outage";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { verifyLedger } from "../ledger";
import { LedgerPipeline } from "../ledger/pipeline";
import {
  balanceOf as balanceOfUser,
  fakeChunkReader,
  userWithBalance,
  wordCostEngine,
  type WordUsage,
} from "@/test/metering/fixtures";
import { createWithTokens } from "./with-tokens";

type Usage = WordUsage;
const engine = wordCostEngine;
const chunkReader = fakeChunkReader;

let t: TestDatabase;
let outage: DbOutage;
let viaProxy: { db: Db; pool: ReturnType<typeof createPool> };
let pipeline: LedgerPipeline;
let signedIn: string | null = null;

beforeAll(async () => {
  t = await createTestDatabase();
  outage = await startDbOutageProxy(t.url);
  const pool = createPool(outage.url, 10);
  viaProxy = { pool, db: createDb(pool) };
  pipeline = new LedgerPipeline({ pool, db: viaProxy.db });
});
afterEach(async () => {
  await outage.up();
});
afterAll(async () => {
  await outage?.up();
  await viaProxy?.db.$disconnect();
  await viaProxy?.pool.end();
  await outage?.close();
  await t?.drop();
});

const userWith = (millitokens: bigint) => userWithBalance(t.db, millitokens, "outage");

const balanceOf = (userId: string) => balanceOfUser(t.db, userId);

const settleRetry = { waitMs: 1_500, firstDelayMs: 50, maxDelayMs: 200 };
const withTokens = createWithTokens<Usage>({
  db: () => viaProxy.db,
  ledger: () => pipeline,
  currentUserId: async () => signedIn,
  pricing: async () => ({ context: { version: 1 }, engine }),
  upgradeUrl: "/settings/subscription",
  rateLimit: false,
  settleRetry,
  chunkReader,
});

const input = z.object({ prompt: z.string().min(1) });
const estimate = () => ({ model: "test-model", inputTokens: 3, worstCase: 3n + 10n * 20n });

function post(body: unknown) {
  return new Request("http://localhost/api/ai/test", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` passes (the background settle lands once the database is back). */
async function eventually(check: () => Promise<void>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

async function consumeRows(userId: string) {
  return t.db.tokenTransaction.findMany({ where: { userId, kind: "consume" } });
}

describe("withTokens while the database is unreachable", () => {
  it("answers 503 unavailable with Retry-After and a JSON body, calls no model and charges nothing", async () => {
    signedIn = await userWith(1_000n);
    let modelCalls = 0;
    const route = withTokens(
      "test",
      async ({ meter }) => {
        modelCalls++;
        meter.recordText("test-model", { inputTokens: 3, outputTokens: 7 });
        return { answer: "never" };
      },
      { input, estimate },
    );
    await outage.down();
    try {
      const responses = await Promise.all(Array.from({ length: 5 }, () => route(post({ prompt: "one two three" }))));
      for (const response of responses) {
        expect(response.status).toBe(503);
        expect(response.headers.get("retry-after")).toBe("5");
        expect(response.headers.get("content-type")).toMatch(/^application\/json/);
        const body = await response.json();
        expect(body.error).toBe("unavailable");
        expect(body.message).toMatch(/database/i);
      }
    } finally {
      await outage.up();
    }
    expect(modelCalls).toBe(0);
    expect(await balanceOf(signedIn)).toEqual({ available: 1_000n, reserved: 0n });
    expect(await consumeRows(signedIn)).toHaveLength(0);
  });

  it("retries a JSON call's settle through a short outage and answers once it is charged", async () => {
    signedIn = await userWith(1_000n);
    const route = withTokens(
      "test",
      async ({ meter }) => {
        meter.recordText("test-model", { inputTokens: 3, outputTokens: 7 });
        await outage.down(); // the database goes away while the model answers
        setTimeout(() => void outage.up(), 600);
        return { answer: "yes" };
      },
      { input, estimate },
    );
    const response = await route(post({ prompt: "one two three" }));
    expect(response.status).toBe(200);
    // 3 + 7 × 10 = 73 millitokens
    expect(await response.json()).toEqual({ answer: "yes", tokens: { charged: 0.073, remaining: 0.927 } });
    expect(await balanceOf(signedIn)).toEqual({ available: 927n, reserved: 0n });
    expect((await consumeRows(signedIn)).map((row) => row.costMicroUsd)).toEqual([73n]);
  });

  it("answers 503 without the answer when the settle cannot land in time, keeps the hold, and charges it once the database is back", async () => {
    signedIn = await userWith(1_000n);
    const route = withTokens(
      "test",
      async ({ meter }) => {
        meter.recordText("test-model", { inputTokens: 3, outputTokens: 7 });
        await outage.down();
        return { answer: "secret" };
      },
      { input, estimate },
    );
    const response = await route(post({ prompt: "one two three" }));
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body).toMatchObject({ error: "unavailable" });
    expect(JSON.stringify(body)).not.toContain("secret");
    // While it is down the hold stays (the worst case, 203 millitokens, is still reserved).
    expect(await balanceOf(signedIn)).toEqual({ available: 797n, reserved: 203n });
    await outage.up();
    await eventually(async () => expect(await balanceOf(signedIn!)).toEqual({ available: 927n, reserved: 0n }));
    expect((await consumeRows(signedIn)).map((row) => row.costMicroUsd)).toEqual([73n]);
  });

  it("ends a stream whose settle cannot land with `event: error`, not a cut connection, and charges it once the database is back", async () => {
    signedIn = await userWith(1_000n);
    async function* provider() {
      yield { model: "test-model", choices: [{ delta: { content: "every " } }] };
      yield { model: "test-model", choices: [{ delta: { content: "word " } }] };
      await outage.down();
      yield { model: "test-model", choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } };
    }
    const route = withTokens("test", ({ stream }) => stream(provider()), { input, estimate });
    const response = await route(post({ prompt: "one two three" }));
    expect(response.status).toBe(200);
    const text = await response.text(); // a cut connection would reject here
    expect(text).toContain('"content":"every "');
    expect(text).toMatch(/event: error\ndata: \{"error":"unavailable","message":"[^"]*database[^"]*"/);
    expect(text).not.toContain("[DONE]");
    await outage.up();
    // 3 + 2 × 10 = 23 millitokens
    await eventually(async () => expect(await balanceOf(signedIn!)).toEqual({ available: 977n, reserved: 0n }));
    expect((await consumeRows(signedIn)).map((row) => row.costMicroUsd)).toEqual([23n]);
  });

  it("charges a stream that ends during a short outage before it says [DONE]", async () => {
    signedIn = await userWith(1_000n);
    async function* provider() {
      yield { model: "test-model", choices: [{ delta: { content: "hello " } }] };
      await outage.down();
      setTimeout(() => void outage.up(), 500);
      yield { model: "test-model", choices: [], usage: { prompt_tokens: 3, completion_tokens: 1 } };
    }
    const route = withTokens("test", ({ stream }) => stream(provider()), { input, estimate });
    const text = await (await route(post({ prompt: "one two three" }))).text();
    expect(text).toContain('event: tokens\ndata: {"charged":0.013,"remaining":0.987}');
    expect(text).toContain("data: [DONE]");
    expect(await balanceOf(signedIn)).toEqual({ available: 987n, reserved: 0n });
  });

  it("answers 503 when the Idempotency-Key cannot be claimed (Prisma's errors are recognised too)", async () => {
    signedIn = await userWith(1_000n);
    const route = withTokens(
      "test",
      async ({ meter }) => (meter.recordText("test-model", { inputTokens: 3, outputTokens: 7 }), { answer: "x" }),
      { input, estimate },
    );
    await outage.down();
    const request = post({ prompt: "one two three" });
    request.headers.set("idempotency-key", `claim-${signedIn}`);
    const response = await route(request);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: "unavailable" });
    await outage.up();
    expect(await balanceOf(signedIn)).toEqual({ available: 1_000n, reserved: 0n });
  });

  it("stores a withheld answer under its Idempotency-Key once charged, so the retry gets it and pays once", async () => {
    signedIn = await userWith(1_000n);
    let modelCalls = 0;
    const route = withTokens(
      "test",
      async ({ meter }) => {
        modelCalls++;
        meter.recordText("test-model", { inputTokens: 3, outputTokens: 7 });
        if (modelCalls === 1) await outage.down();
        return { answer: "kept" };
      },
      { input, estimate },
    );
    const send = () => {
      const request = post({ prompt: "one two three" });
      request.headers.set("idempotency-key", `kept-${signedIn}`);
      return route(request);
    };
    const first = await send();
    expect(first.status).toBe(503);
    expect((await first.json()).message).toMatch(/same Idempotency-Key/);
    await outage.up();
    await eventually(async () => {
      const retry = await send();
      expect(retry.status).toBe(200);
      expect(retry.headers.get("idempotent-replayed")).toBe("true");
      expect(await retry.json()).toEqual({ answer: "kept", tokens: { charged: 0.073, remaining: 0.927 } });
    });
    expect(modelCalls).toBe(1);
    expect((await consumeRows(signedIn)).map((row) => row.costMicroUsd)).toEqual([73n]);
  });

  it("charges a stream the client cancels while the database is down, once it is back", async () => {
    signedIn = await userWith(1_000n);
    // A provider stream that stops when it is aborted, as the SDK's does.
    const controller = new AbortController();
    async function* chunks() {
      yield { model: "test-model", choices: [{ delta: { content: "one " } }] };
      yield { model: "test-model", choices: [{ delta: { content: "two " } }] };
      await new Promise((resolve) => controller.signal.addEventListener("abort", resolve));
    }
    const provider = Object.assign(chunks(), { controller });
    // It never ends by itself: the read-on after the cancel gives up after drainTimeoutMs and aborts it.
    const route = withTokens("test", ({ stream }) => stream(provider, { drainTimeoutMs: 200 }), { input, estimate });
    const response = await route(post({ prompt: "one two three" }));
    const reader = response.body!.getReader();
    await reader.read();
    await reader.read();
    await outage.down();
    await reader.cancel();
    expect(await balanceOf(signedIn)).toEqual({ available: 797n, reserved: 203n });
    await outage.up();
    // The generated text is charged: 3 input + 2 words × 10 = 23 millitokens.
    await eventually(async () => expect(await balanceOf(signedIn!)).toEqual({ available: 977n, reserved: 0n }));
  });

  it("answers 503 when the handler's own database read meets the outage before any model call, charging nothing", async () => {
    signedIn = await userWith(1_000n);
    const route = withTokens(
      "test",
      async () => {
        await outage.down();
        await viaProxy.db.user.findUnique({ where: { id: signedIn! } }); // e.g. the stored conversation
        return { answer: "never" };
      },
      { input, estimate },
    );
    const response = await route(post({ prompt: "one two three" }));
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    const body = await response.json();
    expect(body.error).toBe("unavailable");
    expect(body.message).toMatch(/Nothing was charged/);
    await outage.up();
    await eventually(async () => expect(await balanceOf(signedIn!)).toEqual({ available: 1_000n, reserved: 0n }));
    expect(await consumeRows(signedIn)).toHaveLength(0);
  });

  it("leaves the ledger consistent", async () => {
    const report = await verifyLedger(t.db);
    expect(report.mismatches).toEqual([]);
  });
});

// The metering wrapper over real Postgres, with a deterministic cost engine (1 µ$ per input token,
// 10 µ$ per output token) so every figure below can be checked by hand. The same wrapper is tested
// against the OpenAI simulator and the real cost engine in lib/ai/chat.int.test.ts.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { reserve, verifyLedger } from "../ledger";
import { LedgerPipeline } from "../ledger/pipeline";
import {
  balanceOf as balanceOfUser,
  fakeChunkReader,
  userWithBalance,
  wordCostEngine,
  type WordUsage,
} from "@/test/metering/fixtures";
import { BadRequestError, createWithTokens } from "./with-tokens";

type Usage = WordUsage;
const engine = wordCostEngine;
const chunkReader = fakeChunkReader;

let t: TestDatabase;
let pipeline: LedgerPipeline | undefined;
let signedIn: string | null = null;

beforeAll(async () => {
  t = await createTestDatabase({ poolMax: 30 });
});
afterAll(async () => {
  await t?.drop();
});

const userWith = (millitokens: bigint) => userWithBalance(t.db, millitokens, "meter");

const balanceOf = (userId: string) => balanceOfUser(t.db, userId);

function makeWithTokens(rateLimit: { limit: number; windowMs: number } | false = false) {
  return createWithTokens<Usage>({
    db: () => t.db,
    ledger: () => (pipeline ??= new LedgerPipeline({ pool: t.pool, db: t.db })),
    currentUserId: async () => signedIn,
    pricing: async () => ({ context: { version: 1 }, engine }),
    upgradeUrl: "/settings/subscription",
    rateLimit,
    chunkReader,
  });
}

const input = z.object({ prompt: z.string().min(1), maxOutputTokens: z.number().int().positive().max(1000) });
const estimate = (i: z.infer<typeof input>) => ({
  model: "test-model",
  inputTokens: i.prompt.split(" ").length,
  worstCase: BigInt(i.prompt.split(" ").length) + 10n * BigInt(i.maxOutputTokens),
});

function post(body: unknown, headers: Record<string, string> = {}) {
  return new Request("http://localhost/api/ai/test", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** A fake provider stream: chunks of words, then (optionally) a usage chunk. */
async function* words(text: string, { usage = true, inputTokens = 3, pauseMs = 0 } = {}) {
  const parts = text.split(" ");
  for (const word of parts) {
    if (pauseMs) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    yield { model: "test-model", choices: [{ delta: { content: `${word} ` } }] };
  }
  if (usage)
    yield { model: "test-model", choices: [], usage: { prompt_tokens: inputTokens, completion_tokens: parts.length } };
}

describe("withTokens: JSON responses", () => {
  const withTokens = makeWithTokens();
  const route = withTokens(
    "test",
    async ({ input: i, meter }) => {
      meter.recordText("test-model", { inputTokens: i.prompt.split(" ").length, outputTokens: 7 });
      return { answer: `echo: ${i.prompt}` };
    },
    { input, estimate },
  );

  it("answers 401 without a session, and touches nothing", async () => {
    signedIn = null;
    const response = await route(post({ prompt: "hi", maxOutputTokens: 10 }));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "unauthorized", message: "Sign in to use this feature." });
  });

  it("answers 400 naming the invalid field, holding nothing", async () => {
    signedIn = await userWith(1_000n);
    for (const [body, message] of [
      [{ prompt: "", maxOutputTokens: 10 }, /prompt/],
      [{ prompt: "hi", maxOutputTokens: 0 }, /maxOutputTokens/],
      ["{not json", /not valid JSON/],
    ] as const) {
      const response = await route(post(body));
      expect(response.status).toBe(400);
      const payload = await response.json();
      expect(payload.error).toBe("invalid_request");
      expect(payload.message).toMatch(message);
      expect(response.headers.get("x-tokens-remaining")).toBe("1");
    }
    expect(await balanceOf(signedIn)).toEqual({ available: 1_000n, reserved: 0n });
  });

  it("charges exactly the reported usage and returns the balance in the body and the header", async () => {
    signedIn = await userWith(1_000n);
    const response = await route(post({ prompt: "one two three", maxOutputTokens: 50 }));
    expect(response.status).toBe(200);
    // cost = 3 input × 1 + 7 output × 10 = 73 millitokens; 1,000 − 73 = 927 → 0.927 tokens
    expect(await response.json()).toEqual({
      answer: "echo: one two three",
      tokens: { charged: 0.073, remaining: 0.927 },
    });
    expect(response.headers.get("x-tokens-remaining")).toBe("0.927");
    expect(await balanceOf(signedIn)).toEqual({ available: 927n, reserved: 0n });
    const [row] = await t.db.tokenTransaction.findMany({ where: { userId: signedIn, kind: "consume" } });
    expect(row).toMatchObject({ feature: "test", costMicroUsd: 73n, purchasedDelta: -73n, pricingVersion: 1 });
    expect(row!.usage).toEqual({ model: "test-model", inputTokens: 3, outputTokens: 7, costMicroUsd: 73 });
  });

  it("answers 402 with required and available tokens, and holds nothing", async () => {
    signedIn = await userWith(500n);
    // worst case = 2 + 10 × 100 = 1,002 millitokens > 500
    const response = await route(post({ prompt: "too expensive", maxOutputTokens: 100 }));
    expect(response.status).toBe(402);
    expect(await response.json()).toEqual({
      error: "insufficient_tokens",
      required: 1.002,
      available: 0.5,
      upgradeUrl: "/settings/subscription",
    });
    expect(response.headers.get("x-tokens-remaining")).toBe("0.5");
    expect(await balanceOf(signedIn)).toEqual({ available: 500n, reserved: 0n });
    expect(await t.db.tokenReservation.count({ where: { userId: signedIn } })).toBe(0);
  });

  it("returns a dead process's expired hold before refusing, so it cannot lock the user out", async () => {
    signedIn = await userWith(1_000n);
    const dead = await reserve(t.db, {
      userId: signedIn,
      amount: 1_000n,
      feature: "test",
      requestId: `dead-${signedIn}`,
      ttlMs: 1_000,
      now: new Date(Date.now() - 5_000),
    });
    expect(dead.ok).toBe(true);
    expect(await balanceOf(signedIn)).toEqual({ available: 0n, reserved: 1_000n });

    const response = await route(post({ prompt: "one two three", maxOutputTokens: 50 }));
    expect(response.status).toBe(200);
    expect(await balanceOf(signedIn)).toEqual({ available: 927n, reserved: 0n });
    expect(await t.db.tokenReservation.findUniqueOrThrow({ where: { requestId: `dead-${signedIn}` } })).toMatchObject({
      status: "expired",
    });
  });

  it("still refuses when the holds are live (not expired)", async () => {
    signedIn = await userWith(1_000n);
    expect(
      (
        await reserve(t.db, {
          userId: signedIn,
          amount: 1_000n,
          feature: "test",
          requestId: `live-${signedIn}`,
          ttlMs: 60_000,
        })
      ).ok,
    ).toBe(true);
    const response = await route(post({ prompt: "one", maxOutputTokens: 5 }));
    expect(response.status).toBe(402);
    expect(await balanceOf(signedIn)).toEqual({ available: 0n, reserved: 1_000n });
  });

  it("charges nothing when the handler throws before any usage", async () => {
    signedIn = await userWith(1_000n);
    const failing = withTokens(
      "test",
      async () => {
        throw new Error("boom");
      },
      { input, estimate },
    );
    const response = await failing(post({ prompt: "a b", maxOutputTokens: 10 }));
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: "internal_error", tokens: { charged: 0, remaining: 1 } });
    expect(await balanceOf(signedIn)).toEqual({ available: 1_000n, reserved: 0n });
    expect(await t.db.tokenTransaction.count({ where: { userId: signedIn, kind: "consume" } })).toBe(0);
  });

  it("charges what the provider billed when the handler fails after a call (e.g. an invalid answer)", async () => {
    signedIn = await userWith(1_000n);
    const failing = withTokens(
      "test",
      async ({ meter }) => {
        meter.recordText("test-model", { inputTokens: 4, outputTokens: 2 });
        meter.recordText("test-model", { inputTokens: 4, outputTokens: 3 });
        throw Object.assign(new Error("upstream said no"), { status: 500 });
      },
      { input, estimate },
    );
    const response = await failing(post({ prompt: "a b", maxOutputTokens: 10 }));
    expect(response.status).toBe(502);
    // (4 + 20) + (4 + 30) = 58 millitokens
    expect(await response.json()).toMatchObject({
      error: "upstream_error",
      tokens: { charged: 0.058, remaining: 0.942 },
    });
    const [row] = await t.db.tokenTransaction.findMany({ where: { userId: signedIn, kind: "consume" } });
    expect(row!.usage).toMatchObject({ calls: 2, inputTokens: 8, outputTokens: 5 });
  });

  it("lets a handler answer 400 itself, charging what it used", async () => {
    signedIn = await userWith(1_000n);
    const picky = withTokens(
      "test",
      async () => {
        throw new BadRequestError("That photo is not a meal.");
      },
      { input, estimate },
    );
    const response = await picky(post({ prompt: "x", maxOutputTokens: 10 }));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ message: "That photo is not a meal.", tokens: { charged: 0 } });
  });

  it("returns the first result for a retried Idempotency-Key, charging once", async () => {
    signedIn = await userWith(1_000n);
    const first = await route(post({ prompt: "same", maxOutputTokens: 10 }, { "idempotency-key": "retry-1" }));
    const second = await route(post({ prompt: "same", maxOutputTokens: 10 }, { "idempotency-key": "retry-1" }));
    expect(second.status).toBe(200);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await second.json()).toEqual(await first.json());
    expect(await t.db.tokenTransaction.count({ where: { userId: signedIn, kind: "consume" } })).toBe(1);
    const mismatch = await route(post({ prompt: "different", maxOutputTokens: 10 }, { "idempotency-key": "retry-1" }));
    expect(mismatch.status).toBe(422);
    expect((await route(post({ prompt: "x", maxOutputTokens: 10 }, { "idempotency-key": "has space" }))).status).toBe(
      400,
    );
  });

  it("replays a handler's own binary response for a retried Idempotency-Key, charging once", async () => {
    signedIn = await userWith(1_000n);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 255, 128]);
    const image = withTokens(
      "test",
      async ({ meter }) => {
        meter.recordText("test-model", { inputTokens: 1, outputTokens: 1 });
        return new Response(png, { headers: { "content-type": "image/png" } });
      },
      { input, estimate },
    );
    const first = await image(post({ prompt: "draw", maxOutputTokens: 5 }, { "idempotency-key": "img-1" }));
    const retry = await image(post({ prompt: "draw", maxOutputTokens: 5 }, { "idempotency-key": "img-1" }));
    expect(new Uint8Array(await first.arrayBuffer())).toEqual(png);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await retry.arrayBuffer())).toEqual(png);
    expect(await t.db.tokenTransaction.count({ where: { userId: signedIn, kind: "consume" } })).toBe(1);
  });

  it("runs exactly 10 of 50 concurrent requests when the balance covers 10, and 402s the other 40", async () => {
    // Each request holds its worst case, 1 + 10 × 9 = 91, and really costs that much (1 in, 9 out), so
    // whatever the interleaving of reserves and settles, the 910 millitokens pay for exactly 10.
    signedIn = await userWith(910n);
    const exact = withTokens(
      "test",
      async ({ meter }) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        meter.recordText("test-model", { inputTokens: 1, outputTokens: 9 });
        return { ok: true };
      },
      { input, estimate },
    );
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => exact(post({ prompt: "x", maxOutputTokens: 9 }))),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 402)).toHaveLength(40);
    expect(await balanceOf(signedIn)).toEqual({ available: 0n, reserved: 0n });
    expect(await t.db.tokenTransaction.count({ where: { userId: signedIn, kind: "consume" } })).toBe(10);
    expect((await verifyLedger(t.db, { userIds: [signedIn] })).mismatches).toEqual([]);
  });
});

describe("withTokens: a handler that forgets to meter", () => {
  const withTokens = makeWithTokens();

  it("fails loudly (500) and charges nothing, instead of giving the call away silently", async () => {
    signedIn = await userWith(1_000n);
    const forgetful = withTokens("test", async () => ({ answer: "free?" }), { input, estimate });
    const response = await forgetful(post({ prompt: "x", maxOutputTokens: 10 }));
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: "internal_error", tokens: { charged: 0, remaining: 1 } });
    expect(await balanceOf(signedIn)).toEqual({ available: 1_000n, reserved: 0n });
  });

  it("lets a handler declare a deliberately free answer with meter.waive", async () => {
    signedIn = await userWith(1_000n);
    const cached = withTokens(
      "test",
      async ({ meter }) => {
        meter.waive("answer served from cache");
        return { answer: "cached" };
      },
      { input, estimate },
    );
    const response = await cached(post({ prompt: "x", maxOutputTokens: 10 }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ answer: "cached", tokens: { charged: 0, remaining: 1 } });
    expect(await balanceOf(signedIn)).toEqual({ available: 1_000n, reserved: 0n });
  });
});

describe("withTokens: streams", () => {
  const withTokens = makeWithTokens();
  const streamInput = z.object({ prompt: z.string(), maxOutputTokens: z.number().int().positive() });

  it("settles the usage of the final chunk when the stream ends, and reports it in an SSE event", async () => {
    signedIn = await userWith(1_000n);
    const route = withTokens("chat", async ({ stream }) => stream(words("alpha beta gamma delta")), {
      input: streamInput,
      estimate,
    });
    const response = await route(post({ prompt: "p q r", maxOutputTokens: 20 }));
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    // held 3 + 200 = 203 at the start: 1,000 − 203 = 797
    expect(response.headers.get("x-tokens-remaining")).toBe("0.797");
    const text = await response.text();
    expect(text).toContain('"content":"alpha "');
    // usage chunk: 3 in + 4 out → 3 + 40 = 43
    expect(text).toContain('event: tokens\ndata: {"charged":0.043,"remaining":0.957}');
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(await balanceOf(signedIn)).toEqual({ available: 957n, reserved: 0n });
  });

  it("charges the generated text when the stream ends without a usage report", async () => {
    signedIn = await userWith(1_000n);
    const route = withTokens("chat", async ({ stream }) => stream(words("one two three four five", { usage: false })), {
      input: streamInput,
      estimate,
    });
    await (await route(post({ prompt: "a b", maxOutputTokens: 20 }))).text();
    // input 2 (from the estimate) + 5 words × 10 = 52
    expect(await balanceOf(signedIn)).toEqual({ available: 948n, reserved: 0n });
  });

  it("reads the provider's stream on when the client disconnects halfway, and charges the usage it reports", async () => {
    const userId = (signedIn = await userWith(10_000n));
    const route = withTokens(
      "chat",
      async ({ stream }) =>
        stream(words(Array.from({ length: 40 }, (_, i) => `w${i}`).join(" "), { pauseMs: 5, inputTokens: 4 })),
      { input: streamInput, estimate },
    );
    const response = await route(post({ prompt: "a b c d", maxOutputTokens: 100 }));
    const reader = response.body!.getReader();
    let received = "";
    while ((received.match(/"content"/g) ?? []).length < 20)
      received += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    // The usage chunk reports all 40 words generated: that is what the provider bills, and charged.
    const [row] = await vi.waitFor(async () => {
      const rows = await t.db.tokenTransaction.findMany({ where: { userId, kind: "consume" } });
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect(row!.usage).toMatchObject({ inputTokens: 4, outputTokens: 40 });
    expect(row!.costMicroUsd).toBe(4n + 10n * 40n);
    expect((await balanceOf(signedIn)).reserved).toBe(0n);
  });

  it("charges the text generated so far when a stream the client left stalls past the drain timeout", async () => {
    signedIn = await userWith(10_000n);
    let aborted = false;
    async function* stalls() {
      yield* words("one two three four five", { usage: false });
      await new Promise((resolve) => setTimeout(resolve, 60_000).unref());
    }
    const source = Object.assign(stalls(), {
      controller: { abort: () => (aborted = true) } as unknown as AbortController,
    });
    const route = withTokens("chat", async ({ stream }) => stream(source, { drainTimeoutMs: 50 }), {
      input: streamInput,
      estimate,
    });
    const response = await route(post({ prompt: "a b c d", maxOutputTokens: 100 }));
    const reader = response.body!.getReader();
    await reader.read();
    const started = Date.now();
    await reader.cancel();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(aborted).toBe(true);
    const [row] = await t.db.tokenTransaction.findMany({ where: { userId: signedIn, kind: "consume" } });
    expect(row!.usage).toMatchObject({ inputTokens: 4, outputTokens: 5 });
    expect((await balanceOf(signedIn)).reserved).toBe(0n);
  });
});

describe("withTokens: rate limit", () => {
  it("answers 429 with Retry-After past the per-user limit", async () => {
    signedIn = await userWith(10_000n);
    const withTokens = makeWithTokens({ limit: 3, windowMs: 60_000 });
    const route = withTokens(
      "test",
      async ({ meter }) => {
        meter.waive("rate-limit test: no model call");
        return { ok: true };
      },
      { input, estimate },
    );
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await route(post({ prompt: "x", maxOutputTokens: 1 }))).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await route(post({ prompt: "x", maxOutputTokens: 1 }));
    expect(limited.headers.get("retry-after")).toBe("20");
    expect((await limited.json()).error).toBe("rate_limited");
  });
});

// POST /api/ai/chat end to end below HTTP: the real route module, the real OpenAI SDK talking to the
// loopback simulator, the real cost engine and real Postgres. Only the session lookup is replaced.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { TestDatabase } from "@/test/support/database";
import { costOf, countChatTokens, countTokens, textUsage } from "../tokens/cost";
import { verifyLedger } from "../tokens/ledger";
import { CHAT_MODEL, COACH_SYSTEM_PROMPT } from "./chat";
import { clearConversation, loadConversation } from "./conversation";
import { startRouteHarness, type RouteHarness } from "@/test/ai/route-harness";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("../auth/session", () => ({
  sessionUserId: async () => session.userId,
  sessionClaims: async () =>
    session.userId ? { userId: session.userId, sessionVersion: 0, verify: async () => true } : null,
}));

let h: RouteHarness;
let t: TestDatabase;
let POST: (request: Request) => Promise<Response>;

beforeAll(async () => {
  h = await startRouteHarness(session, "chat", { tokensPerSecond: 400 });
  t = h.t;
  ({ POST } = await import("@/app/api/ai/chat/route"));
});

afterAll(() => h?.close());

const signIn = (purchased?: bigint) => h.signIn(purchased);
const consumeRows = (userId: string) => h.consumeRows(userId);

function chat(content: string, headers: Record<string, string> = {}) {
  return POST(
    new Request("http://localhost/api/ai/chat", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ message: content }),
    }),
  );
}

/** The `data:` payloads and the `event: tokens` payload of an SSE body. */
function parseSse(text: string) {
  const chunks: {
    usage?: Record<string, never> & {
      prompt_tokens: number;
      completion_tokens: number;
      prompt_tokens_details?: { cached_tokens?: number };
      completion_tokens_details?: { reasoning_tokens?: number };
    };
    choices: { delta?: { content?: string } }[];
  }[] = [];
  let tokens: { charged: number; remaining: number } | null = null;
  for (const block of text.split("\n\n")) {
    if (block.startsWith("event: tokens\ndata: ")) tokens = JSON.parse(block.slice("event: tokens\ndata: ".length));
    else if (block.startsWith("data: ") && block !== "data: [DONE]") chunks.push(JSON.parse(block.slice(6)));
  }
  return { chunks, tokens, text: chunks.map((c) => c.choices.map((x) => x.delta?.content ?? "").join("")).join("") };
}

describe("POST /api/ai/chat", () => {
  it("streams the answer and charges exactly the cost engine's price of the reported usage", async () => {
    const userId = await signIn();
    const response = await chat("How many grams of protein should I eat after a 10 km run?");
    expect(response.status).toBe(200);
    const { chunks, tokens, text } = parseSse(await response.text());
    expect(text.length).toBeGreaterThan(20);
    const usage = chunks.find((c) => c.usage)!.usage!;
    const expected = costOf(
      CHAT_MODEL,
      textUsage({
        inputTokens: usage.prompt_tokens,
        cachedInputTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
        outputTokens: usage.completion_tokens,
        reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
      }),
    );
    const [row] = await consumeRows(userId);
    expect(row!.costMicroUsd).toBe(expected);
    expect(row!.allowanceDelta).toBe(-expected);
    expect(row!.feature).toBe("chat");
    // The API answers with the snapshot that served the call; it is recorded, and priced as its catalogue entry.
    expect(row!.usage).toMatchObject({
      model: "gpt-5-mini-2025-08-07",
      pricedAs: CHAT_MODEL,
      priceSource: "catalogue",
      inputTokens: usage.prompt_tokens,
      outputTokens: usage.completion_tokens,
    });
    expect(tokens).toEqual({ charged: Number(expected) / 1000, remaining: (100_000 - Number(expected)) / 1000 });
    expect((await verifyLedger(t.db, { userIds: [userId] })).mismatches).toEqual([]);
  });

  it("answers 402 when the balance cannot cover the worst case, and leaves it untouched", async () => {
    const userId = await signIn();
    await t.db.$executeRaw`UPDATE user_token_balance SET reserved = allowance - 100 WHERE user_id = ${userId}`;
    await t.db.tokenReservation.create({
      data: {
        userId,
        amount: 99_900n,
        feature: "other",
        requestId: `hold-${userId}`,
        expiresAt: new Date(Date.now() + 60_000),
      },
    });
    const response = await chat("Plan my week");
    expect(response.status).toBe(402);
    const body = await response.json();
    expect(body).toMatchObject({ error: "insufficient_tokens", available: 0.1, upgradeUrl: "/settings/subscription" });
    expect(body.required).toBeGreaterThan(1.6); // 800 output tokens × $2/1M alone = 1.6 tokens
    expect(await consumeRows(userId)).toEqual([]);
    expect(await t.db.tokenReservation.count({ where: { userId } })).toBe(1);
  });

  it.each([
    ["an empty message", JSON.stringify({ message: "   " }), "message must not be empty"],
    ["a message over 8,000 characters", JSON.stringify({ message: "x".repeat(8_001) }), "at most 8,000 characters"],
    ["bad JSON", "{ message: ", "not valid JSON"],
  ])("answers 400 for %s, naming the problem, and stores nothing", async (_name, body, message) => {
    const userId = await signIn();
    const response = await POST(
      new Request("http://localhost/api/ai/chat", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      }),
    );
    expect(response.status).toBe(400);
    expect((await response.json()).message).toContain(message);
    expect(await t.db.chatMessage.count({ where: { userId } })).toBe(0);
  });

  it("charges a stream the client stops after its first visible chunks exactly what the provider billed, hidden reasoning included", async () => {
    const userId = await signIn(1_000_000n);
    const response = await chat("Give me a detailed warm-up routine before heavy squats, step by step.");
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = "";
    // Stop as a user would: after the first few words of the visible answer.
    while (parseSse(received).chunks.filter((c) => c.choices[0]?.delta?.content).length < 3) {
      received += decoder.decode((await reader.read()).value, { stream: true });
    }
    await reader.cancel();
    await vi.waitFor(async () => expect(await consumeRows(userId)).toHaveLength(1), { timeout: 10_000 });

    const call = h.simulator.requests.filter((r) => r.path === "/v1/chat/completions").at(-1)!;
    await vi.waitFor(() => expect(call.outcome).not.toBe("pending"));
    const billed = call.billed as {
      prompt_tokens: number;
      completion_tokens: number;
      prompt_tokens_details: { cached_tokens: number };
      completion_tokens_details: { reasoning_tokens: number };
    };
    expect(billed.completion_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    const expected = costOf(
      CHAT_MODEL,
      textUsage({
        inputTokens: billed.prompt_tokens,
        cachedInputTokens: billed.prompt_tokens_details.cached_tokens,
        outputTokens: billed.completion_tokens,
        reasoningTokens: billed.completion_tokens_details.reasoning_tokens,
      }),
    );
    const [row] = await consumeRows(userId);
    expect(row!.costMicroUsd).toBe(expected);
    expect(row!.usage).toMatchObject({
      outputTokens: billed.completion_tokens,
      reasoningTokens: billed.completion_tokens_details.reasoning_tokens,
    });
    expect((await verifyLedger(t.db, { userIds: [userId] })).mismatches).toEqual([]);
    // The turn is stored with the whole reply that was read on, and paid for.
    const stored = await loadConversation(t.db, userId);
    expect(stored.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(countTokens(CHAT_MODEL, stored[1]!.content)).toBe(
      billed.completion_tokens - billed.completion_tokens_details.reasoning_tokens,
    );
  });

  it("charges a retried request with the same Idempotency-Key once, and replays the first answer", async () => {
    const userId = await signIn();
    const first = await (await chat("Is creatine safe?", { "idempotency-key": "k-1" })).text();
    const retry = await chat("Is creatine safe?", { "idempotency-key": "k-1" });
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await retry.text()).toBe(first);
    expect(await consumeRows(userId)).toHaveLength(1);
  });

  it("keeps the conversation per user: the next request sends it, priced as sent", async () => {
    const alice = await signIn();
    const first = parseSse(await (await chat("I want to run a 10 km race in June.")).text());
    const second = await chat("How many runs per week?");
    const { chunks } = parseSse(await second.text());

    const stored = await loadConversation(t.db, alice);
    expect(stored.map((m) => [m.role, m.content])).toEqual([
      ["user", "I want to run a 10 km race in June."],
      ["assistant", first.text],
      ["user", "How many runs per week?"],
      ["assistant", expect.any(String)],
    ]);
    // The second call's prompt is the system prompt, the first turn and the new message — exactly.
    const usage = chunks.find((c) => c.usage)!.usage!;
    expect(usage.prompt_tokens).toBe(
      countChatTokens(CHAT_MODEL, [
        { role: "system", content: COACH_SYSTEM_PROMPT },
        { role: "user", content: "I want to run a 10 km race in June." },
        { role: "assistant", content: first.text },
        { role: "user", content: "How many runs per week?" },
      ]),
    );

    // Another user starts from nothing and never sees Alice's messages.
    const bob = await signIn();
    const bobAnswer = await chat("Hello coach");
    const bobUsage = parseSse(await bobAnswer.text()).chunks.find((c) => c.usage)!.usage!;
    expect(bobUsage.prompt_tokens).toBe(
      countChatTokens(CHAT_MODEL, [
        { role: "system", content: COACH_SYSTEM_PROMPT },
        { role: "user", content: "Hello coach" },
      ]),
    );
    expect((await loadConversation(t.db, bob)).map((m) => m.content)).toEqual(["Hello coach", expect.any(String)]);

    // Clearing is per user too.
    expect(await clearConversation(t.db, alice)).toBe(4);
    expect(await loadConversation(t.db, alice)).toEqual([]);
    expect(await loadConversation(t.db, bob)).toHaveLength(2);
  });

  it("stores nothing when the balance is short", async () => {
    const userId = await signIn();
    await t.db.$executeRaw`UPDATE user_token_balance SET reserved = allowance WHERE user_id = ${userId}`;
    await t.db.tokenReservation.create({
      data: {
        userId,
        amount: 100_000n,
        feature: "other",
        requestId: `hold2-${userId}`,
        expiresAt: new Date(Date.now() + 60_000),
      },
    });
    expect((await chat("Plan my week")).status).toBe(402);
    expect(await t.db.chatMessage.count({ where: { userId } })).toBe(0);
  });
});

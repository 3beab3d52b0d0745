// Every provider attempt is paid for: the real routes, the real SDK (maxRetries 0, a short timeout)
// against the loopback simulator, the real cost engine and Postgres. The simulator's fault
// `stall-after-generate` runs the model — and bills it — then never answers, as a provider does when
// the client's timeout fires first; `error-500` answers an error before any model runs.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { costEngine, costOf, textUsage } from "../tokens/cost";
import { verifyLedger } from "../tokens/ledger";
import { activityCall } from "./features/activity-analyzer";
import { CHAT_MAX_OUTPUT_TOKENS, CHAT_MODEL } from "./chat";
import { estimateAttempt } from "./structured";
import { startRouteHarness, type RouteHarness } from "@/test/ai/route-harness";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("../auth/session", () => ({
  sessionUserId: async () => session.userId,
  sessionClaims: async () =>
    session.userId ? { userId: session.userId, sessionVersion: 0, verify: async () => true } : null,
}));

let h: RouteHarness;
let analyze: (request: Request) => Promise<Response>;
let chat: (request: Request) => Promise<Response>;

beforeAll(async () => {
  process.env.OPENAI_TIMEOUT_MS = "400";
  h = await startRouteHarness(session, "attempts");
  analyze = (await import("@/app/api/ai/activity-analyzer/route")).POST;
  chat = (await import("@/app/api/ai/chat/route")).POST;
});

afterAll(() => h?.close());

const post = (route: (r: Request) => Promise<Response>, path: string, body: unknown) =>
  route(
    new Request(`http://localhost${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );

type ChatUsage = {
  prompt_tokens: number;
  completion_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
};
const priced = (model: string, u: ChatUsage) =>
  costOf(
    model,
    textUsage({
      inputTokens: u.prompt_tokens,
      cachedInputTokens: u.prompt_tokens_details.cached_tokens,
      outputTokens: u.completion_tokens,
      reasoningTokens: u.completion_tokens_details.reasoning_tokens,
    }),
  );
const chatCalls = (since: number) => h.simulator.requests.slice(since).filter((r) => r.path === "/v1/chat/completions");

describe("provider attempts", () => {
  it("charges a structured call for each attempt: the timed-out one (billed by the provider) at its worst case, then the answered one", async () => {
    const userId = await h.signIn(1_000_000n);
    const input = { description: "45 minutes of easy cycling, then 20 minutes of core work" };
    const before = h.simulator.requests.length;
    h.simulator.injectFault("stall-after-generate", 1);
    const response = await post(analyze, "/api/ai/activity-analyzer", input);
    expect(response.status).toBe(200);
    expect((await response.json()).attempts).toBe(2);

    const calls = chatCalls(before);
    expect(calls).toHaveLength(2);
    // The provider billed both attempts: the first one ran to its end before the client gave up.
    const [first, second] = calls.map((c) => c.billed as ChatUsage);
    expect(calls[0]!.outcome).toBe("client-aborted");
    expect(first!.completion_tokens).toBeGreaterThan(0);
    const call = activityCall(input);
    const worstOfFirst = costOf(
      call.model,
      textUsage({ inputTokens: estimateAttempt(costEngine(), call).inputTokens, outputTokens: call.maxOutputTokens }),
    );
    expect(worstOfFirst).toBeGreaterThanOrEqual(priced(call.model, first!));
    const [row] = await h.consumeRows(userId);
    expect(row!.costMicroUsd).toBe(worstOfFirst + priced(call.model, second!));
    expect(row!.usage).toMatchObject({ calls: 2 });
    expect((await verifyLedger(h.t.db, { userIds: [userId] })).mismatches).toEqual([]);
  });

  it("retries an error the provider answered without billing, and charges only the attempt it billed", async () => {
    const userId = await h.signIn(1_000_000n);
    const before = h.simulator.requests.length;
    h.simulator.injectFault("error-500", 1);
    const response = await post(analyze, "/api/ai/activity-analyzer", { description: "A 5 km run at an easy pace" });
    expect(response.status).toBe(200);
    const calls = chatCalls(before);
    expect(calls.map((c) => c.status)).toEqual([500, 200]);
    expect(calls[0]!.billed).toBeNull();
    const [row] = await h.consumeRows(userId);
    expect(row!.costMicroUsd).toBe(priced(FEATURE_MODEL, calls[1]!.billed as ChatUsage));
  });

  it("charges a chat stream whose provider never answered its worst case (the hold), and answers 502", async () => {
    const userId = await h.signIn(1_000_000n);
    const before = h.simulator.requests.length;
    h.simulator.injectFault("stall-after-generate", 1);
    const response = await post(chat, "/api/ai/chat", { message: "How should I taper before a half marathon?" });
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: "upstream_error" });
    const calls = chatCalls(before);
    expect(calls).toHaveLength(1); // never retried: the hold covers one attempt
    const billed = calls[0]!.billed as ChatUsage;
    const reservation = await h.t.db.tokenReservation.findFirstOrThrow({ where: { userId, feature: "chat" } });
    const [row] = await h.consumeRows(userId);
    const worst = costOf(
      CHAT_MODEL,
      textUsage({ inputTokens: billed.prompt_tokens, outputTokens: CHAT_MAX_OUTPUT_TOKENS }),
    );
    expect(row!.costMicroUsd).toBe(worst);
    expect(row!.costMicroUsd).toBe(reservation.amount);
    expect(row!.costMicroUsd).toBeGreaterThanOrEqual(priced(CHAT_MODEL, billed));
  });
});

const FEATURE_MODEL = activityCall({ description: "x" }).model;

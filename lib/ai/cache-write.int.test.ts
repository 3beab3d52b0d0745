// A model that bills prompt-cache writes, end to end below HTTP: the real chat route (withTokens),
// the real OpenAI SDK against the loopback simulator (which reports `cache_write_tokens` for the
// gpt-5.6 family and bills them at its own prices), the real cost engine and Postgres. The chat's
// model is switched to gpt-5.6-sol for this file only; everything else is the product's.
// gpt-5.6-sol: $4 input / $0.40 cached / $5 cache write / $20 output per 1M tokens.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SIMULATOR_ADMIN_KEY } from "@/lib/env";
import { recentReconciliations } from "@/lib/admin/reconciliation";
import { costOf, textUsage } from "@/lib/tokens/cost";
import { reconcileProviderCosts } from "./reconcile";
import { startRouteHarness, type RouteHarness } from "@/test/ai/route-harness";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("../auth/session", () => ({
  sessionUserId: async () => session.userId,
  sessionClaims: async () =>
    session.userId ? { userId: session.userId, sessionVersion: 0, verify: async () => true } : null,
}));
vi.mock("./models", async (importOriginal) => {
  const original = await importOriginal<typeof import("./models")>();
  return { ...original, FEATURE_MODELS: { ...original.FEATURE_MODELS, chat: "gpt-5.6-sol" } };
});

const MODEL = "gpt-5.6-sol";
let h: RouteHarness;
let POST: (request: Request) => Promise<Response>;

beforeAll(async () => {
  h = await startRouteHarness(session, "cache-write", { tokensPerSecond: 2_000 });
  ({ POST } = await import("@/app/api/ai/chat/route"));
});

afterAll(() => h?.close());

interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  prompt_tokens_details: { cached_tokens: number; cache_write_tokens: number };
}

/** Sends one chat message; returns the usage of the stream's last chunk. */
async function chat(message: string): Promise<Usage> {
  const response = await POST(
    new Request("http://localhost/api/ai/chat", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message }),
    }),
  );
  expect(response.status).toBe(200);
  const chunks = (await response.text())
    .split("\n\n")
    .filter((block) => block.startsWith("data: ") && block !== "data: [DONE]")
    .map((block) => JSON.parse(block.slice(6)) as { usage?: Usage | null });
  return chunks.find((c) => c.usage)!.usage!;
}

const ceilDiv = (n: bigint, d: bigint) => (n + d - 1n) / d;
const roundDiv = (n: bigint, d: bigint) => (2n * n + d) / (2n * d);

/** By hand: (uncached − written) × $4 + cached × $0.40 + written × $5 + output × $20, ÷ 1M, rounded up. */
function charge(u: Usage): bigint {
  const cached = BigInt(u.prompt_tokens_details.cached_tokens);
  const written = BigInt(u.prompt_tokens_details.cache_write_tokens);
  const plain = BigInt(u.prompt_tokens) - cached - written;
  return ceilDiv(
    plain * 4_000_000n + cached * 400_000n + written * 5_000_000n + BigInt(u.completion_tokens) * 20_000_000n,
    1_000_000n,
  );
}

// A message long enough (> 1,024 tokens) for the prompt to be cached.
const LONG = `My training log, for context: ${"Monday easy run 8 km, Tuesday intervals 6 x 800 m, Wednesday rest and mobility work. ".repeat(70)}`;

describe("chat on gpt-5.6-sol: cache writes charged at the cache-write rate", () => {
  it("charges the exact µ$ of the reported writes, then of the cached read, and reconciles with the provider's bill", async () => {
    const userId = await h.signIn(5_000_000n);
    expect(LONG.length).toBeLessThanOrEqual(8_000);

    const first = await chat(LONG);
    const prefix = Math.floor(first.prompt_tokens / 128) * 128;
    expect(first.prompt_tokens).toBeGreaterThan(1_024);
    expect(first.prompt_tokens_details).toMatchObject({ cached_tokens: 0, cache_write_tokens: prefix });

    // The second turn re-sends the first (the stored conversation): its prefix is read from the cache.
    const second = await chat("And how should I taper before a half marathon?");
    expect(second.prompt_tokens_details.cached_tokens).toBeGreaterThanOrEqual(1_024);

    const [row1, row2] = await h.consumeRows(userId);
    expect(row1!.costMicroUsd).toBe(charge(first));
    expect(row2!.costMicroUsd).toBe(charge(second));
    expect(row1!.usage).toMatchObject({
      model: MODEL,
      pricedAs: MODEL,
      priceSource: "catalogue",
      inputTokens: first.prompt_tokens,
      cacheWriteInputTokens: prefix,
    });
    // The write made the first call dearer than the same tokens as plain input, and cheaper than
    // charging every uncached token as written (what an unreported count is charged).
    const plain = costOf(
      MODEL,
      textUsage({ inputTokens: first.prompt_tokens, cacheWriteInputTokens: 0, outputTokens: first.completion_tokens }),
    );
    const unreported = costOf(
      MODEL,
      textUsage({ inputTokens: first.prompt_tokens, outputTokens: first.completion_tokens }),
    );
    expect(row1!.costMicroUsd! > plain).toBe(true);
    expect(row1!.costMicroUsd! <= unreported).toBe(true);

    // The provider's bill (the simulator's own prices, its Usage API's input_cache_write_tokens)
    // against the ledger: the same tokens and, but for rounding, the same µ$.
    const day = new Date().toISOString().slice(0, 10);
    const report = await reconcileProviderCosts(h.t.db, day, {
      OPENAI_ADMIN_KEY: SIMULATOR_ADMIN_KEY,
      OPENAI_BASE_URL: h.simulator.url,
    });
    expect(report).toMatchObject({ configured: true, flagged: [] });
    const [row] = (await recentReconciliations(h.t.db, { days: 1 })).filter((r) => r.model === MODEL);
    const written = first.prompt_tokens_details.cache_write_tokens + second.prompt_tokens_details.cache_write_tokens;
    const cached = first.prompt_tokens_details.cached_tokens + second.prompt_tokens_details.cached_tokens;
    expect(row!.detail.ours).toMatchObject({ calls: 2, cacheWriteInputTokens: written, cachedInputTokens: cached });
    expect(row!.detail.theirs).toMatchObject({
      requests: 2,
      cacheWriteInputTokens: written,
      cachedInputTokens: cached,
    });
    expect(Object.keys(row!.detail.lines).sort()).toEqual(["cache write input", "cached input", "input", "output"]);
    // theirs: each line item summed over the day, rounded half up to the µ$ by our reader
    const sum = (f: (u: Usage) => number) => BigInt(f(first)) + BigInt(f(second));
    const inputPlain = sum(
      (u) => u.prompt_tokens - u.prompt_tokens_details.cached_tokens - u.prompt_tokens_details.cache_write_tokens,
    );
    const theirs =
      roundDiv(inputPlain * 4_000_000n, 1_000_000n) +
      roundDiv(BigInt(cached) * 400_000n, 1_000_000n) +
      roundDiv(BigInt(written) * 5_000_000n, 1_000_000n) +
      roundDiv(sum((u) => u.completion_tokens) * 20_000_000n, 1_000_000n);
    expect(row).toMatchObject({
      oursMicroUsd: charge(first) + charge(second),
      theirsMicroUsd: theirs,
      theirsSource: "costs",
      flagged: false,
    });
  });
});

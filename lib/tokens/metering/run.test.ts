// Run and settle alone, with a fake ledger: how a handler's outcome becomes the answer — a value that
// is not a plain object, a stream's chunk reader (the route's, else the configuration's, else a 500
// that charges nothing), a handler that throws after a billed call. The rest through the whole
// wrapper over real Postgres: with-tokens.int.test.ts, with-tokens.outage.int.test.ts.
import { describe, expect, it } from "vitest";
import type { HotLedger } from "../ledger";
import { UnusableAnswerError } from "./errors";
import type { Hold } from "./hold";
import type { IdempotencyClaim } from "./idempotency-stage";
import type { CostEngine } from "./meter";
import { runAndSettle } from "./run";
import type { ChunkReader, Handler } from "./types";

type Usage = { inputTokens: number; outputTokens: number };
const engine: CostEngine<Usage> = {
  costOf: (_model, usage) => BigInt(usage.inputTokens) + 10n * BigInt(usage.outputTokens),
  countTokens: () => 0,
  textUsage: ({ inputTokens, outputTokens }) => ({ inputTokens, outputTokens }),
  breakdown: (model, usage, cost) => ({ model, ...usage, costMicroUsd: Number(cost) }),
};
const hold = {
  estimate: { model: "m", worstCase: 300n },
  pricing: { version: 1 },
  engine,
  requestId: "req-1",
  held: {
    ok: true,
    reservation: { id: "res-1", amount: 300n, expiresAt: new Date(0) },
    duplicate: false,
    available: 700n,
  },
} as unknown as Hold<CostEngine<Usage>>;
const claim: IdempotencyClaim = { claimed: false, remember: async () => {}, forget: async () => {} };

function run(handler: Handler<object, Usage>, chunkReader?: ChunkReader<never>) {
  const ledgerCalls: string[] = [];
  const logged: string[] = [];
  const ledger = {
    settle: async ({ cost }: { cost: bigint }) => (
      ledgerCalls.push(`settle ${cost}`),
      { ok: true, charged: cost, shortfall: 0n, balance: { available: 1_000n - cost } }
    ),
    release: async () => (ledgerCalls.push("release"), { ok: true, released: true, balance: { available: 1_000n } }),
  } as unknown as HotLedger;
  const response = runAndSettle(handler, {
    request: new Request("http://localhost/x", { method: "POST" }),
    requestId: "http-1",
    feature: "test",
    userId: "user-1",
    input: {},
    hold,
    claim,
    ledger,
    retry: { waitMs: 1_000, firstDelayMs: 1, maxDelayMs: 1 },
    chunkReader,
    log: (event) => void logged.push(event),
  });
  return { response, ledgerCalls, logged };
}

type Chunk = { word?: string; used?: number };
async function* words() {
  yield { word: "hi " } as Chunk;
  yield { used: 2 } as Chunk;
}
const reader = (name: string): ChunkReader<Chunk> => ({
  text: (c) => c.word ?? "",
  usage: (c) => (c.used ? { inputTokens: c.used, outputTokens: name === "route" ? 1 : 2 } : null),
  model: () => "m",
});

describe("runAndSettle", () => {
  it("answers a value that is not a plain object as `result`, with what it cost", async () => {
    const { response } = run(({ meter }) => (meter.record("m", { inputTokens: 3, outputTokens: 7 }), ["a", "b"]));
    const answer = await response;
    expect(answer.headers.get("x-tokens-remaining")).toBe("0.927");
    expect(await answer.json()).toEqual({ result: ["a", "b"], tokens: { charged: 0.073, remaining: 0.927 } });
  });

  it("reads a stream with the route's reader, else the configuration's", async () => {
    const byRoute = run(
      ({ stream }) => stream(words(), { reader: reader("route") }),
      reader("config") as ChunkReader<never>,
    );
    expect(await (await byRoute.response).text()).toContain('event: tokens\ndata: {"charged":0.012,"remaining":0.988}');
    const byConfig = run(({ stream }) => stream(words()), reader("config") as ChunkReader<never>);
    expect(await (await byConfig.response).text()).toContain(
      'event: tokens\ndata: {"charged":0.022,"remaining":0.978}',
    );
  });

  it("answers 500 and releases the hold when a stream has no chunk reader at all", async () => {
    const { response, ledgerCalls, logged } = run(({ stream }) => stream(words()));
    const answer = await response;
    expect(answer.status).toBe(500);
    expect(await answer.json()).toEqual({
      error: "internal_error",
      message: "Something went wrong; you were charged only for what the AI provider billed.",
      tokens: { charged: 0, remaining: 1 },
    });
    expect(ledgerCalls).toEqual(["release"]);
    expect(logged).toEqual(["handler_failed"]);
  });

  it("charges a billed call before an unusable answer, and answers 502 invalid_ai_answer", async () => {
    const { response, ledgerCalls } = run(({ meter }) => {
      meter.record("m", { inputTokens: 4, outputTokens: 2 });
      throw new UnusableAnswerError("The AI could not answer.");
    });
    const answer = await response;
    expect(answer.status).toBe(502);
    expect(await answer.json()).toEqual({
      error: "invalid_ai_answer",
      message: "The AI could not answer.",
      tokens: { charged: 0.024, remaining: 0.976 },
    });
    expect(ledgerCalls).toEqual(["settle 24"]);
  });
});

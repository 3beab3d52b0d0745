// The metered stream alone, with a fake settle: which tail it sends (`event: tokens` + [DONE], the
// upstream error, or the unavailable error when the charge cannot land), that the provider's usage is
// recorded once (or the generated text when none came), and what it remembers for a replay. Over
// real Postgres through the wrapper: with-tokens.int.test.ts and with-tokens.outage.int.test.ts.
import { describe, expect, it } from "vitest";
import { Meter, type CostEngine } from "./meter";
import { PENDING } from "./settle-retry";
import { meteredStream, type StreamHooks } from "./stream";
import type { ChunkReader } from "./types";

type Usage = { inputTokens: number; outputTokens: number };
const engine: CostEngine<Usage> = {
  costOf: (_model, usage) => BigInt(usage.inputTokens) + 10n * BigInt(usage.outputTokens),
  countTokens: (_model, text) => text.split(" ").filter(Boolean).length,
  textUsage: ({ inputTokens, outputTokens }) => ({ inputTokens, outputTokens }),
  breakdown: (model, usage, cost) => ({ model, ...usage, costMicroUsd: Number(cost) }),
};

type Chunk = { model?: string; text?: string; usage?: Usage; secret?: boolean };
const reader: ChunkReader<Chunk> = { text: (c) => c.text ?? "", usage: (c) => c.usage, model: (c) => c.model };

async function* chunks(list: Chunk[], { failAtEnd = false } = {}) {
  for (const chunk of list) yield chunk;
  if (failAtEnd) throw new Error("provider cut the stream");
}

/** Hooks whose settle charges what the meter recorded from a 1,000-millitoken balance (or never lands). */
function hooks({ lands = true } = {}) {
  const meter = new Meter<Usage>("req-1", engine, { model: "m", inputTokens: 2 });
  const remembered: string[] = [];
  const events: string[] = [];
  let settles = 0;
  const h: StreamHooks<Usage> = {
    meter,
    finish: async () => (settles++, lands ? { charged: meter.cost, remaining: 1_000n - meter.cost } : PENDING),
    finishInBackground: () => void settles++,
    remember: async (_status, _type, body) => void remembered.push(String(body)),
    remainingAtStart: 797n,
    log: (event) => void events.push(event),
  };
  return { h, meter, remembered, events, settles: () => settles };
}

describe("meteredStream", () => {
  it("sends each chunk (a chunk whose toData is null is skipped, and the stream goes on), then `event: tokens` and [DONE]; records the usage once; remembers what it sent", async () => {
    const { h, meter, remembered } = hooks();
    const response = meteredStream(
      chunks([
        { model: "m", text: "a " },
        { model: "m", text: "b ", secret: true },
        { model: "m", usage: { inputTokens: 3, outputTokens: 2 } },
        { model: "m", usage: { inputTokens: 9, outputTokens: 9 } },
      ]),
      { reader, toData: (c) => (c.secret ? null : c) },
      h,
    );
    expect(response.headers.get("x-tokens-remaining")).toBe("0.797");
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const text = await response.text();
    const usage = (i: number, o: number) => `data: {"model":"m","usage":{"inputTokens":${i},"outputTokens":${o}}}\n\n`;
    const sent = `data: {"model":"m","text":"a "}\n\n${usage(3, 2)}${usage(9, 9)}event: tokens\ndata: {"charged":0.023,"remaining":0.977}\n\ndata: [DONE]\n\n`;
    expect(text).toBe(sent);
    expect(meter.calls.map((c) => c.cost)).toEqual([23n]);
    expect(remembered).toEqual([sent]);
  });

  it("charges the generated text with the estimate's input count when no usage came", async () => {
    const { h, meter } = hooks();
    await meteredStream(chunks([{ model: "m", text: "one two " }, { text: "three" }]), { reader }, h).text();
    expect(meter.calls).toEqual([
      { model: "m", cost: 32n, breakdown: { model: "m", inputTokens: 2, outputTokens: 3, costMicroUsd: 32 } },
    ]);
  });

  it("ends a stream the provider failed with the upstream error and what was charged, remembering nothing", async () => {
    const { h, remembered, events } = hooks();
    const text = await meteredStream(
      chunks([{ model: "m", text: "half " }], { failAtEnd: true }),
      { reader },
      h,
    ).text();
    expect(text).toBe(
      `data: {"model":"m","text":"half "}\n\nevent: error\ndata: {"error":"upstream_error","tokens":{"charged":0.012,"remaining":0.988}}\n\n`,
    );
    expect(remembered).toEqual([]);
    expect(events).toEqual(["stream_failed"]);
  });

  it("ends with the unavailable error instead of the charge when it cannot land, remembering nothing", async () => {
    const { h, remembered, events } = hooks({ lands: false });
    const text = await meteredStream(
      chunks([{ model: "m", usage: { inputTokens: 1, outputTokens: 1 } }]),
      { reader },
      h,
    ).text();
    expect(text).toBe(
      'data: {"model":"m","usage":{"inputTokens":1,"outputTokens":1}}\n\nevent: error\ndata: {"error":"unavailable","message":"The answer is complete, but its charge could not be recorded yet (the database is unreachable); it will be charged once the database is back."}\n\n',
    );
    expect(text).not.toContain("[DONE]");
    expect(remembered).toEqual([]);
    expect(events).toEqual(["stream_charge_pending"]);
  });

  it("reads the source on after a cancel and charges the usage it reports, settling in the background", async () => {
    const { h, meter, remembered, settles } = hooks();
    const response = meteredStream(
      chunks([
        { model: "m", text: "seen " },
        { model: "m", text: "unseen " },
        { model: "m", usage: { inputTokens: 5, outputTokens: 40 } },
      ]),
      { reader },
      h,
    );
    const body = response.body!.getReader();
    await body.read();
    await body.cancel();
    expect(meter.calls.map((c) => c.cost)).toEqual([405n]);
    expect(settles()).toBe(2); // the background settle and the awaited one share one run in the wrapper
    expect(remembered).toEqual(['data: {"model":"m","text":"seen "}\n\n']);
  });
});

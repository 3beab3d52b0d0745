// OpenAI's usage objects as the meter records them: chat completions and the responses API name
// their counts differently; cached input and hidden reasoning are read from their details; a
// completion without usage is refused rather than given away; a stream chunk's text, usage and model.
import { describe, expect, it } from "vitest";
import { Meter, type CostEngine, type TextCounts } from "../tokens/metering/meter";
import { chatChunkReader, openAITextCounts, recordCompletion, recordOpenAIUsage } from "./openai-usage";

const recorded: TextCounts[] = [];
const engine: CostEngine<TextCounts> = {
  costOf: (_model, u) => BigInt(u.inputTokens + 10 * u.outputTokens),
  countTokens: () => 0,
  textUsage: (counts) => (recorded.push(counts), counts),
  breakdown: (model, _usage, cost) => ({ model, costMicroUsd: Number(cost) }),
};

describe("openAITextCounts", () => {
  it("reads chat completions' usage, with cached input and reasoning", () => {
    expect(
      openAITextCounts({ prompt_tokens: 100, completion_tokens: 50, prompt_tokens_details: { cached_tokens: 20 }, completion_tokens_details: { reasoning_tokens: 30 } }),
    ).toEqual({ inputTokens: 100, cachedInputTokens: 20, outputTokens: 50, reasoningTokens: 30 });
  });

  it("reads the responses API's usage, and counts what is missing or null as 0", () => {
    expect(openAITextCounts({ input_tokens: 7, output_tokens: 3, input_tokens_details: { cached_tokens: null }, output_tokens_details: { reasoning_tokens: 2 } })).toEqual({
      inputTokens: 7,
      cachedInputTokens: 0,
      outputTokens: 3,
      reasoningTokens: 2,
    });
    expect(openAITextCounts({})).toEqual({ inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0 });
  });
});

describe("recordCompletion and recordOpenAIUsage", () => {
  it("records the model the response names with its counts, and returns the completion", () => {
    const meter = new Meter<TextCounts>("req-1", engine, null);
    const completion = { model: "gpt-5-mini-2025-08-07", usage: { prompt_tokens: 3, completion_tokens: 7 }, choices: [] };
    expect(recordCompletion(meter, completion)).toBe(completion);
    recordOpenAIUsage(meter, "gpt-5-mini", { input_tokens: 1, output_tokens: 1 });
    expect(meter.calls.map((c) => [c.model, c.cost])).toEqual([["gpt-5-mini-2025-08-07", 73n], ["gpt-5-mini", 11n]]);
  });

  it("refuses a completion without usage instead of charging nothing", () => {
    const meter = new Meter<TextCounts>("req-1", engine, null);
    expect(() => recordCompletion(meter, { model: "gpt-5-mini", usage: null })).toThrow("the response of gpt-5-mini has no usage to charge");
    expect(meter.calls).toEqual([]);
  });
});

describe("chatChunkReader", () => {
  it("reads a chunk's text deltas, its model and, on the last chunk, its usage", () => {
    const delta = { model: "gpt-5-mini", choices: [{ delta: { content: "Hel" } }, { delta: { content: null } }, { delta: { content: "lo" } }] };
    expect([chatChunkReader.text(delta), chatChunkReader.model(delta), chatChunkReader.usage(delta)]).toEqual(["Hello", "gpt-5-mini", undefined]);
    const last = { model: "gpt-5-mini", choices: [], usage: { prompt_tokens: 12, completion_tokens: 40, completion_tokens_details: { reasoning_tokens: 16 } } };
    expect(chatChunkReader.text(last)).toBe("");
    expect(chatChunkReader.usage(last)).toEqual({ inputTokens: 12, cachedInputTokens: 0, outputTokens: 40, reasoningTokens: 16 });
    expect(chatChunkReader.usage({ usage: null })).toBeNull();
  });
});

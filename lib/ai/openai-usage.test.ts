// OpenAI's usage objects as the meter records them: chat completions and the responses API name
// their counts differently; cached input and hidden reasoning are read from their details; a
// completion without usage is refused rather than given away; a stream chunk's text, usage and model;
// cache-write tokens where the provider reports them.
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
      openAITextCounts({
        prompt_tokens: 100,
        completion_tokens: 50,
        prompt_tokens_details: { cached_tokens: 20 },
        completion_tokens_details: { reasoning_tokens: 30 },
      }),
    ).toEqual({ inputTokens: 100, cachedInputTokens: 20, outputTokens: 50, reasoningTokens: 30 });
  });

  it("reads the responses API's usage, and counts what is missing or null as 0", () => {
    expect(
      openAITextCounts({
        input_tokens: 7,
        output_tokens: 3,
        input_tokens_details: { cached_tokens: null },
        output_tokens_details: { reasoning_tokens: 2 },
      }),
    ).toEqual({
      inputTokens: 7,
      cachedInputTokens: 0,
      outputTokens: 3,
      reasoningTokens: 2,
    });
    expect(openAITextCounts({})).toEqual({ inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0 });
  });
});

// Cache writes: CompletionUsage.prompt_tokens_details.cache_write_tokens and
// ResponseUsage.input_tokens_details.cache_write_tokens (openai/openai-openapi). Absent stays absent:
// the cost engine prices "not reported" differently from "0 written".
describe("openAITextCounts: cache-write tokens", () => {
  it("reads chat completions' prompt_tokens_details.cache_write_tokens", () => {
    expect(
      openAITextCounts({
        prompt_tokens: 4000,
        completion_tokens: 10,
        prompt_tokens_details: { cached_tokens: 1024, cache_write_tokens: 2048 },
      }),
    ).toEqual({
      inputTokens: 4000,
      cachedInputTokens: 1024,
      cacheWriteInputTokens: 2048,
      outputTokens: 10,
      reasoningTokens: 0,
    });
  });

  it("reads the responses API's input_tokens_details.cache_write_tokens, a reported 0 included", () => {
    expect(
      openAITextCounts({
        input_tokens: 36,
        output_tokens: 87,
        input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      }),
    ).toMatchObject({
      cacheWriteInputTokens: 0,
    });
    expect(
      openAITextCounts({
        input_tokens: 2000,
        output_tokens: 1,
        input_tokens_details: { cached_tokens: 0, cache_write_tokens: 1280 },
      }),
    ).toMatchObject({
      cacheWriteInputTokens: 1280,
    });
  });

  it("leaves the count absent when the usage has none (or null)", () => {
    expect(
      openAITextCounts({ prompt_tokens: 5, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 0 } }),
    ).not.toHaveProperty("cacheWriteInputTokens");
    expect(
      openAITextCounts({
        input_tokens: 5,
        output_tokens: 1,
        input_tokens_details: { cached_tokens: 0, cache_write_tokens: null },
      }),
    ).not.toHaveProperty("cacheWriteInputTokens");
  });

  it("hands the count to the meter and to a stream's last chunk", () => {
    recorded.length = 0;
    const meter = new Meter<TextCounts>("req-1", engine, null);
    recordOpenAIUsage(meter, "gpt-5.6-sol", {
      prompt_tokens: 3000,
      completion_tokens: 5,
      prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 2944 },
    });
    expect(recorded.at(-1)).toMatchObject({ inputTokens: 3000, cacheWriteInputTokens: 2944 });
    const last = {
      model: "gpt-5.6-sol",
      choices: [],
      usage: {
        prompt_tokens: 3000,
        completion_tokens: 5,
        prompt_tokens_details: { cached_tokens: 2944, cache_write_tokens: 0 },
      },
    };
    expect(chatChunkReader.usage(last)).toMatchObject({ cachedInputTokens: 2944, cacheWriteInputTokens: 0 });
  });
});

describe("recordCompletion and recordOpenAIUsage", () => {
  it("records the model the response names with its counts, and returns the completion", () => {
    const meter = new Meter<TextCounts>("req-1", engine, null);
    const completion = {
      model: "gpt-5-mini-2025-08-07",
      usage: { prompt_tokens: 3, completion_tokens: 7 },
      choices: [],
    };
    expect(recordCompletion(meter, completion)).toBe(completion);
    recordOpenAIUsage(meter, "gpt-5-mini", { input_tokens: 1, output_tokens: 1 });
    expect(meter.calls.map((c) => [c.model, c.cost])).toEqual([
      ["gpt-5-mini-2025-08-07", 73n],
      ["gpt-5-mini", 11n],
    ]);
  });

  it("refuses a completion without usage instead of charging nothing", () => {
    const meter = new Meter<TextCounts>("req-1", engine, null);
    expect(() => recordCompletion(meter, { model: "gpt-5-mini", usage: null })).toThrow(
      "the response of gpt-5-mini has no usage to charge",
    );
    expect(meter.calls).toEqual([]);
  });
});

describe("chatChunkReader", () => {
  it("reads a chunk's text deltas, its model and, on the last chunk, its usage", () => {
    const delta = {
      model: "gpt-5-mini",
      choices: [{ delta: { content: "Hel" } }, { delta: { content: null } }, { delta: { content: "lo" } }],
    };
    expect([chatChunkReader.text(delta), chatChunkReader.model(delta), chatChunkReader.usage(delta)]).toEqual([
      "Hello",
      "gpt-5-mini",
      undefined,
    ]);
    const last = {
      model: "gpt-5-mini",
      choices: [],
      usage: { prompt_tokens: 12, completion_tokens: 40, completion_tokens_details: { reasoning_tokens: 16 } },
    };
    expect(chatChunkReader.text(last)).toBe("");
    expect(chatChunkReader.usage(last)).toEqual({
      inputTokens: 12,
      cachedInputTokens: 0,
      outputTokens: 40,
      reasoningTokens: 16,
    });
    expect(chatChunkReader.usage({ usage: null })).toBeNull();
  });
});

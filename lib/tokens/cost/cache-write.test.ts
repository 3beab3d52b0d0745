import { describe, expect, it } from "vitest";
import { costOf, priceCall } from "./cost";
import { InvalidPriceOverridesError, InvalidUsageError } from "./errors";
import { estimateTextCost } from "./estimate";
import { tokenCost } from "./money";
import { textUsage, type TextUsage } from "./usage";

// Cache writes (issue 16): a model whose catalogue entry has `cache_write_mtok` bills input written
// to the prompt cache at its own rate. gpt-5.6-sol since 2026-08-21: $4 input / $0.40 cached /
// $5 cache write / $20 output per 1M; above 271,999 input tokens $8 / $0.80 / $10 / $30.
// Every figure by hand: cost = ceil(Σ tokens × $/1M), in µ$.
const sol = (usage: Omit<TextUsage, "kind">): TextUsage => ({ kind: "text", ...usage });

describe("costOf: cache-written input at the cache-write rate", () => {
  it("bills the reported writes at $5, the rest of the uncached input at $4", () => {
    // (10,000 − 2,048 − 4,096) × 4 + 2,048 × 0.40 + 4,096 × 5 + 500 × 20
    // = 15,424 + 819.2 + 20,480 + 10,000 = 46,723.2 → 46,724 µ$
    expect(
      costOf(
        "gpt-5.6-sol",
        sol({ inputTokens: 10_000, cachedInputTokens: 2048, cacheWriteInputTokens: 4096, outputTokens: 500 }),
      ),
    ).toBe(46_724n);
  });

  it("bills no write when the provider reported 0 written", () => {
    // 7,952 × 4 + 819.2 + 10,000 = 31,808 + 819.2 + 10,000 = 42,627.2 → 42,628
    expect(
      costOf(
        "gpt-5.6-sol",
        sol({ inputTokens: 10_000, cachedInputTokens: 2048, cacheWriteInputTokens: 0, outputTokens: 500 }),
      ),
    ).toBe(42_628n);
  });

  it("bills all uncached input as written when the provider reported no cache-write count (never below the bill)", () => {
    // 7,952 × 5 + 819.2 + 10,000 = 39,760 + 819.2 + 10,000 = 50,579.2 → 50,580
    expect(costOf("gpt-5.6-sol", sol({ inputTokens: 10_000, cachedInputTokens: 2048, outputTokens: 500 }))).toBe(
      50_580n,
    );
    expect(costOf("gpt-5.6-sol", textUsage({ inputTokens: 10_000, cachedInputTokens: 2048, outputTokens: 500 }))).toBe(
      50_580n,
    );
  });

  it("answers the gpt-5.6 alias and the dashed id with gpt-5.6-sol's price", () => {
    // 100,000 written × $5 / 1M = 500,000 µ$ (a million input tokens would be long context: $10)
    const usage = sol({ inputTokens: 100_000, cacheWriteInputTokens: 100_000, outputTokens: 0 });
    expect(costOf("gpt-5.6", usage)).toBe(500_000n);
    expect(costOf("gpt-5-6", usage)).toBe(500_000n);
  });

  it("bills writes at the long-context write rate above 271,999 input tokens", () => {
    // 200,000 × 8 + 100,000 × 10 + 1,000 × 30 = 1,600,000 + 1,000,000 + 30,000 = 2,630,000
    expect(
      costOf("gpt-5.6-sol", sol({ inputTokens: 300_000, cacheWriteInputTokens: 100_000, outputTokens: 1000 })),
    ).toBe(2_630_000n);
  });

  it("treats a reported write count as plain input on a model without a cache-write price", () => {
    // gpt-5-mini: (1,000 − 200) × 0.25 + 200 × 0.025 + 500 × 2 = 1,205 with or without the count
    const usage = { inputTokens: 1000, cachedInputTokens: 200, outputTokens: 500 };
    expect(costOf("gpt-5-mini", sol({ ...usage, cacheWriteInputTokens: 600 }))).toBe(1205n);
    expect(costOf("gpt-5-mini", sol(usage))).toBe(1205n);
  });

  it("refuses a usage whose cached and written tokens exceed its input", () => {
    const usage = sol({ inputTokens: 1000, cachedInputTokens: 600, cacheWriteInputTokens: 401, outputTokens: 0 });
    expect(() => costOf("gpt-5.6-sol", usage)).toThrow(InvalidUsageError);
    expect(() => costOf("gpt-5.6-sol", usage)).toThrow(
      /cacheWriteInputTokens are the part of inputTokens not read from the cache/,
    );
  });

  it("records the reported write count in the ledger, and nothing when none was reported", () => {
    const reported = priceCall(
      "gpt-5.6-sol",
      sol({ inputTokens: 10_000, cachedInputTokens: 2048, cacheWriteInputTokens: 4096, outputTokens: 500 }),
    );
    expect(reported.usage).toMatchObject({
      pricedAs: "gpt-5.6-sol",
      costMicroUsd: "46724",
      cacheWriteInputTokens: 4096,
      inputTokens: 10_000,
    });
    const unreported = priceCall(
      "gpt-5.6-sol",
      textUsage({ inputTokens: 10_000, cachedInputTokens: 2048, outputTokens: 500 }),
    );
    expect(unreported.usage).not.toHaveProperty("cacheWriteInputTokens");
    expect(unreported.usage.costMicroUsd).toBe("50580");
  });

  it("textUsage keeps an absent cache-write count absent and a reported one as reported", () => {
    expect(textUsage({ inputTokens: 5, outputTokens: 1 })).not.toHaveProperty("cacheWriteInputTokens");
    expect(textUsage({ inputTokens: 5, cacheWriteInputTokens: 0, outputTokens: 1 })).toMatchObject({
      cacheWriteInputTokens: 0,
    });
  });
});

describe("cache-write prices in overrides", () => {
  const override = (cacheWriteInputMicroUsdPer1M: number) => ({
    "my-model": {
      kind: "text",
      inputMicroUsdPer1M: 1_000_000,
      cacheWriteInputMicroUsdPer1M,
      outputMicroUsdPer1M: 2_000_000,
    },
  });

  it("bills an override's cache-write rate", () => {
    // 400 × 1 + 600 × 1.50 + 100 × 2 = 400 + 900 + 200 = 1,500
    const usage = sol({ inputTokens: 1000, cacheWriteInputTokens: 600, outputTokens: 100 });
    expect(costOf("my-model", usage, { overrides: override(1_500_000) })).toBe(1500n);
  });

  it("refuses a cache-write rate below the input rate", () => {
    expect(() =>
      costOf("my-model", sol({ inputTokens: 1, outputTokens: 0 }), { overrides: override(999_999) }),
    ).toThrow(InvalidPriceOverridesError);
    expect(() =>
      costOf("my-model", sol({ inputTokens: 1, outputTokens: 0 }), { overrides: override(999_999) }),
    ).toThrow(/cacheWriteInputMicroUsdPer1M must not be below inputMicroUsdPer1M/);
    const longContext = {
      "my-model": {
        kind: "text",
        inputMicroUsdPer1M: 1_000_000,
        outputMicroUsdPer1M: 2_000_000,
        longContext: {
          aboveInputTokens: 10,
          inputMicroUsdPer1M: 2_000_000,
          cacheWriteInputMicroUsdPer1M: 1_000_000,
          outputMicroUsdPer1M: 3_000_000,
        },
      },
    };
    expect(() => costOf("my-model", sol({ inputTokens: 1, outputTokens: 0 }), { overrides: longContext })).toThrow(
      /longContext.cacheWriteInputMicroUsdPer1M must not be below its inputMicroUsdPer1M/,
    );
  });
});

describe("estimateTextCost: the hold prices input at the dearer cache-write rate", () => {
  it("holds every input token at $5 and the bound at $20 for gpt-5.6-sol", () => {
    const estimate = estimateTextCost("gpt-5.6-sol", { input: "Plan my week of training.", maxOutputTokens: 400 });
    expect(estimate.worstCase).toBe(
      tokenCost([
        [estimate.inputTokens, 5_000_000],
        [400, 20_000_000],
      ]),
    );
    expect(estimate.worstCase).toBeGreaterThan(
      tokenCost([
        [estimate.inputTokens, 4_000_000],
        [400, 20_000_000],
      ]),
    );
  });

  it("is never below the charge of any usage within the bound, reported writes or not", () => {
    const { inputTokens, worstCase } = estimateTextCost("gpt-5.6-sol", {
      input: "Plan my week of training.",
      maxOutputTokens: 400,
    });
    expect(costOf("gpt-5.6-sol", textUsage({ inputTokens, outputTokens: 400 }))).toBe(worstCase);
    expect(costOf("gpt-5.6-sol", sol({ inputTokens, cacheWriteInputTokens: inputTokens, outputTokens: 400 }))).toBe(
      worstCase,
    );
  });
});

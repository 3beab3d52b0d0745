import { describe, expect, it } from "vitest";
import { countChatTokens, countTokens, encodingNameFor } from "./tokenizer";

describe("encodingNameFor", () => {
  it.each([
    ["gpt-4o", "o200k_base"],
    ["gpt-4o-2024-08-06", "o200k_base"],
    ["gpt-5-mini", "o200k_base"],
    ["gpt-5-mini-2025-08-07", "o200k_base"],
    ["o4-mini", "o200k_base"],
    ["gpt-realtime", "o200k_base"],
    ["gpt-4", "cl100k_base"],
    ["gpt-4-turbo", "cl100k_base"],
    ["gpt-3.5-turbo", "cl100k_base"],
    ["some-future-model", "o200k_base"], // gpt-tokenizer's default for models it does not list
  ])("%s → %s", (model, encoding) => {
    expect(encodingNameFor(model)).toBe(encoding);
  });
});

describe("countTokens: exact counts of plain text", () => {
  it.each([
    // o200k_base: "Hello" 13225, "," 11, " world" 2375, "!" 0
    ["gpt-4o", "Hello, world!", 4],
    ["gpt-5-mini", "Hello, world!", 4],
    // cl100k_base: 791 4062 14198 39935 35308 927 279 16053 5679 13 (tiktoken's classic example)
    ["gpt-4", "The quick brown fox jumps over the lazy dog.", 10],
    ["gpt-4o", "The quick brown fox jumps over the lazy dog.", 10],
    ["gpt-4o", "", 0],
    // a user's "<|endoftext|>" is text to the API, not one special token, and never an error
    ["gpt-4o", "<|endoftext|>", 7],
  ])("%s: %j = %i tokens", (model, text, expected) => {
    expect(countTokens(model, text)).toBe(expected);
  });
});

describe("countChatTokens: exact prompt tokens with the chat framing", () => {
  it("adds 3 tokens per message (<|im_start|>, <|im_sep|>, <|im_end|>) + the role, and 3 for the reply primer", () => {
    // 3 + 1 ("user") + 4 ("Hello, world!") + 3 (<|im_start|>assistant<|im_sep|>) = 11
    expect(countChatTokens("gpt-4o", [{ role: "user", content: "Hello, world!" }])).toBe(11);
    expect(countChatTokens("gpt-5-mini-2025-08-07", [{ role: "user", content: "Hello, world!" }])).toBe(11);
    // + 3 + 1 ("system") + 10 (the fox) = 25
    expect(
      countChatTokens("gpt-4o", [
        { role: "system", content: "The quick brown fox jumps over the lazy dog." },
        { role: "user", content: "Hello, world!" },
      ]),
    ).toBe(25);
    // just the primer
    expect(countChatTokens("gpt-4o", [])).toBe(3);
  });

  it("counts special-token strings in messages as text", () => {
    // 3 + 1 + 7 + 3 = 14
    expect(countChatTokens("gpt-4o", [{ role: "user", content: "<|endoftext|>" }])).toBe(14);
  });
});

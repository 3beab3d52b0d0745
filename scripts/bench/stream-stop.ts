// What a user pays when they press Stop on a reasoning model's streamed answer, two ways:
//   (a) read on: the provider's stream is read to its end after the client left (what withTokens
//       does), and the usage of its last chunk is charged — the whole answer, bounded by max tokens;
//   (b) abort:   the stream is aborted at Stop, and the provider bills what it generated until then
//       (prompt + the hidden reasoning + the visible tokens so far). This is the best (b) could
//       charge if the provider kept a record of the aborted call to read it from.
// For reference, (c) is what the meter charged before: the prompt and the visible text only.
//
// Runs against the loopback OpenAI simulator (the real SDK), whose billed usage of an aborted
// stream follows the provider's rule. Usage: `npm run bench:stream-stop`
// (prints a table and ends with `BENCH {json}`).
import OpenAI from "openai";
import { CHAT_MAX_OUTPUT_TOKENS, CHAT_MODEL, chatMessages } from "../../lib/ai/chat";
import { startOpenAISimulator } from "../../dev/openai-simulator";
import { costOf, countTokens, textUsage } from "../../lib/tokens/cost";

type Usage = {
  prompt_tokens: number;
  completion_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
};

const price = (usage: Usage) =>
  costOf(
    CHAT_MODEL,
    textUsage({
      inputTokens: usage.prompt_tokens,
      cachedInputTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
      outputTokens: usage.completion_tokens,
      reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
    }),
  );

const QUESTION = "Give me a detailed warm-up routine before heavy squats, step by step, with sets and rests.";

async function main() {
  const sim = await startOpenAISimulator({ port: 0, tokensPerSecond: 400 });
  const client = new OpenAI({ apiKey: "sk-simulator", baseURL: sim.url, maxRetries: 0 });
  const request = {
    model: CHAT_MODEL,
    messages: chatMessages([], QUESTION),
    max_completion_tokens: CHAT_MAX_OUTPUT_TOKENS,
    stream: true as const,
    stream_options: { include_usage: true },
  };

  /** Streams, stops after `visible` content chunks, then reads on (a) or aborts (b). */
  async function run(visible: number, mode: "read-on" | "abort") {
    const stream = await client.chat.completions.create(request);
    let seen = 0;
    let text = "";
    let usage: Usage | null = null;
    let prompt = 0;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      const delta = chunk.choices[0]?.delta?.content ?? "";
      if (delta) {
        seen++;
        text += delta;
      }
      if (seen >= visible && mode === "abort") {
        stream.controller.abort();
        break;
      }
    }
    const record = sim.requests.at(-1)!;
    for (let i = 0; i < 100 && record.outcome === "pending"; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const billed = record.billed as Usage;
    prompt = billed.prompt_tokens;
    return { usage, billed, text, prompt };
  }

  const rows: Record<string, unknown>[] = [];
  for (const visible of [1, 5, 20, 50]) {
    const readOn = await run(visible, "read-on");
    const aborted = await run(visible, "abort");
    const visibleOnly = costOf(
      CHAT_MODEL,
      textUsage({ inputTokens: aborted.prompt, outputTokens: countTokens(CHAT_MODEL, aborted.text) }),
    );
    rows.push({
      stopAfterVisibleTokens: visible,
      answerTokens: readOn.usage!.completion_tokens - (readOn.usage!.completion_tokens_details?.reasoning_tokens ?? 0),
      reasoningTokens: readOn.usage!.completion_tokens_details?.reasoning_tokens ?? 0,
      readOnMicroUsd: Number(price(readOn.usage!)),
      readOnBilledMicroUsd: Number(price(readOn.billed)),
      abortBilledMicroUsd: Number(price(aborted.billed)),
      abortReasoningBilled: aborted.billed.completion_tokens_details?.reasoning_tokens ?? 0,
      visibleOnlyMicroUsd: Number(visibleOnly),
    });
  }
  await sim.close();
  console.table(rows);
  console.log(`BENCH ${JSON.stringify({ model: CHAT_MODEL, maxOutputTokens: CHAT_MAX_OUTPUT_TOKENS, rows })}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

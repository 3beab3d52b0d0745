// The chat-completions side of the simulator, exercised through the official `openai` SDK.
import {
  encodeChat as encodeChat4o,
  countTokens as countTokens4o,
  encode as encode4o,
} from "gpt-tokenizer/model/gpt-4o";
import { countTokens as countTokensGpt4 } from "gpt-tokenizer/model/gpt-4";
import { countTokens as countTokens35 } from "gpt-tokenizer/model/gpt-3.5-turbo";
import OpenAI from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { IMAGE_TOKENS_HIGH, IMAGE_TOKENS_LOW } from "./tokens";
import { startOpenAISimulator, type OpenAISimulator } from "./index";

let sim: OpenAISimulator;
let client: OpenAI;

beforeAll(async () => {
  sim = await startOpenAISimulator({ port: 0 });
  client = new OpenAI({ apiKey: "sk-simulator", baseURL: sim.url, maxRetries: 0 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => sim.reset());

const coachChat: ChatCompletionMessageParam[] = [
  { role: "system", content: "You are a supportive fitness and habits coach. Keep answers short." },
  { role: "user", content: "I keep skipping my morning runs. How do I stay consistent?" },
  { role: "assistant", content: "What usually gets in the way in the morning?" },
  { role: "user", content: "Mostly I'm tired — and it's dark outside 🌑. Any tips?" },
];

/** gpt-tokenizer's ChatMessage view of string-content messages. */
function plain(messages: ChatCompletionMessageParam[]) {
  return messages.map((m) => ({ role: m.role, content: m.content as string }));
}

async function collect(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>) {
  const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  const text = chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("");
  return { chunks, text };
}

async function until(condition: () => boolean, timeoutMs = 5000) {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("the served model", () => {
  it("answers an alias with the dated snapshot that served it, as OpenAI does, in the response and in every chunk", async () => {
    const res = await client.chat.completions.create({ model: "gpt-5-mini", messages: coachChat });
    expect(res.model).toBe("gpt-5-mini-2025-08-07");
    const mini = await client.chat.completions.create({ model: "gpt-4o-mini", messages: coachChat });
    expect(mini.model).toBe("gpt-4o-mini-2024-07-18");
    const stream = await client.chat.completions.create({
      model: "gpt-4o",
      messages: coachChat,
      stream: true,
      stream_options: { include_usage: true },
    });
    const models = new Set<string>();
    for await (const chunk of stream) models.add(chunk.model);
    expect([...models]).toEqual(["gpt-4o-2024-08-06"]);
  });

  it("echoes a snapshot id, and an id it has no snapshot for", async () => {
    expect((await client.chat.completions.create({ model: "gpt-4o-2024-05-13", messages: coachChat })).model).toBe(
      "gpt-4o-2024-05-13",
    );
    expect((await client.chat.completions.create({ model: "gpt-5-chat-latest", messages: coachChat })).model).toBe(
      "gpt-5-chat-latest",
    );
  });
});

describe("usage", () => {
  it("prompt_tokens equals gpt-tokenizer's chat count and completion_tokens the reply's count (o200k_base)", async () => {
    const res = await client.chat.completions.create({ model: "gpt-4o-mini", messages: coachChat });
    const content = res.choices[0]!.message.content!;
    expect(res.object).toBe("chat.completion");
    expect(res.choices[0]!.finish_reason).toBe("stop");
    expect(res.usage!.prompt_tokens).toBe(countTokens4o(plain(coachChat)));
    expect(res.usage!.prompt_tokens).toBe(encodeChat4o(plain(coachChat)).length);
    expect(res.usage!.completion_tokens).toBe(encode4o(content).length);
    expect(res.usage!.total_tokens).toBe(res.usage!.prompt_tokens + res.usage!.completion_tokens);
    expect(res.usage!.prompt_tokens_details?.cached_tokens).toBe(0);
    expect(res.usage!.completion_tokens_details?.reasoning_tokens).toBe(0);
    expect(sim.requests[0]!.usage).toEqual(res.usage);
  });

  it("uses each model family's encoding (cl100k for gpt-4 and gpt-3.5-turbo, o200k for gpt-5)", async () => {
    const gpt4 = await client.chat.completions.create({ model: "gpt-4", messages: coachChat });
    expect(gpt4.usage!.prompt_tokens).toBe(countTokensGpt4(plain(coachChat)));
    const gpt35 = await client.chat.completions.create({ model: "gpt-3.5-turbo", messages: coachChat });
    expect(gpt35.usage!.prompt_tokens).toBe(countTokens35(plain(coachChat)));
    const gpt5 = await client.chat.completions.create({ model: "gpt-5-mini", messages: coachChat });
    expect(gpt5.usage!.prompt_tokens).toBe(countTokens4o(plain(coachChat)));
  });

  it("counts text parts like string content and each image at a fixed 85 (low) / 765 (other) tokens", async () => {
    const text = "What does my running form look like in these photos?";
    const res = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text },
            { type: "image_url", image_url: { url: "https://example.com/a.jpg", detail: "low" } },
            { type: "image_url", image_url: { url: "https://example.com/b.jpg", detail: "high" } },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          ],
        },
      ],
    });
    expect(IMAGE_TOKENS_LOW).toBe(85);
    expect(IMAGE_TOKENS_HIGH).toBe(765);
    expect(res.usage!.prompt_tokens).toBe(countTokens4o([{ role: "user", content: text }]) + 85 + 765 + 765);
  });

  it("treats special-token text in prompts as ordinary text", async () => {
    const res = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "what is <|endoftext|>?" }],
    });
    expect(res.usage!.prompt_tokens).toBe(
      encodeChat4o([{ role: "user", content: "what is <|endoftext|>?" }], undefined, { disallowedSpecial: new Set() })
        .length,
    );
  });

  it("reports reasoning tokens for reasoning models as a share of completion_tokens", async () => {
    const medium = await client.chat.completions.create({ model: "gpt-5-mini", messages: coachChat });
    const visible = encode4o(medium.choices[0]!.message.content!).length;
    expect(medium.usage!.completion_tokens_details!.reasoning_tokens).toBe(visible); // medium: 1 × visible
    expect(medium.usage!.completion_tokens).toBe(2 * visible);
    const high = await client.chat.completions.create({
      model: "o4-mini",
      messages: coachChat,
      reasoning_effort: "high",
    });
    expect(high.usage!.completion_tokens_details!.reasoning_tokens).toBe(
      2 * encode4o(high.choices[0]!.message.content!).length,
    );
    const chat = await client.chat.completions.create({ model: "gpt-5-chat-latest", messages: coachChat });
    expect(chat.usage!.completion_tokens_details!.reasoning_tokens).toBe(0);
  });
});

describe("cached tokens", () => {
  const longSystem = `You are a coach. ${"Remember the client's history, goals, constraints and preferences in detail. ".repeat(120)}`;
  const ask = (question: string, model = "gpt-4o-mini") =>
    client.chat.completions.create({
      model,
      messages: [
        { role: "system", content: longSystem },
        { role: "user", content: question },
      ],
    });

  it("reports the longest previously seen prefix, in 128-token blocks, once it is ≥ 1024 tokens", async () => {
    const first = await ask("How should I plan this week?");
    const n = first.usage!.prompt_tokens;
    expect(n).toBeGreaterThan(1024);
    expect(first.usage!.prompt_tokens_details!.cached_tokens).toBe(0);

    const again = await ask("How should I plan this week?");
    expect(again.usage!.prompt_tokens_details!.cached_tokens).toBe(Math.floor(n / 128) * 128);

    const other = await ask("And what about next month?");
    const a = encodeChat4o([
      { role: "system", content: longSystem },
      { role: "user", content: "How should I plan this week?" },
    ]);
    const b = encodeChat4o([
      { role: "system", content: longSystem },
      { role: "user", content: "And what about next month?" },
    ]);
    let common = 0;
    while (a[common] === b[common]) common++;
    expect(other.usage!.prompt_tokens_details!.cached_tokens).toBe(Math.floor(common / 128) * 128);

    // Caching is per model.
    const otherModel = await ask("How should I plan this week?", "gpt-4o");
    expect(otherModel.usage!.prompt_tokens_details!.cached_tokens).toBe(0);
  });

  it("reports cache_write_tokens for a model that bills cache writes: the new prefix on a miss, 0 on a repeat", async () => {
    const details = (usage: OpenAI.Completions.CompletionUsage | undefined) =>
      usage!.prompt_tokens_details as { cached_tokens: number; cache_write_tokens?: number };
    const first = await ask("How should I plan this week?", "gpt-5.6-sol");
    const n = first.usage!.prompt_tokens;
    const prefix = Math.floor(n / 128) * 128;
    expect(details(first.usage)).toMatchObject({ cached_tokens: 0, cache_write_tokens: prefix });
    const again = await ask("How should I plan this week?", "gpt-5.6-sol");
    expect(details(again.usage)).toMatchObject({ cached_tokens: prefix, cache_write_tokens: 0 });
    // a model without cache-write billing reports no such field
    const mini = await ask("How should I plan this week?");
    expect(details(mini.usage)).not.toHaveProperty("cache_write_tokens");
    // a prompt too short to cache writes nothing
    const short = await client.chat.completions.create({ model: "gpt-5.6-terra", messages: coachChat });
    expect(details(short.usage)).toMatchObject({ cached_tokens: 0, cache_write_tokens: 0 });
  });

  it("never caches prompts shorter than 1024 tokens", async () => {
    await client.chat.completions.create({ model: "gpt-4o-mini", messages: coachChat });
    const again = await client.chat.completions.create({ model: "gpt-4o-mini", messages: coachChat });
    expect(again.usage!.prompt_tokens_details!.cached_tokens).toBe(0);
  });
});

describe("deterministic answers", () => {
  it("gives the same coach reply to the same input and different replies to different inputs, 40–120 tokens", async () => {
    const one = await client.chat.completions.create({ model: "gpt-4o-mini", messages: coachChat });
    const two = await client.chat.completions.create({ model: "gpt-4o-mini", messages: coachChat });
    const other = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "How do I prepare for a difficult conversation with my manager?" }],
    });
    expect(one.choices[0]!.message.content).toBe(two.choices[0]!.message.content);
    expect(other.choices[0]!.message.content).not.toBe(one.choices[0]!.message.content);
    for (const res of [one, other]) {
      expect(res.usage!.completion_tokens).toBeGreaterThanOrEqual(40);
      expect(res.usage!.completion_tokens).toBeLessThanOrEqual(120);
    }
  });

  it("returns n distinct choices and bills all of them", async () => {
    const res = await client.chat.completions.create({ model: "gpt-4o-mini", messages: coachChat, n: 2 });
    expect(res.choices.map((c) => c.index)).toEqual([0, 1]);
    expect(res.choices[0]!.message.content).not.toBe(res.choices[1]!.message.content);
    const total = res.choices.reduce((s, c) => s + encode4o(c.message.content!).length, 0);
    expect(res.usage!.completion_tokens).toBe(total);
  });

  it("stops at a stop sequence", async () => {
    const full = (await client.chat.completions.create({ model: "gpt-4o-mini", messages: coachChat })).choices[0]!
      .message.content!;
    const res = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: coachChat,
      stop: ["You asked"],
    });
    expect(res.choices[0]!.message.content).toBe(full.slice(0, full.indexOf("You asked")));
    expect(res.choices[0]!.finish_reason).toBe("stop");
  });
});

describe("streaming", () => {
  it("streams chunks that reassemble to the non-streaming text, with a final usage chunk", async () => {
    const reference = await client.chat.completions.create({ model: "gpt-4o-mini", messages: coachChat });
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: coachChat,
      stream: true,
      stream_options: { include_usage: true },
    });
    const { chunks, text } = await collect(stream);
    expect(text).toBe(reference.choices[0]!.message.content);
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks[0]!.object).toBe("chat.completion.chunk");
    expect(chunks[0]!.choices[0]!.delta.role).toBe("assistant");
    const finish = chunks.filter((c) => c.choices[0]?.finish_reason);
    expect(finish.map((c) => c.choices[0]!.finish_reason)).toEqual(["stop"]);
    const last = chunks[chunks.length - 1]!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(reference.usage);
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it("sends no usage chunk without include_usage", async () => {
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages: coachChat, stream: true });
    const { chunks } = await collect(stream);
    expect(chunks.every((c) => c.choices.length === 1 && c.usage === undefined)).toBe(true);
  });

  it("writes exactly the [DONE] terminator on the wire", async () => {
    const res = await fetch(`${sim.url}/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer x", "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: coachChat, stream: true }),
    });
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const body = await res.text();
    expect(body.endsWith("data: [DONE]\n\n")).toBe(true);
    expect(
      body
        .split("\n\n")
        .filter(Boolean)
        .every((event) => event.startsWith("data: ")),
    ).toBe(true);
  });

  it("paces streams with tokensPerSecond", async () => {
    const slow = await startOpenAISimulator({ tokensPerSecond: 400 });
    try {
      const slowClient = new OpenAI({ apiKey: "k", baseURL: slow.url, maxRetries: 0 });
      const started = Date.now();
      const { chunks } = await collect(
        await slowClient.chat.completions.create({
          model: "gpt-4o-mini",
          messages: coachChat,
          stream: true,
          stream_options: { include_usage: true },
        }),
      );
      const tokens = chunks[chunks.length - 1]!.usage!.completion_tokens;
      expect(Date.now() - started).toBeGreaterThanOrEqual((tokens / 400) * 1000 * 0.8);
    } finally {
      await slow.close();
    }
  });

  it("bills a reasoning stream the client leaves: the prompt, all the reasoning spent before the first visible token, and the visible tokens generated", async () => {
    const paced = await startOpenAISimulator({ tokensPerSecond: 1_000 });
    try {
      const pacedClient = new OpenAI({ apiKey: "k", baseURL: paced.url, maxRetries: 0 });
      const stream = await pacedClient.chat.completions.create({
        model: "gpt-5-mini",
        messages: coachChat,
        stream: true,
        stream_options: { include_usage: true },
      });
      let visible = 0;
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta?.content) visible++;
        if (visible === 3) {
          stream.controller.abort();
          break;
        }
      }
      const record = paced.requests[0]!;
      await vi.waitFor(() => expect(record.outcome).toBe("client-aborted"));
      const full = record.usage as {
        prompt_tokens: number;
        completion_tokens: number;
        completion_tokens_details: { reasoning_tokens: number };
      };
      const billed = record.billed as typeof full;
      const reasoning = full.completion_tokens_details.reasoning_tokens;
      expect(reasoning).toBeGreaterThan(0);
      expect(billed.prompt_tokens).toBe(full.prompt_tokens);
      expect(billed.completion_tokens_details.reasoning_tokens).toBe(reasoning);
      // At least the 3 visible tokens read, fewer than the whole answer.
      expect(billed.completion_tokens).toBeGreaterThanOrEqual(reasoning + 3);
      expect(billed.completion_tokens).toBeLessThan(full.completion_tokens);
    } finally {
      await paced.close();
    }
  });

  it("stall-after-generate bills the whole answer and never answers", async () => {
    const slowClient = new OpenAI({ apiKey: "k", baseURL: sim.url, maxRetries: 0, timeout: 200 });
    sim.injectFault("stall-after-generate");
    const error = await slowClient.chat.completions
      .create({ model: "gpt-5-mini", messages: coachChat })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    const record = sim.requests[0]!;
    await vi.waitFor(() => expect(record.outcome).toBe("client-aborted"));
    expect(record.billed).toEqual(record.usage);
    expect((record.billed as { completion_tokens: number }).completion_tokens).toBeGreaterThan(0);
  });

  it("survives a client that aborts mid-stream, and keeps serving", async () => {
    const slow = await startOpenAISimulator({ tokensPerSecond: 40 });
    try {
      const slowClient = new OpenAI({ apiKey: "k", baseURL: slow.url, maxRetries: 0 });
      const controller = new AbortController();
      const stream = await slowClient.chat.completions.create(
        { model: "gpt-4o-mini", messages: coachChat, stream: true },
        { signal: controller.signal },
      );
      let received = 0;
      try {
        for await (const chunk of stream) {
          if (chunk.choices[0]?.delta?.content) received++;
          if (received === 3) controller.abort();
        }
      } catch {
        // the SDK may end the iteration quietly or throw an abort error: both are fine
      }
      expect(received).toBe(3);
      await until(() => slow.requests[0]?.outcome === "client-aborted");
      const after = await slowClient.chat.completions.create({ model: "gpt-4o-mini", messages: coachChat });
      expect(after.choices[0]!.message.content).toBeTruthy();
      expect(slow.requests[1]!.outcome).toBe("completed");
    } finally {
      await slow.close();
    }
  });

  it("streams a forced tool call whose arguments validate against the function's parameters", async () => {
    const Args = z.object({
      goal: z.string().min(3),
      days: z
        .array(z.enum(["mon", "wed", "fri"]))
        .min(1)
        .max(3),
      minutes: z.number().int().min(10).max(60),
    });
    const tools = [
      { type: "function" as const, function: { name: "schedule_sessions", parameters: z.toJSONSchema(Args) } },
    ];
    const res = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: coachChat,
      tools,
      tool_choice: { type: "function", function: { name: "schedule_sessions" } },
    });
    const call = res.choices[0]!.message.tool_calls![0]!;
    expect(res.choices[0]!.finish_reason).toBe("tool_calls");
    expect(call.type).toBe("function");
    if (call.type !== "function") throw new Error("expected a function call");
    expect(call.function.name).toBe("schedule_sessions");
    Args.parse(JSON.parse(call.function.arguments));

    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: coachChat,
      tools,
      tool_choice: "required",
      stream: true,
    });
    const { chunks } = await collect(stream);
    const args = chunks.map((c) => c.choices[0]?.delta?.tool_calls?.[0]?.function?.arguments ?? "").join("");
    expect(args).toBe(call.function.arguments);
    expect(chunks.find((c) => c.choices[0]?.finish_reason)!.choices[0]!.finish_reason).toBe("tool_calls");
  });
});

describe("max tokens", () => {
  it("truncates at max_tokens with finish_reason length (non-streaming and streaming)", async () => {
    const full = (await client.chat.completions.create({ model: "gpt-4o-mini", messages: coachChat })).choices[0]!
      .message.content!;
    const res = await client.chat.completions.create({ model: "gpt-4o-mini", messages: coachChat, max_tokens: 10 });
    const content = res.choices[0]!.message.content!;
    expect(res.choices[0]!.finish_reason).toBe("length");
    expect(res.usage!.completion_tokens).toBe(10);
    expect(full.startsWith(content)).toBe(true);
    expect(encode4o(content).length).toBeLessThanOrEqual(10);

    const { chunks, text } = await collect(
      await client.chat.completions.create({
        model: "gpt-4o-mini",
        messages: coachChat,
        max_completion_tokens: 10,
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    expect(text).toBe(content);
    expect(chunks.find((c) => c.choices[0]?.finish_reason)!.choices[0]!.finish_reason).toBe("length");
    expect(chunks[chunks.length - 1]!.usage!.completion_tokens).toBe(10);
  });

  it("spends a reasoning model's max_completion_tokens on reasoning first", async () => {
    const res = await client.chat.completions.create({
      model: "gpt-5-mini",
      messages: coachChat,
      max_completion_tokens: 30,
    });
    expect(res.choices[0]!.finish_reason).toBe("length");
    expect(res.choices[0]!.message.content).toBe("");
    expect(res.usage!.completion_tokens).toBe(30);
    expect(res.usage!.completion_tokens_details!.reasoning_tokens).toBe(30);
  });

  it("rejects max_tokens on reasoning models like the API", async () => {
    const error = await client.chat.completions
      .create({ model: "o3", messages: coachChat, max_tokens: 50 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("max_tokens");
  });
});

describe("structured outputs", () => {
  const WorkoutPlan = z.object({
    title: z.string().min(3).max(60),
    level: z.enum(["beginner", "intermediate", "advanced"]),
    weeks: z.number().int().min(2).max(16),
    sessions: z
      .array(
        z.object({
          day: z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
          focus: z.string().min(1),
          minutes: z.number().int().min(15).max(120),
          exercises: z
            .array(z.object({ name: z.string(), sets: z.number().int().min(1).max(6), rpe: z.number().min(1).max(10) }))
            .min(1)
            .max(4),
        }),
      )
      .min(2)
      .max(5),
  });

  const SessionSummary = z.object({
    mood: z.enum(["low", "neutral", "good", "great"]),
    score: z.number().gte(0).lte(1),
    highlights: z.array(z.string().min(5)).length(3),
    actions: z.array(
      z.discriminatedUnion("kind", [
        z.object({ kind: z.literal("habit"), name: z.string(), per_week: z.number().int().min(1).max(7) }),
        z.object({ kind: z.literal("reminder"), at: z.iso.datetime(), text: z.string() }),
      ]),
    ),
    follow_up: z.object({ needed: z.boolean(), in_days: z.number().int().positive().nullable() }),
    coach_email: z.email(),
  });

  const JournalPrompt = z.object({
    id: z.uuid(),
    prompts: z
      .array(
        z.object({
          text: z.string().max(80),
          tags: z
            .array(z.enum(["gratitude", "focus", "energy", "sleep"]))
            .min(1)
            .max(2),
        }),
      )
      .min(3)
      .max(3),
    language: z.enum(["en", "de", "fr"]),
    difficulty: z.number().int().min(1).max(5),
    meta: z.record(z.string(), z.union([z.string(), z.number()])),
  });

  it.each([
    ["workout_plan", WorkoutPlan],
    ["session_summary", SessionSummary],
    ["journal_prompt", JournalPrompt],
  ] as const)("answers %s with JSON that the zod schema parses", async (name, schema) => {
    const res = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: coachChat,
      response_format: { type: "json_schema", json_schema: { name, strict: true, schema: z.toJSONSchema(schema) } },
    });
    const content = res.choices[0]!.message.content!;
    expect(() => schema.parse(JSON.parse(content))).not.toThrow();
    expect(res.usage!.completion_tokens).toBe(encode4o(content).length);
    // Deterministic: the same request gives the same JSON.
    const again = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: coachChat,
      response_format: { type: "json_schema", json_schema: { name, strict: true, schema: z.toJSONSchema(schema) } },
    });
    expect(again.choices[0]!.message.content).toBe(content);
  });

  it("works with the SDK's zodResponseFormat and chat.completions.parse", async () => {
    const res = await client.chat.completions.parse({
      model: "gpt-5-mini",
      messages: coachChat,
      response_format: zodResponseFormat(WorkoutPlan, "workout_plan"),
    });
    const parsed = res.choices[0]!.message.parsed!;
    expect(WorkoutPlan.parse(parsed)).toEqual(parsed);
    expect(parsed.sessions.length).toBeGreaterThanOrEqual(2);
  });

  it("streams structured output that reassembles to valid JSON", async () => {
    const { text } = await collect(
      await client.chat.completions.create({
        model: "gpt-4o-mini",
        messages: coachChat,
        stream: true,
        response_format: {
          type: "json_schema",
          json_schema: { name: "summary", schema: z.toJSONSchema(SessionSummary) },
        },
      }),
    );
    SessionSummary.parse(JSON.parse(text));
  });

  it("answers json_object with a small JSON object", async () => {
    const res = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: coachChat,
      response_format: { type: "json_object" },
    });
    const value = JSON.parse(res.choices[0]!.message.content!) as Record<string, unknown>;
    expect(typeof value).toBe("object");
    expect(Object.keys(value).length).toBeGreaterThan(0);
  });

  it("requires json_schema.name like the API", async () => {
    const error = await client.chat.completions
      .create({
        model: "gpt-4o-mini",
        messages: coachChat,
        // @ts-expect-error name is required by the API
        response_format: { type: "json_schema", json_schema: { schema: { type: "object" } } },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe("faults", () => {
  const schemaFormat = {
    type: "json_schema" as const,
    json_schema: { name: "workout", schema: z.toJSONSchema(z.object({ title: z.string(), weeks: z.number().int() })) },
  };
  const Workout = z.object({ title: z.string(), weeks: z.number().int() });

  it("invalid-json: content that is not valid JSON (so not schema-valid), still billed with usage", async () => {
    const res = await client.chat.completions.create(
      { model: "gpt-4o-mini", messages: coachChat, response_format: schemaFormat },
      { headers: { "x-simulator-fault": "invalid-json" } },
    );
    const content = res.choices[0]!.message.content!;
    expect(() => JSON.parse(content)).toThrow(SyntaxError);
    expect(res.usage!.completion_tokens).toBe(encode4o(content).length);
    expect(res.usage!.prompt_tokens).toBe(countTokens4o(plain(coachChat)));
    expect(sim.requests[0]!.fault).toBe("invalid-json");
    // Only that request: the next one is valid again.
    const next = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: coachChat,
      response_format: schemaFormat,
    });
    Workout.parse(JSON.parse(next.choices[0]!.message.content!));
  });

  it("schema-mismatch: well-formed JSON that fails the schema", async () => {
    const res = await client.chat.completions.create(
      { model: "gpt-4o-mini", messages: coachChat, response_format: schemaFormat },
      { headers: { "x-simulator-fault": "schema-mismatch" } },
    );
    const value: unknown = JSON.parse(res.choices[0]!.message.content!);
    expect(Workout.safeParse(value).success).toBe(false);
    expect(res.usage!.completion_tokens).toBeGreaterThan(0);
  });

  it("error-500 and error-429 answer in OpenAI's error format", async () => {
    const e500 = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: coachChat }, { headers: { "x-simulator-fault": "error-500" } })
      .catch((e: unknown) => e);
    expect(e500).toBeInstanceOf(OpenAI.InternalServerError);
    expect((e500 as InstanceType<typeof OpenAI.APIError>).status).toBe(500);
    expect((e500 as InstanceType<typeof OpenAI.APIError>).type).toBe("server_error");

    const e429 = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: coachChat }, { headers: { "x-simulator-fault": "error-429" } })
      .catch((e: unknown) => e);
    expect(e429).toBeInstanceOf(OpenAI.RateLimitError);
    expect((e429 as InstanceType<typeof OpenAI.APIError>).code).toBe("rate_limit_exceeded");
    expect((e429 as InstanceType<typeof OpenAI.APIError>).headers?.get("retry-after-ms")).toBe("20");
  });

  it("injectFault applies to the next request only, so SDK retries recover", async () => {
    const retrying = new OpenAI({ apiKey: "k", baseURL: sim.url, maxRetries: 2 });
    sim.injectFault("error-429");
    const res = await retrying.chat.completions.create({ model: "gpt-4o-mini", messages: coachChat });
    expect(res.choices[0]!.message.content).toBeTruthy();
    expect(sim.requests.map((r) => r.status)).toEqual([429, 200]);
    expect(sim.requests[1]!.headers["x-stainless-retry-count"]).toBe("1");
  });

  it("abort-mid-stream: the server drops the connection half-way through the stream", async () => {
    const reference = (await client.chat.completions.create({ model: "gpt-4o-mini", messages: coachChat })).choices[0]!
      .message.content!;
    const stream = await client.chat.completions.create(
      { model: "gpt-4o-mini", messages: coachChat, stream: true },
      { headers: { "x-simulator-fault": "abort-mid-stream" } },
    );
    let text = "";
    await expect(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
      })(),
    ).rejects.toThrow();
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThan(reference.length);
    expect(reference.startsWith(text)).toBe(true);
    await until(() => sim.requests[1]?.outcome === "server-aborted");
    // The server is fine afterwards.
    expect(
      (await client.chat.completions.create({ model: "gpt-4o-mini", messages: coachChat })).choices[0]!.message.content,
    ).toBe(reference);
  });

  it("abort-mid-stream on a non-streaming request cuts the JSON body", async () => {
    const error = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: coachChat }, { headers: { "x-simulator-fault": "abort-mid-stream" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
  });

  it("rejects an unknown fault name", async () => {
    const error = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: coachChat }, { headers: { "x-simulator-fault": "explode" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe("protocol errors", () => {
  it("401 without a bearer token, in OpenAI's error format", async () => {
    const anonymous = new OpenAI({
      apiKey: "unused",
      baseURL: sim.url,
      maxRetries: 0,
      defaultHeaders: { Authorization: null },
    });
    const error = await anonymous.chat.completions
      .create({ model: "gpt-4o-mini", messages: coachChat })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(401);

    const raw = await fetch(`${sim.url}/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer " },
      body: "{}",
    });
    expect(raw.status).toBe(401);
    const body = (await raw.json()) as { error: { message: string; type: string; code: string | null } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(typeof body.error.message).toBe("string");
    expect("code" in body.error).toBe(true);
  });

  it("404 for unknown routes", async () => {
    const error = await client.post("/nothing/here", { body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    const raw = await fetch(`${sim.url}/nothing/here`, { headers: { authorization: "Bearer x" } });
    expect(raw.status).toBe(404);
    expect(await raw.json()).toEqual({
      error: { message: "Invalid URL (GET /v1/nothing/here)", type: "invalid_request_error", param: null, code: null },
    });
  });

  it("400 for a body that is not JSON", async () => {
    const raw = await fetch(`${sim.url}/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer x", "content-type": "application/json" },
      body: "{not json",
    });
    expect(raw.status).toBe(400);
    const body = (await raw.json()) as { error: { message: string; type: string } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toMatch(/could not parse the JSON body/);
  });

  it("400 for an invalid request, and the server binds 127.0.0.1 only", async () => {
    const error = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(new URL(sim.url).hostname).toBe("127.0.0.1");
  });
});

// Coach chat: { message } → the coach's reply, streamed (SSE) and metered. The model sees the user's
// stored conversation; the turn is stored when the reply ends. Holds the worst case, charges the
// exact usage of the final chunk — also when the client leaves early: the stream is read on for it.
import { db } from "../../db/client";
import { logger } from "../../log";
import { countChatTokens, textUsage, type BoundCostEngine, type ChatMessage } from "../../tokens/cost";
import { providerCall } from "../attempts";
import {
  appendTurn,
  CHAT_MAX_OUTPUT_TOKENS,
  CHAT_MODEL,
  chatMessages,
  chatPrompt,
  chatRequestSchema,
  keepTurn,
} from "../chat";
import { openai } from "../client";
import { defineFeature } from "../feature";
import { recordOpenAIUsage } from "../openai-usage";

const log = logger("chat");

/** The exact cost of a typical conversation turn: its prompt's tokens and a typical reply length. */
function typicalTextCost(
  engine: BoundCostEngine,
  model: string,
  call: { messages: readonly ChatMessage[]; outputTokens: number },
): bigint {
  return engine.costOf(
    model,
    textUsage({ inputTokens: countChatTokens(model, call.messages), outputTokens: call.outputTokens }),
  );
}

export const chat = defineFeature({
  slug: "chat",
  model: CHAT_MODEL,
  input: chatRequestSchema,
  // The prompt is built once per request (chatPrompt), so the hold covers exactly what run sends.
  estimate: async (input, { db, userId, engine }) =>
    engine.estimateTextCost(CHAT_MODEL, {
      messages: await chatPrompt(db, userId, input),
      maxOutputTokens: CHAT_MAX_OUTPUT_TOKENS,
    }),
  async run({ input, userId, requestId, stream, signal, meter, estimate }) {
    const messages = await chatPrompt(db(), userId, input);
    const source = await providerCall(
      () =>
        openai().chat.completions.create(
          {
            model: CHAT_MODEL,
            messages,
            max_completion_tokens: CHAT_MAX_OUTPUT_TOKENS,
            stream: true,
            stream_options: { include_usage: true },
          },
          { signal },
        ),
      // No answer: the provider may have generated the whole reply; it is charged its worst case.
      {
        signal,
        onUnanswered: () =>
          recordOpenAIUsage(meter, CHAT_MODEL, {
            prompt_tokens: estimate.inputTokens ?? 0,
            completion_tokens: CHAT_MAX_OUTPUT_TOKENS,
          }),
      },
    );
    return stream(
      keepTurn(
        source,
        (reply) => appendTurn(db(), userId, { user: input.message, assistant: reply }),
        (error) => log.error({ event: "store_failed", requestId, userId, err: error }),
      ),
    );
  },
  ttlMs: 5 * 60_000,
  page: {
    title: "Coach chat",
    description: "Talk with your coach; the conversation is kept for you.",
    kind: "chat-stream",
    typicalRequest: "a question in a short conversation, a reply of about 300 tokens",
    typicalCost: (engine, model) =>
      typicalTextCost(engine, model, {
        messages: chatMessages(
          [
            { role: "user", content: "I want to get stronger at squats; I train three times a week." },
            {
              role: "assistant",
              content: "Great goal. Keep three sessions, add weight slowly and sleep well. What do you lift now?",
            },
          ],
          "How should I warm up before heavy squats?",
        ),
        outputTokens: 600,
      }),
  },
});

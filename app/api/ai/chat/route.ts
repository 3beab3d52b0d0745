// POST /api/ai/chat — { message } → the coach's reply, streamed (SSE) and metered. The model sees the
// user's stored conversation; the turn is stored when the reply ends. Holds the worst case, charges
// the exact usage of the final chunk — also when the client leaves early: the stream is read on for it.
import { appendTurn, CHAT_MAX_OUTPUT_TOKENS, CHAT_MODEL, chatPrompt, chatRequestSchema, keepTurn } from "@/lib/ai/chat";
import { providerCall } from "@/lib/ai/attempts";
import { openai } from "@/lib/ai/client";
import { recordOpenAIUsage, withTokens } from "@/lib/ai/metered";
import { db } from "@/lib/db/client";
import { logger } from "@/lib/log";

const log = logger("chat");

export const POST = withTokens(
  "chat",
  async ({ input, userId, requestId, stream, signal, meter, estimate }) => {
    const messages = await chatPrompt(db(), userId, input);
    const source = await providerCall(
      () =>
        openai().chat.completions.create(
          { model: CHAT_MODEL, messages, max_completion_tokens: CHAT_MAX_OUTPUT_TOKENS, stream: true, stream_options: { include_usage: true } },
          { signal },
        ),
      // No answer: the provider may have generated the whole reply; it is charged its worst case.
      { signal, onUnanswered: () => recordOpenAIUsage(meter, CHAT_MODEL, { prompt_tokens: estimate.inputTokens ?? 0, completion_tokens: CHAT_MAX_OUTPUT_TOKENS }) },
    );
    return stream(
      keepTurn(
        source,
        (reply) => appendTurn(db(), userId, { user: input.message, assistant: reply }),
        (error) => log.error({ event: "store_failed", requestId, userId, err: error }),
      ),
    );
  },
  {
    input: chatRequestSchema,
    estimate: async (input, { userId, engine }) =>
      engine.estimateTextCost(CHAT_MODEL, { messages: await chatPrompt(db(), userId, input), maxOutputTokens: CHAT_MAX_OUTPUT_TOKENS }),
    ttlMs: 5 * 60_000,
  },
);

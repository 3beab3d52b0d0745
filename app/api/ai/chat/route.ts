// POST /api/ai/chat — the coach chat, streamed (SSE) and metered: holds the worst case, charges the
// exact usage of the final chunk (or what was generated, if the client leaves early).
import { openai } from "@/lib/ai/client";
import { CHAT_MAX_OUTPUT_TOKENS, CHAT_MODEL, chatMessages, chatRequestSchema } from "@/lib/ai/chat";
import { withTokens } from "@/lib/ai/metered";

export const POST = withTokens(
  "chat",
  async ({ input, stream, signal }) =>
    stream(
      await openai().chat.completions.create(
        {
          model: CHAT_MODEL,
          messages: chatMessages(input),
          max_completion_tokens: CHAT_MAX_OUTPUT_TOKENS,
          stream: true,
          stream_options: { include_usage: true },
        },
        { signal },
      ),
    ),
  {
    input: chatRequestSchema,
    estimate: (input, { engine }) =>
      engine.estimateTextCost(CHAT_MODEL, { messages: chatMessages(input), maxOutputTokens: CHAT_MAX_OUTPUT_TOKENS }),
    ttlMs: 5 * 60_000,
  },
);

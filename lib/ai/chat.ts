// The coach chat (the original system's chat-ai): its model, prompt and request schema, and the
// conversation it keeps per user (lib/ai/conversation.ts): each request sends one new message; the
// model sees the user's latest stored messages before it; the turn is stored once the reply streamed.
import { z } from "zod";
import type { DbTx } from "../db/client";
import { appendTurn, loadConversation } from "./conversation";
import { FEATURE_MODELS } from "./models";

export const CHAT_MODEL = FEATURE_MODELS.chat;
/** The bound of every answer: it is what makes the worst case — and so the hold — finite. */
export const CHAT_MAX_OUTPUT_TOKENS = 800;
export const CHAT_MESSAGE_MAX_CHARS = 8_000;

export const COACH_SYSTEM_PROMPT = [
  "You are the TwinForge coach: a friendly, precise fitness and nutrition coach.",
  "Answer in the user's language, in short paragraphs or lists, with concrete numbers where useful.",
  "You are not a doctor: for pain, injury or medical conditions, advise seeing a professional.",
].join(" ");

export const chatRequestSchema = z.object({
  message: z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(CHAT_MESSAGE_MAX_CHARS, "must be at most 8,000 characters"),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;

/** A message of the coach chat (assignable both to the tokenizer's and to the SDK's message types). */
export type CoachMessage = { role: "system" | "user" | "assistant"; content: string };

/** The messages sent to the model: the coach's instructions, the stored conversation, the new message. */
export function chatMessages(
  history: readonly { role: "user" | "assistant"; content: string }[],
  message: string,
): CoachMessage[] {
  return [
    { role: "system", content: COACH_SYSTEM_PROMPT },
    ...history.map(({ role, content }) => ({ role, content })),
    { role: "user", content: message },
  ];
}

/**
 * The prompt of a chat request, built once per request (by the estimate) so the hold covers exactly
 * the prompt the handler sends, even if another tab adds a turn in between.
 */
const prompts = new WeakMap<ChatRequest, CoachMessage[]>();

export async function chatPrompt(db: DbTx, userId: string, request: ChatRequest): Promise<CoachMessage[]> {
  let prompt = prompts.get(request);
  if (!prompt) {
    prompt = chatMessages(await loadConversation(db, userId), request.message);
    prompts.set(request, prompt);
  }
  return prompt;
}

type Chunk = { choices?: { delta?: { content?: string | null } }[] };

/**
 * Passes a chat stream through unchanged and, when it ends — completed, or cut by the provider —
 * stores the turn with the reply generated (nothing when the reply is empty). A stream the client
 * cancels is read on to its end by the meter, so its turn holds the whole reply that was paid for. A failure to store is reported to `onError`, never to the stream: the user has the reply.
 */
export function keepTurn<C extends Chunk>(
  source: AsyncIterable<C> & { controller?: AbortController },
  store: (reply: string) => Promise<void>,
  onError: (error: unknown) => void,
): AsyncIterable<C> & { controller?: AbortController } {
  async function* run() {
    let reply = "";
    try {
      for await (const chunk of source) {
        reply += chunk.choices?.map((c) => c.delta?.content ?? "").join("") ?? "";
        yield chunk;
      }
    } finally {
      if (reply.trim()) await store(reply).catch(onError);
    }
  }
  return Object.assign(run(), { controller: source.controller });
}

export { appendTurn };

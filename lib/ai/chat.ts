// The coach chat (the original system's chat-ai): its model, prompt and request schema.
import { z } from "zod";

export const CHAT_MODEL = "gpt-5-mini";
/** The bound of every answer: it is what makes the worst case — and so the hold — finite. */
export const CHAT_MAX_OUTPUT_TOKENS = 800;

export const COACH_SYSTEM_PROMPT = [
  "You are the TwinForge coach: a friendly, precise fitness and nutrition coach.",
  "Answer in the user's language, in short paragraphs or lists, with concrete numbers where useful.",
  "You are not a doctor: for pain, injury or medical conditions, advise seeing a professional.",
].join(" ");

export const chatRequestSchema = z.object({
  messages: z
    .array(
      z.object({
        role: z.enum(["user", "assistant"]),
        content: z.string().trim().min(1, "must not be empty").max(8_000, "must be at most 8,000 characters"),
      }),
    )
    .min(1, "must contain at least one message")
    .max(40, "must contain at most 40 messages (start a new conversation)")
    .refine((messages) => messages.at(-1)?.role === "user", "must end with the user's message"),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;

type CoachMessage = { role: "system" | "user" | "assistant"; content: string };

/** The messages sent to the model: the coach's instructions, then the conversation. */
export function chatMessages(request: ChatRequest): CoachMessage[] {
  return [{ role: "system", content: COACH_SYSTEM_PROMPT }, ...request.messages];
}

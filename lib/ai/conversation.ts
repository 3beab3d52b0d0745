// The coach chat's conversation, kept per user in `chat_messages`. Every function is scoped to one
// user id: a user can only ever read, extend or clear their own conversation.
import type { DbTx } from "../db/client";

export interface ConversationMessage {
  id: string;
  role: "user" | "assistant";
  content: string;
  createdAt: Date;
}

/** How many of the latest messages are sent to the model as context (and shown on the page). */
export const CONVERSATION_CONTEXT_MESSAGES = 20;

/** The user's latest `limit` messages, oldest first. */
export async function loadConversation(
  db: DbTx,
  userId: string,
  limit = CONVERSATION_CONTEXT_MESSAGES,
): Promise<ConversationMessage[]> {
  const rows = await db.chatMessage.findMany({ where: { userId }, orderBy: { id: "desc" }, take: limit });
  return rows
    .reverse()
    .map((row) => ({ id: String(row.id), role: row.role, content: row.content, createdAt: row.createdAt }));
}

/** Stores one turn — the user's message and the coach's reply — in one statement (both or neither). */
export async function appendTurn(db: DbTx, userId: string, turn: { user: string; assistant: string }): Promise<void> {
  await db.chatMessage.createMany({
    data: [
      { userId, role: "user", content: turn.user },
      { userId, role: "assistant", content: turn.assistant },
    ],
  });
}

/** Deletes the user's whole conversation; returns how many messages were removed. */
export async function clearConversation(db: DbTx, userId: string): Promise<number> {
  return (await db.chatMessage.deleteMany({ where: { userId } })).count;
}

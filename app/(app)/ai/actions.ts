"use server";
// Server actions of the AI pages. Each checks the session itself and works on the signed-in user only.
import { clearConversation } from "@/lib/ai/conversation";
import { estimateFeature } from "@/lib/ai/estimates";
import { currentCostEngine } from "@/lib/ai/metered";
import { currentUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { millitokensToTokens } from "@/lib/tokens/units";

export type EstimateAnswer = { ok: true; tokens: number } | { ok: false; message: string };

/** The worst case a feature would hold for the page's current input, in tokens. */
export async function estimateAction(slug: string, payload: unknown): Promise<EstimateAnswer> {
  const user = await currentUser();
  if (!user) return { ok: false, message: "Sign in to see estimates." };
  if (typeof slug !== "string") return { ok: false, message: "Unknown feature." };
  const result = await estimateFeature(db(), user.id, slug, payload, await currentCostEngine());
  return result.ok ? { ok: true, tokens: millitokensToTokens(result.millitokens) } : result;
}

/** Deletes the signed-in user's coach conversation. */
export async function clearConversationAction(): Promise<{ ok: boolean }> {
  const user = await currentUser();
  if (!user) return { ok: false };
  await clearConversation(db(), user.id);
  return { ok: true };
}

// GET /api/tokens/balance — the signed-in user's balance as JSON (millitokens as strings), never
// cached. The sidebar polls it while its live stream is down.
import { sessionUserId } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { readLiveBalance } from "@/lib/tokens/live/snapshot";
import { apiError } from "@/lib/http/api-error";
import { withErrorContract } from "@/lib/http/error-contract";
import { jsonResponse } from "@/lib/http/json";

export const dynamic = "force-dynamic";

export const GET = withErrorContract("GET /api/tokens/balance", async (request: Request): Promise<Response> => {
  const userId = await sessionUserId(request);
  if (!userId) return apiError("unauthorized", "Sign in to see your balance.");
  const balance = await readLiveBalance(db(), userId);
  if (!balance) return apiError("no_token_account", "Your account has no token balance.");
  return jsonResponse({ balance });
});

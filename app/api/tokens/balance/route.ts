// GET /api/tokens/balance — the signed-in user's balance as JSON (millitokens as strings), never
// cached. The sidebar polls it while its live stream is down.
import { sessionUserId } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { readLiveBalance } from "@/lib/tokens/live/snapshot";
import { withErrorContract } from "@/lib/http/error-contract";

export const dynamic = "force-dynamic";

const NO_STORE = { "cache-control": "no-store" };

export const GET = withErrorContract("GET /api/tokens/balance", async (request: Request): Promise<Response> => {
  const userId = await sessionUserId(request);
  if (!userId) return Response.json({ error: "unauthenticated", message: "Sign in to see your balance." }, { status: 401, headers: NO_STORE });
  const balance = await readLiveBalance(db(), userId);
  if (!balance) return Response.json({ error: "no_token_account", message: "Your account has no token balance." }, { status: 404, headers: NO_STORE });
  return Response.json({ balance }, { headers: NO_STORE });
});

// GET /api/tokens/stream — the signed-in user's balance as Server-Sent Events: the current balance
// first, then one `balance` event per change of THAT user's balance (Postgres LISTEN/NOTIFY through
// the process-wide listener), a heartbeat comment every 15 s; closed when the client goes away, or
// (after `event: superseded`) when the same user opens more than LIVE_STREAMS_PER_USER streams here.
import { sessionUserId } from "@/lib/auth/session";
import { liveBalance, liveStreamLimit } from "@/lib/live-balance";
import { balanceEventStream } from "@/lib/tokens/live/sse";
import { apiError } from "@/lib/http/api-error";
import { withErrorContract } from "@/lib/http/error-contract";

export const dynamic = "force-dynamic";

export const GET = withErrorContract("GET /api/tokens/stream", async (request: Request): Promise<Response> => {
  const userId = await sessionUserId(request);
  if (!userId) return apiError("unauthorized", "Sign in to see your balance.");
  // At most LIVE_STREAMS_PER_USER per user on this instance: a new one past that closes the oldest.
  const body = balanceEventStream({
    feed: liveBalance().feed,
    userId,
    signal: request.signal,
    limit: liveStreamLimit(),
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      // no-transform: nothing between us and the browser may compress or buffer the events.
      "cache-control": "no-cache, no-store, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
});

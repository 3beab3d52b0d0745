// GET /api/tokens/history/export?kind=&feature= — the signed-in user's token history as CSV: every
// row matching the filters (the same search params as the history on the subscription page),
// streamed page by page, exact amounts. 401 without a session, 400 naming a bad filter.
import { sessionUserId } from "@/lib/auth/session";
import { db, pool } from "@/lib/db/client";
import { csvFileName } from "@/lib/history/csv";
import { historyCsvStream } from "@/lib/history/export";
import { parseHistoryParams, toHistoryFilters } from "@/lib/history/filters";
import { apiError } from "@/lib/http/api-error";
import { withErrorContract } from "@/lib/http/error-contract";

export const dynamic = "force-dynamic";

export const GET = withErrorContract("GET /api/tokens/history/export", async (request: Request): Promise<Response> => {
  const userId = await sessionUserId(request);
  if (!userId) return apiError("unauthorized", "sign in to export your token history");

  const parsed = parseHistoryParams(new URL(request.url).searchParams);
  if (!parsed.ok) return apiError("invalid_filter", parsed.error, { extra: { field: parsed.field } });
  // The export is every matching row: a page cursor has no meaning here and is not used.
  const { kind, feature } = parsed.params;

  return new Response(historyCsvStream({ tx: db(), pool: pool() }, userId, toHistoryFilters({ kind, feature })), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${csvFileName(new Date(), { kind, feature })}"`,
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    },
  });
});

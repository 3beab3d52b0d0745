// GET /api/tokens/history/export?kind=&feature= — the signed-in user's token history as CSV: every
// row matching the filters (the same search params as the history on the subscription page),
// streamed page by page, exact amounts. 401 without a session, 400 naming a bad filter.
import { NextResponse } from "next/server";
import { sessionUserId } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { csvFileName } from "@/lib/history/csv";
import { historyCsvStream } from "@/lib/history/export";
import { parseHistoryParams, toHistoryFilters } from "@/lib/history/filters";
import { withErrorContract } from "@/lib/http/error-contract";

export const dynamic = "force-dynamic";

export const GET = withErrorContract("GET /api/tokens/history/export", async (request: Request): Promise<Response> => {
  const userId = await sessionUserId(request);
  if (!userId) return NextResponse.json({ error: "unauthorized", message: "sign in to export your token history" }, { status: 401 });

  const parsed = parseHistoryParams(new URL(request.url).searchParams);
  if (!parsed.ok) return NextResponse.json({ error: "invalid_filter", field: parsed.field, message: parsed.error }, { status: 400 });
  // The export is every matching row: a page cursor has no meaning here and is not used.
  const { kind, feature } = parsed.params;

  return new Response(historyCsvStream(db(), userId, toHistoryFilters({ kind, feature })), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${csvFileName(new Date(), { kind, feature })}"`,
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    },
  });
});

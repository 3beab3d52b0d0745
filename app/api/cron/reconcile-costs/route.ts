// GET /api/cron/reconcile-costs[?day=YYYY-MM-DD] — Vercel Cron, daily: reconciles yesterday's (UTC)
// ledger against OpenAI's organization Usage and Costs APIs (lib/admin/reconciliation.ts). Bearer
// CRON_SECRET only. Without OPENAI_ADMIN_KEY it answers 200 with a "not configured" report.
import { daySchema, yesterday } from "@/lib/admin/reconciliation";
import { reconcileProviderCosts } from "@/lib/ai/reconcile";
import { isAuthorizedCronRequest } from "@/lib/cron/authorize";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { apiError } from "@/lib/http/api-error";
import { withErrorContract } from "@/lib/http/error-contract";
import { jsonResponse } from "@/lib/http/json";
import { logger } from "@/lib/log";

const log = logger("cron");

export const dynamic = "force-dynamic";
export const maxDuration = 120;

export const GET = withErrorContract("GET /api/cron/reconcile-costs", async (request: Request): Promise<Response> => {
  const e = env();
  if (!isAuthorizedCronRequest(request.headers.get("authorization"), e.CRON_SECRET)) {
    return apiError(
      "unauthorized",
      "send Authorization: Bearer <CRON_SECRET> (cron routes are closed while CRON_SECRET is unset)",
    );
  }
  const dayParam = new URL(request.url).searchParams.get("day");
  const day = dayParam ?? yesterday();
  const parsed = daySchema.safeParse(day);
  if (!parsed.success) {
    return apiError("invalid_query", `day ${parsed.error.issues[0]?.message ?? "is invalid"}`, {
      extra: { field: "day" },
    });
  }
  const report = await reconcileProviderCosts(db(), day, e);
  log.info({
    event: "reconcile_costs",
    ...(report.configured ? { day, rows: report.rows, flagged: report.flagged } : report),
  });
  return jsonResponse(report);
});

// GET /api/cron/reset-monthly-tokens — Vercel Cron, daily: starts every rolled-over allowance period
// (lib/tokens/reset) and sweeps expired reservations, then queues the opt-in monthly summaries
// (lib/mail/notifications/summary.ts). Bearer CRON_SECRET only.
import { isAuthorizedCronRequest } from "@/lib/cron/authorize";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { resetMonthlyTokens } from "@/lib/tokens/reset/monthly-reset";
import { resetReport } from "@/lib/tokens/reset/report";
import { apiError } from "@/lib/http/api-error";
import { withErrorContract } from "@/lib/http/error-contract";
import { jsonResponse } from "@/lib/http/json";
import { logger } from "@/lib/log";
import { sendSoon } from "@/lib/mail/deliver";
import { queueMonthlySummaries } from "@/lib/mail/notifications/summary";
import { deliverWebhooksSoon } from "@/lib/webhooks/deliver-soon";

const log = logger("cron");

export const dynamic = "force-dynamic";
/** Seconds; 100,000 due accounts take well under a minute (npm run bench:reset). */
export const maxDuration = 300;

export const GET = withErrorContract(
  "GET /api/cron/reset-monthly-tokens",
  async (request: Request): Promise<Response> => {
    const { CRON_SECRET, DATABASE_URL, DIRECT_DATABASE_URL } = env();
    if (!isAuthorizedCronRequest(request.headers.get("authorization"), CRON_SECRET)) {
      return apiError(
        "unauthorized",
        "send Authorization: Bearer <CRON_SECRET> (cron routes are closed while CRON_SECRET is unset)",
      );
    }
    const summary = await resetMonthlyTokens(db(), { connectionString: DIRECT_DATABASE_URL ?? DATABASE_URL });
    log.info({ event: "reset_monthly_tokens", ...resetReport(summary) });
    // Each period started emitted period.started in its batch (when an endpoint subscribes).
    if (summary.periodsStarted > 0) deliverWebhooksSoon();
    // The opt-in monthly summaries of the periods that started lately (by this run or by Stripe's
    // invoice.paid): once per user and period. A failure here does not fail the reset (it is done);
    // the next daily run queues what this one missed.
    if (summary.ran) {
      try {
        const queued = await queueMonthlySummaries(db());
        log.info({ event: "monthly_summaries", queued });
        if (queued > 0) sendSoon();
      } catch (error) {
        log.warn({ event: "monthly_summaries_failed", err: error });
      }
    }
    return jsonResponse(resetReport(summary), { status: summary.ran ? 200 : 409 });
  },
);

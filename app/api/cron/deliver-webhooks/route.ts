// GET /api/cron/deliver-webhooks — Vercel Cron, every minute: POSTs the outgoing webhooks that are
// due (new events an after-commit kick missed, retries whose backoff has passed, deliveries whose
// worker died). Bearer CRON_SECRET only. Safe beside other runs: deliveries are claimed with
// FOR UPDATE SKIP LOCKED (lib/webhooks/deliver.ts).
import { isAuthorizedCronRequest } from "@/lib/cron/authorize";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { apiError } from "@/lib/http/api-error";
import { withErrorContract } from "@/lib/http/error-contract";
import { jsonResponse } from "@/lib/http/json";
import { logger } from "@/lib/log";
import { deliverDueWebhooks } from "@/lib/webhooks/deliver";
import { workerOptions } from "@/lib/webhooks/deliver-soon";

const log = logger("cron");

export const dynamic = "force-dynamic";
/** Seconds. Rounds start for BUDGET_MS; each takes at most one attempt's timeout (15 s). */
export const maxDuration = 120;
const BUDGET_MS = 90_000;

export const GET = withErrorContract("GET /api/cron/deliver-webhooks", async (request: Request): Promise<Response> => {
  if (!isAuthorizedCronRequest(request.headers.get("authorization"), env().CRON_SECRET)) {
    return apiError(
      "unauthorized",
      "send Authorization: Bearer <CRON_SECRET> (cron routes are closed while CRON_SECRET is unset)",
    );
  }
  // Small batches, round after round, within a time budget: a run cut off by maxDuration leaves
  // at most one batch's claims to run out (CLAIM_MS) before another worker takes them.
  const report = { succeeded: 0, retried: 0, failed: 0 };
  const started = Date.now();
  while (Date.now() - started < BUDGET_MS) {
    const round = await deliverDueWebhooks(db(), { ...workerOptions(), limit: 10 });
    report.succeeded += round.succeeded;
    report.retried += round.retried;
    report.failed += round.failed;
    if (round.succeeded + round.retried + round.failed === 0) break;
  }
  log.info({ event: "deliver_webhooks", ...report });
  return jsonResponse(report);
});

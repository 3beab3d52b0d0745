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
/** Seconds: 200 deliveries at up to 15 s each would not fit; a slow endpoint's rest waits a minute. */
export const maxDuration = 120;

export const GET = withErrorContract("GET /api/cron/deliver-webhooks", async (request: Request): Promise<Response> => {
  if (!isAuthorizedCronRequest(request.headers.get("authorization"), env().CRON_SECRET)) {
    return apiError(
      "unauthorized",
      "send Authorization: Bearer <CRON_SECRET> (cron routes are closed while CRON_SECRET is unset)",
    );
  }
  const report = await deliverDueWebhooks(db(), { ...workerOptions(), limit: 200 });
  log.info({ event: "deliver_webhooks", ...report });
  return jsonResponse(report);
});

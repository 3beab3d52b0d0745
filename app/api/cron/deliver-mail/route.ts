// GET /api/cron/deliver-mail — Vercel Cron, every 5 minutes: sends the outbox's due mails (new rows
// an after-commit kick missed, retries whose backoff has passed, rows whose sender died). Bearer
// CRON_SECRET only. Without SMTP_URL it answers 200 with `configured: false` and sends nothing.
import { isAuthorizedCronRequest } from "@/lib/cron/authorize";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { apiError } from "@/lib/http/api-error";
import { withErrorContract } from "@/lib/http/error-contract";
import { jsonResponse } from "@/lib/http/json";
import { logger } from "@/lib/log";
import { deliveryOptions, mailSender } from "@/lib/mail/deliver";
import { deliverPending } from "@/lib/mail/outbox";

const log = logger("cron");

export const dynamic = "force-dynamic";
export const maxDuration = 120;

export const GET = withErrorContract("GET /api/cron/deliver-mail", async (request: Request): Promise<Response> => {
  if (!isAuthorizedCronRequest(request.headers.get("authorization"), env().CRON_SECRET)) {
    return apiError(
      "unauthorized",
      "send Authorization: Bearer <CRON_SECRET> (cron routes are closed while CRON_SECRET is unset)",
    );
  }
  const sender = mailSender();
  if (!sender) return jsonResponse({ configured: false, sent: 0, retried: 0, failed: 0 });
  const report = await deliverPending(db(), sender, { ...deliveryOptions(), limit: 500 });
  log.info({ event: "deliver_mail", ...report });
  return jsonResponse({ configured: true, ...report });
});

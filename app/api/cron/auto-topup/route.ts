// GET /api/cron/auto-topup — Vercel Cron, every 5 minutes: the auto top-up sweep
// (lib/billing/auto-topup/sweep.ts): charges again, with the same Stripe idempotency key, the
// attempts a crash or a lost answer left pending, and checks accounts below their threshold whose
// crossing no listener saw. Bearer CRON_SECRET only. Without Stripe configured it does nothing.
import { sweepAutoTopUps } from "@/lib/billing/auto-topup/sweep";
import { billingContext } from "@/lib/billing/context";
import { isAuthorizedCronRequest } from "@/lib/cron/authorize";
import { billingConfigured, env } from "@/lib/env";
import { apiError } from "@/lib/http/api-error";
import { withErrorContract } from "@/lib/http/error-contract";
import { jsonResponse } from "@/lib/http/json";
import { logger } from "@/lib/log";
import { sendSoon } from "@/lib/mail/deliver";

const log = logger("cron");

export const dynamic = "force-dynamic";
export const maxDuration = 120;

export const GET = withErrorContract("GET /api/cron/auto-topup", async (request: Request): Promise<Response> => {
  if (!isAuthorizedCronRequest(request.headers.get("authorization"), env().CRON_SECRET)) {
    return apiError(
      "unauthorized",
      "send Authorization: Bearer <CRON_SECRET> (cron routes are closed while CRON_SECRET is unset)",
    );
  }
  if (!billingConfigured()) return jsonResponse({ configured: false, retried: 0, abandoned: 0, checked: 0 });
  const report = await sweepAutoTopUps(billingContext());
  log.info({ event: "auto_topup_sweep", ...report });
  if (report.retried + report.abandoned + report.checked > 0) sendSoon();
  return jsonResponse({ configured: true, ...report });
});

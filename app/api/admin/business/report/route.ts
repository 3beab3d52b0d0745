// GET /api/admin/business/report?month=YYYY-MM[&rate=0.92] — the month's business figures as CSV
// (lib/admin/business-csv.ts). Admins only: 401 signed out, 403 for other users, 400 naming a bad
// month or rate.
import { businessCsv, businessCsvFileName } from "@/lib/admin/business-csv";
import { businessReport, parseBusinessParams } from "@/lib/admin/business";
import { adminFromRequest } from "@/lib/auth/admin";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { apiError } from "@/lib/http/api-error";
import { withErrorContract } from "@/lib/http/error-contract";

export const dynamic = "force-dynamic";

export const GET = withErrorContract("GET /api/admin/business/report", async (request: Request): Promise<Response> => {
  const check = await adminFromRequest(request);
  if (!check.ok) return check.response;

  const parsed = parseBusinessParams(new URL(request.url).searchParams, { defaultRate: env().ADMIN_USD_TO_EUR });
  if (!parsed.ok) return apiError("invalid_query", parsed.message, { extra: { field: parsed.field } });

  const report = await businessReport(db(), { month: parsed.month, rate: parsed.rate });
  return new Response(businessCsv(report), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${businessCsvFileName(parsed.month)}"`,
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    },
  });
});

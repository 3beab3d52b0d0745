// GET /api/tokens/usage-report?month=YYYY-MM: the signed-in user's usage of one UTC month as a CSV
// download (per day × feature × model, then the totals). 401 without a session, 400 naming the
// problem for a missing, malformed or future month.
import { sessionUserId } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { monthlyUsageReport, parseReportMonth, usageReportCsv, usageReportFileName } from "@/lib/tokens/usage";
import { apiError } from "@/lib/http/api-error";
import { withErrorContract } from "@/lib/http/error-contract";

export const dynamic = "force-dynamic";

export const GET = withErrorContract("GET /api/tokens/usage-report", async (request: Request): Promise<Response> => {
  const userId = await sessionUserId(request);
  if (!userId) return apiError("unauthorized", "Sign in to download your usage report.");
  const month = parseReportMonth(new URL(request.url).searchParams.get("month"));
  if (!month.ok) return apiError("invalid_month", month.message);

  const csv = usageReportCsv(await monthlyUsageReport(db(), userId, month.month));
  return new Response(csv, {
    status: 200,
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${usageReportFileName(month.month)}"`,
      "Cache-Control": "private, no-store",
    },
  });
});

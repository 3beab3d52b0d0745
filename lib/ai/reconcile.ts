// The daily cost reconciliation wired to the environment: the provider's bill from OpenAI's
// organization APIs at OPENAI_BASE_URL (default https://api.openai.com/v1) with OPENAI_ADMIN_KEY.
// The cron route and `npm run costs:reconcile` both call this.
import type { Db } from "../db/client";
import type { ServerEnv } from "../env";
import { reconcileDay, type ReconciliationReport } from "../admin/reconciliation";
import { readProviderBill } from "./provider-bill";

export const OPENAI_API_BASE = "https://api.openai.com/v1";

export function reconcileProviderCosts(
  client: Db,
  day: string,
  e: Pick<ServerEnv, "OPENAI_ADMIN_KEY" | "OPENAI_BASE_URL">,
): Promise<ReconciliationReport> {
  return reconcileDay(client, day, {
    adminKey: e.OPENAI_ADMIN_KEY,
    readBill: (start, adminKey) => readProviderBill(start, { baseUrl: e.OPENAI_BASE_URL ?? OPENAI_API_BASE, adminKey }),
  });
}

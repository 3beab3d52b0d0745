// The number the admin navigation shows next to "Webhooks": events whose last attempt failed.
import type { Db } from "../db/client";

export async function countFailedWebhooks(db: Db): Promise<number> {
  return db.stripeWebhookLog.count({ where: { status: "failed" } });
}

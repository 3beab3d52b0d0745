// The process's webhook delivery: the after-commit kick (like the mail's sendSoon) and what the
// cron route runs. Server only: it reads the environment and the app's database.
import { after } from "next/server";
import { db } from "../db/client";
import { env } from "../env";
import { logger } from "../log";
import { deliverDueWebhooks, RETRY_DELAYS_MS, type WorkerOptions, type WorkerReport } from "./deliver";

const log = logger("webhooks");

export function workerOptions(): WorkerOptions {
  return { allowPrivate: env().WEBHOOKS_ALLOW_PRIVATE_URLS };
}

let running: Promise<WorkerReport | null> | null = null;
let again = false;
let retryTimer: NodeJS.Timeout | null = null;

/**
 * Delivers what is due now, in this process: one run at a time; a kick that comes while one runs
 * makes it go round once more (its event may have committed after this round's claim). After a
 * run that retried something, one more run is set for the first short retry (5 s) — best effort, an
 * unref'd timer: the cron (every minute) takes whatever this process does not. Never rejects.
 */
export function deliverWebhooksNow(): Promise<WorkerReport | null> {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    const total: WorkerReport = { succeeded: 0, retried: 0, failed: 0 };
    for (let round = 0; round < 10; round++) {
      again = false;
      const report = await deliverDueWebhooks(db(), workerOptions());
      total.succeeded += report.succeeded;
      total.retried += report.retried;
      total.failed += report.failed;
      if (report.succeeded + report.retried + report.failed === 0 && !again) break;
    }
    if (total.retried + total.failed > 0) {
      log.warn({ event: "webhook_delivery_problems", ...total });
      if (!retryTimer) {
        retryTimer = setTimeout(() => {
          retryTimer = null;
          void deliverWebhooksNow();
        }, RETRY_DELAYS_MS[0]! + 100);
        retryTimer.unref();
      }
    }
    return total;
  })()
    .catch((error: unknown) => {
      log.warn({ event: "webhook_delivery_failed", err: error });
      return null;
    })
    .finally(() => {
      running = null;
    });
  return running;
}

/**
 * Call after the transaction that emitted an event has committed: delivery starts once the
 * response is sent (Next's `after`), or at once outside a request. Best effort: the cron delivers
 * whatever this does not.
 */
export function deliverWebhooksSoon(): void {
  try {
    after(() => deliverWebhooksNow());
  } catch {
    void deliverWebhooksNow(); // outside a request (a script, a test)
  }
}

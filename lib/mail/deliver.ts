// The process's mail delivery: the SMTP sender built from SMTP_URL, the after-commit kick, and what
// the cron route runs. Without SMTP_URL (development or tests without the local inbox) nothing is
// sent: rows wait in the outbox, and are delivered once a sender is configured.
import { after } from "next/server";
import { db } from "../db/client";
import { env } from "../env";
import { logger } from "../log";
import { deliverPending, type DeliveryOptions, type DeliveryReport, type MailSender } from "./outbox";
import { unsubscribeUrlForRow } from "./notifications/unsubscribe";
import { createSmtpSender } from "./smtp";

const log = logger("mail");

let sender: { url: string; sender: MailSender } | null = null;

/** The sender for SMTP_URL (built once per URL), or null when SMTP_URL is unset. */
export function mailSender(): MailSender | null {
  const url = env().SMTP_URL;
  if (!url) return null;
  if (sender?.url !== url) sender = { url, sender: createSmtpSender(url) };
  return sender.sender;
}

export function deliveryOptions(): DeliveryOptions {
  const e = env();
  return {
    from: e.MAIL_FROM ?? `Tollgate <no-reply@${new URL(e.APP_URL).hostname}>`,
    appUrl: e.APP_URL,
    // Notification mails carry a signed one-click link (and the List-Unsubscribe headers).
    unsubscribeUrl: (row) => unsubscribeUrlForRow(e.APP_URL, e.AUTH_SECRET, row),
  };
}

let running: Promise<DeliveryReport | null> | null = null;
let again = false;

/**
 * Delivers what is due now, in this process: one run at a time, and a request that comes while one
 * runs makes it go round once more (so a row committed during a run is not left to the cron).
 * Resolves null when no sender is configured. Never rejects: a failure is logged, and the cron
 * retries what is left.
 */
export function deliverMailNow(): Promise<DeliveryReport | null> {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    const mail = mailSender();
    if (!mail) return null;
    const total: DeliveryReport = { sent: 0, retried: 0, failed: 0 };
    // Round after round until nothing is due — and once more when a kick came in meanwhile (its
    // row may have committed after this round's claim). At most ~500 mails per run; the cron and
    // the next kick take the rest.
    for (let round = 0; round < 10; round++) {
      again = false;
      const report = await deliverPending(db(), mail, deliveryOptions());
      total.sent += report.sent;
      total.retried += report.retried;
      total.failed += report.failed;
      if (report.sent + report.retried + report.failed === 0 && !again) break;
    }
    if (total.retried + total.failed > 0) log.warn({ event: "delivery_problems", ...total });
    return total;
  })()
    .catch((error: unknown) => {
      log.warn({ event: "delivery_failed", err: error });
      return null;
    })
    .finally(() => {
      running = null;
    });
  return running;
}

/**
 * Call after the transaction that queued a mail has committed: delivery starts once the response
 * is sent (Next's `after`, which also keeps a serverless function alive for it), or at once outside
 * a request. Best effort by design: whatever it does not send, the cron sends.
 */
export function sendSoon(): void {
  try {
    after(() => deliverMailNow());
  } catch {
    void deliverMailNow(); // outside a request (a script, a test)
  }
}

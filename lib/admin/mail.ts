// The admin view of the mail outbox: what is waiting, what failed for good and why, and a retry
// for a failed row once its cause is fixed (a typo in an address, an SMTP account restored).
import { z } from "zod";
import type { Db } from "../db/connect";

// `canceled`: never to be sent, its recipient deleted their account (lib/auth/account-deletion.ts).
export const MAIL_STATUSES = ["pending", "sending", "sent", "failed", "canceled"] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

export const mailStatusSchema = z.enum(MAIL_STATUSES, { error: `status must be one of ${MAIL_STATUSES.join(", ")}` });
export const mailIdSchema = z.uuid({ error: "not a mail id" });

export interface OutboxRow {
  id: string;
  recipient: string;
  template: string;
  status: MailStatus;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  nextAttemptAt: Date;
  sentAt: Date | null;
}

/** How many rows are in each status. */
export async function mailCounts(db: Db): Promise<Record<MailStatus, number>> {
  const rows = await db.$queryRaw<{ status: MailStatus; n: number }[]>`
    SELECT status::text AS status, count(*)::int AS n FROM mail_outbox GROUP BY status`;
  const counts = { pending: 0, sending: 0, sent: 0, failed: 0, canceled: 0 };
  for (const row of rows) counts[row.status] = row.n;
  return counts;
}

/** Mails that failed for good (the admin navigation's badge). */
export async function countFailedMail(db: Db): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM mail_outbox WHERE status = 'failed'`;
  return row?.n ?? 0;
}

/** The newest 100 rows in `status`. */
export async function listMail(db: Db, status: MailStatus): Promise<OutboxRow[]> {
  return db.$queryRaw<OutboxRow[]>`
    SELECT id, recipient, template, status::text AS status, attempts, last_error AS "lastError",
           created_at AS "createdAt", next_attempt_at AS "nextAttemptAt", sent_at AS "sentAt"
    FROM mail_outbox WHERE status = ${status}::mail_status
    ORDER BY created_at DESC, id DESC LIMIT 100`;
}

/**
 * Puts a failed row back in the queue with a fresh schedule. Returns false when the row is not
 * `failed` (sent, already queued, or unknown): a retry never sends a sent mail again.
 */
export async function retryFailedMail(db: Db, id: string): Promise<boolean> {
  const updated = await db.$executeRaw`
    UPDATE mail_outbox SET status = 'pending', attempts = 0, next_attempt_at = date_trunc('milliseconds', now()), last_error = NULL
    WHERE id = ${id}::uuid AND status = 'failed'`;
  return updated === 1;
}

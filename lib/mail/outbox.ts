// The mail outbox: a mail is a row, written in the transaction of what caused it, and sent after
// that transaction commits.
//
// Guarantees:
//   - enqueueMail writes in the caller's transaction: a cause that rolls back leaves no mail, and a
//     committed cause always has its row (no mail is lost to a crash after commit).
//   - One row per idempotency key: enqueueing a cause again (a retried request, a duplicate
//     webhook) is a no-op, so one cause is at most one mail.
//   - deliverPending claims rows with FOR UPDATE SKIP LOCKED: two instances (or the cron and an
//     after-commit kick) never claim one row at the same time.
//   - A failed send is retried with backoff (RETRY_DELAYS_MS) until MAX_ATTEMPTS, then the row is
//     `failed` and shows in the admin console. An SMTP 5xx answer (a permanent refusal) and a row
//     no template can render fail at once.
//   - An outcome is recorded only on the claim it belongs to (`attempts` unchanged), so a sender
//     whose claim ran out and was taken over cannot overwrite the newer outcome.
//   - SMTP has no idempotency: the one window for a duplicate is a crash between the server's
//     acceptance and the `sent` mark. The claim then runs out (CLAIM_MS) and the row is sent again,
//     under the same Message-ID (derived from the idempotency key), by which receivers dedupe.
//   - The language and time zone are decided when the mail is queued and stored on the row; the
//     mail is rendered from the row when it is sent. So every attempt of a row (a retry, a takeover
//     after a crash, an admin's resend) renders the same mail in the same language — the copy a
//     receiver dedupes by Message-ID is the same text — and the idempotency key stays the cause's
//     alone: a cause queued again (even from a request in another language) is still one mail,
//     the first. Deciding at send time instead could not honour the locale negotiated at the
//     causing request (the cron that sends has no request), and would let a retry change language.
import { createHash } from "node:crypto";
import type { Db, DbTx } from "../db/connect";
import type { Locale } from "../i18n/config";
import { mailLocaleFor, storedMailLocale } from "./i18n";
import { renderMail, UnrenderableMailError } from "./render";
import { MAIL_TEMPLATES, type MailData, type MailTemplateName } from "./templates";

/** Waits after the 1st, 2nd, … failed attempt: about 1.6 days in all before a row fails for good. */
export const RETRY_DELAYS_MS = [
  60_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  6 * 3_600_000,
  12 * 3_600_000,
  24 * 3_600_000,
];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** How long a claimed row is its sender's; a sender that died frees it when this has passed. */
export const CLAIM_MS = 2 * 60_000;

export interface MailRequest<Name extends MailTemplateName> {
  to: string;
  template: Name;
  data: MailData<Name>;
  /** Names the cause ("verify:<user>:<token id>"): a second request with the same key is a no-op. */
  idempotencyKey: string;
  userId?: string;
  /**
   * The locale negotiated at the request that caused the mail: used when the recipient has chosen
   * none (users.locale is null) or there is no user. Without either, the mail is English.
   */
  locale?: Locale;
}

/**
 * Queues a mail in the caller's transaction. Returns false when a mail with this idempotency key
 * exists already, or the address cannot receive mail (isUndeliverable): nothing is written. The
 * data is checked against the template's schema here, so a programming error fails the cause, not
 * a send hours later.
 */
export async function enqueueMail<Name extends MailTemplateName>(tx: DbTx, mail: MailRequest<Name>): Promise<boolean> {
  const data = MAIL_TEMPLATES[mail.template].schema.parse(mail.data);
  if (isUndeliverable(mail.to)) return false;
  const { locale, timeZone } = await mailLocaleFor(tx, mail.userId, mail.locale);
  // Due at once: now() truncated to the column's millisecond. Stored as it is, timestamptz(3) would
  // round it half up — up to 0.5 ms later than the instant — and a worker reading its clock in
  // that same millisecond (the after-commit kick) would find the mail not yet due.
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO mail_outbox (idempotency_key, user_id, recipient, template, data, locale, time_zone, next_attempt_at)
    VALUES (${mail.idempotencyKey}, ${mail.userId ?? null}, ${mail.to}, ${mail.template}, ${JSON.stringify(data)}::jsonb,
            ${locale}, ${timeZone}, date_trunc('milliseconds', now()))
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id`;
  return rows.length === 1;
}

/**
 * An address under `.invalid`, the top-level domain reserved never to exist (RFC 2606): a deleted
 * account's anonymised address (lib/auth/account-deletion.ts). A mail to it is not queued — a
 * webhook that arrives after the deletion (the subscription's cancellation) must not leave a mail
 * failing in the outbox.
 */
export function isUndeliverable(address: string): boolean {
  return /\.invalid>?$/i.test(address.trim());
}

/** One mail as handed to the SMTP transport. */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  headers: Record<string, string>;
}

/** Sends one mail; rejects when the SMTP server did not accept it. */
export interface MailSender {
  send(mail: OutgoingMail): Promise<void>;
}

export interface DeliveryOptions {
  from: string;
  appUrl: string;
  /** The unsubscribe URL of a notification mail to `row` (set once notification mails exist). */
  unsubscribeUrl?: (row: { userId: string | null; template: string }) => string | undefined;
  now?: Date;
  /** Rows claimed in one call. */
  limit?: number;
}

export interface DeliveryReport {
  sent: number;
  retried: number;
  failed: number;
}

interface ClaimedRow {
  id: string;
  idempotencyKey: string;
  userId: string | null;
  recipient: string;
  template: string;
  data: unknown;
  locale: string;
  timeZone: string;
  attempts: number;
}

/** The Message-ID of a cause's mail: the same on every attempt, so a duplicate can be recognised. */
export function messageIdFor(idempotencyKey: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? "tollgate.invalid";
  return `<${createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 40)}@${domain}>`;
}

/** An SMTP 5xx reply is the server's permanent refusal (RFC 5321 §4.2.1): retrying cannot help. */
function isPermanent(error: unknown): boolean {
  if (error instanceof UnrenderableMailError) return true;
  const code = (error as { responseCode?: unknown })?.responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
}

/**
 * Sends the rows that are due (pending and past their next attempt, or claimed by a sender whose
 * claim ran out), at most `limit` of them, and records each outcome. Safe to run any number of
 * times and from several instances at once.
 */
export async function deliverPending(db: Db, sender: MailSender, options: DeliveryOptions): Promise<DeliveryReport> {
  const now = options.now ?? new Date();
  const claimedUntil = new Date(now.getTime() + CLAIM_MS);
  const rows = await db.$queryRaw<ClaimedRow[]>`
    UPDATE mail_outbox SET status = 'sending', attempts = attempts + 1, claimed_until = ${claimedUntil}
    WHERE id IN (
      SELECT id FROM mail_outbox
      WHERE (status = 'pending' AND next_attempt_at <= ${now}) OR (status = 'sending' AND claimed_until < ${now})
      ORDER BY next_attempt_at
      LIMIT ${options.limit ?? 50}
      FOR UPDATE SKIP LOCKED)
    RETURNING id, idempotency_key AS "idempotencyKey", user_id AS "userId", recipient, template, data, locale,
              time_zone AS "timeZone", attempts`;
  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0 };
  for (const row of rows) {
    try {
      const unsubscribeUrl = options.unsubscribeUrl?.(row);
      const mail = await renderMail(row.template, row.data, {
        appUrl: options.appUrl,
        unsubscribeUrl,
        ...storedMailLocale(row.locale, row.timeZone),
      });
      const headers: Record<string, string> = {};
      if (mail.category === "notification" && unsubscribeUrl) {
        headers["List-Unsubscribe"] = `<${unsubscribeUrl}>`;
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
      }
      await sender.send({
        from: options.from,
        to: row.recipient,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        messageId: messageIdFor(row.idempotencyKey, options.from),
        headers,
      });
      await db.$executeRaw`
        UPDATE mail_outbox SET status = 'sent', sent_at = now(), claimed_until = NULL, last_error = NULL
        WHERE id = ${row.id}::uuid AND attempts = ${row.attempts}`;
      report.sent++;
    } catch (error) {
      const message = ((error as Error)?.message ?? String(error)).slice(0, 1_000);
      if (isPermanent(error) || row.attempts >= MAX_ATTEMPTS) {
        await db.$executeRaw`
          UPDATE mail_outbox SET status = 'failed', claimed_until = NULL, last_error = ${message} WHERE id = ${row.id}::uuid AND attempts = ${row.attempts}`;
        report.failed++;
      } else {
        const next = new Date(now.getTime() + RETRY_DELAYS_MS[row.attempts - 1]!);
        await db.$executeRaw`
          UPDATE mail_outbox SET status = 'pending', claimed_until = NULL, next_attempt_at = ${next}, last_error = ${message}
          WHERE id = ${row.id}::uuid AND attempts = ${row.attempts}`;
        report.retried++;
      }
    }
  }
  return report;
}

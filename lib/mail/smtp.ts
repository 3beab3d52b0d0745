// The SMTP side of sending: nodemailer over an smtp:// or smtps:// URL (STARTTLS is used whenever
// the server offers it). Short timeouts: a send that hangs holds its claim, and the row is simply
// tried again later.
import nodemailer from "nodemailer";
import type { MailSender } from "./outbox";

/** nodemailer's SMTP options for a connection URL (user and password percent-decoded). */
export function smtpOptions(url: string) {
  const parsed = new URL(url);
  const secure = parsed.protocol === "smtps:";
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    auth: parsed.username
      ? { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) }
      : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  };
}

export function createSmtpSender(url: string): MailSender & { close(): void } {
  const transport = nodemailer.createTransport(smtpOptions(url));
  return {
    async send(mail) {
      await transport.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        messageId: mail.messageId,
        headers: mail.headers,
      });
    },
    close: () => transport.close(),
  };
}

// The loopback mail server for development and tests (never production): an SMTP server the app
// sends to (SMTP_URL) and an HTTP inbox to read what it sent, both on 127.0.0.1. Mails are kept in
// memory only, in arrival order.
import { listenHttp } from "./http";
import { listenSmtp } from "./smtp";
import { MailStore, type StoredMail } from "./store";

export interface MailServerOptions {
  /** SMTP port; 0 (default) picks a free one. Pass a closed server's port to reopen it (an outage test). */
  smtpPort?: number;
  /** Port of the inbox pages and the JSON API; 0 (default) picks a free one. */
  httpPort?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** A larger mail is refused with 552. Default 10 MB. */
  maxMessageBytes?: number;
}

export interface MailServer {
  /** `smtp://127.0.0.1:<port>`: the app's SMTP_URL. */
  smtpUrl: string;
  smtpPort: number;
  /** `http://127.0.0.1:<port>`: the inbox page, and the JSON API under /api/messages. */
  inboxUrl: string;
  /** Every mail received so far, oldest first (a copy). */
  messages(): StoredMail[];
  clear(): void;
  /** Stops both listeners; the ports are free again when it resolves. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

export async function startMailServer({
  smtpPort = 0,
  httpPort = 0,
  host = "127.0.0.1",
  maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES,
}: MailServerOptions = {}): Promise<MailServer> {
  if (process.env.NODE_ENV === "production") {
    throw new Error("The loopback mail server refuses to start when NODE_ENV=production.");
  }
  const store = new MailStore();
  const smtp = await listenSmtp(store, { port: smtpPort, host, maxMessageBytes });
  let http;
  try {
    http = await listenHttp(store, { port: httpPort, host });
  } catch (error) {
    // Nothing half-started: the caller may retry on other ports.
    await smtp.close();
    throw error;
  }
  const urlHost = host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    smtpUrl: `smtp://${urlHost}:${smtp.port}`,
    smtpPort: smtp.port,
    inboxUrl: `http://${urlHost}:${http.port}`,
    messages: () => store.list(),
    clear: () => store.clear(),
    // Idempotent: a runner's exit hook and its normal path may both close it.
    close: () => (closing ??= Promise.all([smtp.close(), http.close()]).then(() => undefined)),
  };
}

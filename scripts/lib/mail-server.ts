// The loopback mail server for `npm run dev` and the e2e server (never production): the app's
// SMTP_URL and MAIL_FROM point at it, and its inbox page shows every mail the app sent.
import { startMailServer, type MailServer } from "../../dev/mail-server";

/** The sender the app is given with the local inbox (production sets its own MAIL_FROM). */
export const DEV_MAIL_FROM = "Tollgate <no-reply@tollgate.localhost>";

export interface DevMail {
  server: MailServer;
  env: { SMTP_URL: string; MAIL_FROM: string };
  close(): Promise<void>;
}

function inUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === "EADDRINUSE";
}

/**
 * Starts on `preferred` ports when given and free (development: maildev's 1025/1080, so the inbox
 * URL stays the same across restarts), else on free ones.
 */
export async function startDevMail(preferred?: { smtpPort: number; httpPort: number }): Promise<DevMail> {
  let server: MailServer;
  try {
    server = await startMailServer(preferred ?? {});
  } catch (error) {
    if (!preferred || !inUse(error)) throw error;
    server = await startMailServer();
  }
  return {
    server,
    env: { SMTP_URL: server.smtpUrl, MAIL_FROM: DEV_MAIL_FROM },
    close: () => server.close(),
  };
}

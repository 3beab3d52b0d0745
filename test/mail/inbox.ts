// The loopback mail server for integration tests: started on free ports, with a wait for the mail a
// test caused (the outbox sends after commit, so a mail arrives some time after the action).
import { startMailServer, type MailServer, type StoredMail } from "@/dev/mail-server";
import { matchesMail, noMailError, type MailQuery } from "./match";

export type { StoredMail } from "@/dev/mail-server";
export { linkIn, matchesMail, type MailQuery } from "./match";

export interface TestInbox extends MailServer {
  /** The first mail (oldest first) that matches `query`; throws after `timeoutMs`, listing what did arrive. */
  waitForMail(query: MailQuery, timeoutMs?: number): Promise<StoredMail>;
}

const POLL_MS = 25;

/** Polls `messages` until a mail matches `query`. */
export async function waitForMail(
  messages: () => StoredMail[],
  query: MailQuery,
  timeoutMs = 10_000,
): Promise<StoredMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = messages();
    const found = mails.find((m) => matchesMail(m, query));
    if (found) return found;
    if (Date.now() >= deadline) throw noMailError(query, timeoutMs, mails);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * A mail server on ephemeral loopback ports (`close()` it in afterAll). `smtpPort` reopens a closed
 * inbox's port, for the outage test: `startTestInbox({ smtpPort: old.smtpPort })`.
 */
export async function startTestInbox(
  options: { smtpPort?: number; maxMessageBytes?: number } = {},
): Promise<TestInbox> {
  const server = await startMailServer({ ...options, httpPort: 0 });
  return {
    ...server,
    waitForMail: (query, timeoutMs) => waitForMail(server.messages, query, timeoutMs),
  };
}

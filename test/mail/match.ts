// Which mail a test waits for, and the link it follows: shared by the integration harness
// (test/mail/inbox.ts) and the e2e helpers, so it imports nothing with a runtime dependency.
import { isAddressedTo } from "../../dev/mail-server/recipients";
import type { StoredMail } from "../../dev/mail-server/store";

/** A mail addressed to `to` (case-insensitive; envelope, To or Cc), optionally with this subject or property. */
export interface MailQuery {
  to: string;
  subject?: string | RegExp;
  match?: (mail: StoredMail) => boolean;
}

export function matchesMail(mail: StoredMail, { to, subject, match }: MailQuery): boolean {
  if (!isAddressedTo(mail, to)) return false;
  if (typeof subject === "string" && mail.subject !== subject) return false;
  if (subject instanceof RegExp && !subject.test(mail.subject)) return false;
  return match ? match(mail) : true;
}

/** The error of a wait that found nothing: what was wanted, and every mail that did arrive. */
export function noMailError({ to, subject, match }: MailQuery, timeoutMs: number, arrived: StoredMail[]): Error {
  const wanted = [`to ${to}`];
  if (subject !== undefined) wanted.push(`subject ${typeof subject === "string" ? JSON.stringify(subject) : subject}`);
  if (match) wanted.push("matching the predicate");
  const lines = arrived.length
    ? arrived.map((m) => `  - to ${[...new Set([...m.envelope.to, ...m.to])].join(", ")}: ${JSON.stringify(m.subject)}`)
    : ["  (none)"];
  return new Error(`No mail ${wanted.join(", ")} within ${timeoutMs} ms. Arrived:\n${lines.join("\n")}`);
}

/**
 * The first URL of the mail's text part that starts with `origin` + `pathPrefix` (`/verify-email`);
 * throws, showing the text, when there is none. `origin` defaults to APP_URL, the origin the app
 * writes its links with.
 */
export function linkIn(
  mail: Pick<StoredMail, "text" | "subject">,
  pathPrefix: string,
  origin = process.env.APP_URL ?? "http://localhost:3000",
): string {
  const start = `${origin.replace(/\/+$/, "")}${pathPrefix}`;
  // A URL ends at white space, a bracket or a quote; a full stop or comma right after it is the sentence's.
  const urls = mail.text.match(/https?:\/\/[^\s<>"')\]]+/g) ?? [];
  const url = urls.map((u) => u.replace(/[.,;:!?]+$/, "")).find((u) => u.startsWith(start));
  if (!url)
    throw new Error(`No link starting with ${start} in the mail ${JSON.stringify(mail.subject)}:\n${mail.text}`);
  return url;
}

// Who a stored mail went to, in a module of its own without dependencies: the e2e helpers (run by
// Playwright, outside the server) filter the JSON API's mails with the same rule as the server.
import type { StoredMail } from "./store";

/** Whether `address` received `mail`: envelope (so Bcc too), To or Cc, compared case-insensitively. */
export function isAddressedTo(mail: Pick<StoredMail, "envelope" | "to" | "cc">, address: string): boolean {
  const wanted = address.trim().toLowerCase();
  return [...mail.envelope.to, ...mail.to, ...mail.cc].some((a) => a.toLowerCase() === wanted);
}

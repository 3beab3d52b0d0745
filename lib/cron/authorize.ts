// Authorization of the cron routes: `Authorization: Bearer <CRON_SECRET>`, the header Vercel Cron
// sends. Compared in constant time (hashes of equal length, so neither the content nor the length
// of the secret leaks through timing). An unset secret refuses everything: a misconfigured
// deployment must not leave its cron routes open.
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

export function isAuthorizedCronRequest(authorization: string | null, secret: string | undefined): boolean {
  if (!secret || !authorization) return false;
  const match = /^Bearer (.+)$/.exec(authorization);
  if (!match) return false;
  return timingSafeEqual(digest(match[1] ?? ""), digest(secret));
}

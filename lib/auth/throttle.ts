// Throttling of failed password sign-ins, per e-mail address, in the database (so it holds across
// server instances). Within a 15-minute window the first FREE_FAILURES failures cost nothing; each
// further one locks the address for twice as long as the last, from 30 s up to 15 min. A successful
// sign-in clears the record.
import type { DbTx } from "../db/client";

export const FREE_FAILURES = 5;
export const WINDOW_MS = 15 * 60_000;
const BASE_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;

/** How long an address is locked after its n-th failure in a window (0 = not locked). */
export function lockDurationMs(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(BASE_LOCK_MS * 2 ** (failures - FREE_FAILURES), MAX_LOCK_MS);
}

export function throttleKey(email: string): string {
  return `email:${email.trim().toLowerCase()}`;
}

/** Seconds until the address may try again, or 0 when it may try now. */
export async function secondsUntilAllowed(tx: DbTx, key: string, now: Date): Promise<number> {
  const row = await tx.authThrottle.findUnique({ where: { key } });
  if (!row?.lockedUntil || row.lockedUntil <= now) return 0;
  return Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 1000);
}

/** Records a failure atomically (concurrent failures all count) and returns the lock it causes. */
export async function recordFailure(tx: DbTx, key: string, now: Date): Promise<{ failures: number; lockedUntil: Date | null }> {
  const windowStart = new Date(now.getTime() - WINDOW_MS);
  const [row] = await tx.$queryRaw<{ failures: number }[]>`
    INSERT INTO auth_throttle (key, failures, window_starts_at) VALUES (${key}, 1, ${now})
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN auth_throttle.window_starts_at < ${windowStart} THEN 1 ELSE auth_throttle.failures + 1 END,
      window_starts_at = CASE WHEN auth_throttle.window_starts_at < ${windowStart} THEN ${now} ELSE auth_throttle.window_starts_at END
    RETURNING failures`;
  const failures = row?.failures ?? 1;
  const lockMs = lockDurationMs(failures);
  const lockedUntil = lockMs ? new Date(now.getTime() + lockMs) : null;
  if (lockedUntil) await tx.authThrottle.update({ where: { key }, data: { lockedUntil } });
  return { failures, lockedUntil };
}

export async function clearFailures(tx: DbTx, key: string): Promise<void> {
  await tx.authThrottle.deleteMany({ where: { key } });
}

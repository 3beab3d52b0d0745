// Throttling of password sign-ins, per e-mail address, in the database (so it holds across server
// instances). Every attempt is counted *before* its password is checked and forgotten only when it
// succeeds, so a burst of parallel guesses cannot all be checked. Attempts count while each comes
// within 15 minutes of the one before (a sliding window, so a patient attacker never starts afresh):
// the 5th locks the address for 30 s, each further one for twice as long as the last, up to 15 min.
// While locked, attempts are refused without checking the password.
import type { Db, DbTx } from "../db/client";

/** The attempt whose failure first locks the address. */
export const LOCK_AFTER_ATTEMPTS = 5;
export const WINDOW_MS = 15 * 60_000;
const BASE_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;

/** How long an address is locked after its n-th failed attempt in a window (0 = not locked). */
export function lockDurationMs(failures: number): number {
  if (failures < LOCK_AFTER_ATTEMPTS) return 0;
  return Math.min(BASE_LOCK_MS * 2 ** (failures - LOCK_AFTER_ATTEMPTS), MAX_LOCK_MS);
}

export function throttleKey(email: string): string {
  return `email:${email.trim().toLowerCase()}`;
}

export type AttemptTicket =
  /** `lockedUntil`: the lock this attempt leaves behind if its password turns out wrong. */
  { allowed: true; attempt: number; lockedUntil: Date | null } | { allowed: false; retryAfterSeconds: number };

function secondsBetween(later: Date, now: Date): number {
  return Math.ceil((later.getTime() - now.getTime()) / 1000);
}

/**
 * Claims one attempt for `key`: refused while the address is locked; otherwise counted (as a
 * failure until `clearFailures` says it succeeded), locking the address if it is the 5th or later.
 * The row lock serialises concurrent claims, so each sees the ones before it.
 */
export async function beginAttempt(db: Db, key: string, now: Date): Promise<AttemptTicket> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`INSERT INTO auth_throttle (key, failures, last_attempt_at) VALUES (${key}, 0, ${now})
      ON CONFLICT (key) DO NOTHING`;
    const [row] = await tx.$queryRaw<{ failures: number; lastAttemptAt: Date; lockedUntil: Date | null }[]>`
      SELECT failures, last_attempt_at AS "lastAttemptAt", locked_until AS "lockedUntil"
      FROM auth_throttle WHERE key = ${key} FOR UPDATE`;
    if (!row) throw new Error(`auth_throttle row ${key} vanished`);
    if (row.lockedUntil && row.lockedUntil > now) {
      return { allowed: false, retryAfterSeconds: secondsBetween(row.lockedUntil, now) };
    }
    const forgotten = now.getTime() - row.lastAttemptAt.getTime() > WINDOW_MS;
    const attempt = (forgotten ? 0 : row.failures) + 1;
    const lockMs = lockDurationMs(attempt);
    const lockedUntil = lockMs ? new Date(now.getTime() + lockMs) : null;
    await tx.authThrottle.update({
      where: { key },
      data: { failures: attempt, lastAttemptAt: now, lockedUntil },
    });
    return { allowed: true, attempt, lockedUntil };
  });
}

/** Seconds until the address may try again, or 0 when it may try now. */
export async function secondsUntilAllowed(tx: DbTx, key: string, now: Date): Promise<number> {
  const row = await tx.authThrottle.findUnique({ where: { key } });
  if (!row?.lockedUntil || row.lockedUntil <= now) return 0;
  return secondsBetween(row.lockedUntil, now);
}

/** After a successful sign-in: forget the address's attempts. */
export async function clearFailures(tx: DbTx, key: string): Promise<void> {
  await tx.authThrottle.deleteMany({ where: { key } });
}

// Sign-up and sign-in limits per client IP and in total, besides the per-e-mail throttle
// (throttle.ts): a loop of sign-ups with fresh e-mails, or a password spray across many e-mails,
// is refused even though each e-mail is new. Counted in the database, so they hold across server
// instances, in fixed windows (one row per key: `signup:ip:<ip>`, `signup:all`, …), one atomic
// statement per key. Every attempt counts, before any password is hashed or checked, so parallel
// bursts are counted like sequential ones and a refused attempt costs the server no argon2 work.
// An IP over its limit is refused before the total is counted: one client cannot use up everyone's
// budget. Without a trusted proxy (TRUSTED_PROXY_HOPS=0) the client IP is unknown and only the
// total applies.
import type { Db } from "../db/client";
import { env } from "../env";

export type AttemptKind = "signup" | "signin";

export interface AttemptLimit {
  /** Attempts allowed per window; 0 = no limit. */
  limit: number;
  windowMs: number;
}

export interface AttemptLimits {
  perIp: AttemptLimit;
  total: AttemptLimit;
}

export type AttemptDecision = { allowed: true } | { allowed: false; scope: "ip" | "total"; retryAfterSeconds: number };

/** The configured limits of a kind of attempt (lib/env.ts). */
export function attemptLimits(kind: AttemptKind): AttemptLimits {
  const e = env();
  return kind === "signup"
    ? {
        perIp: { limit: e.SIGNUP_LIMIT_PER_IP_PER_HOUR, windowMs: 3_600_000 },
        total: { limit: e.SIGNUP_LIMIT_PER_HOUR, windowMs: 3_600_000 },
      }
    : {
        perIp: { limit: e.SIGNIN_LIMIT_PER_IP_PER_15_MIN, windowMs: 900_000 },
        total: { limit: e.SIGNIN_LIMIT_PER_15_MIN, windowMs: 900_000 },
      };
}

/** Counts one attempt under `key` in its current window; the count including it and the window's end. */
async function count(db: Db, key: string, windowMs: number, now: Date): Promise<{ count: number; windowEnds: Date }> {
  const expired = new Date(now.getTime() - windowMs);
  const [row] = await db.$queryRaw<{ count: number; windowStart: Date }[]>`
    INSERT INTO auth_rate_limit (key, window_start, count) VALUES (${key}, ${now}, 1)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN auth_rate_limit.window_start <= ${expired} THEN 1 ELSE auth_rate_limit.count + 1 END,
      window_start = CASE WHEN auth_rate_limit.window_start <= ${expired} THEN ${now} ELSE auth_rate_limit.window_start END
    RETURNING count, window_start AS "windowStart"`;
  return { count: row!.count, windowEnds: new Date(row!.windowStart.getTime() + windowMs) };
}

const secondsUntil = (end: Date, now: Date) => Math.max(1, Math.ceil((end.getTime() - now.getTime()) / 1000));

/**
 * Counts one attempt of `kind` from `ip` (null: unknown) and says whether it may go on. Call it
 * before any expensive or revealing work (hashing, password check).
 */
export async function takeAttempt(
  db: Db,
  kind: AttemptKind,
  ip: string | null,
  { limits = attemptLimits(kind), now = new Date() }: { limits?: AttemptLimits; now?: Date } = {},
): Promise<AttemptDecision> {
  if (ip && limits.perIp.limit > 0) {
    const { count: n, windowEnds } = await count(db, `${kind}:ip:${ip}`, limits.perIp.windowMs, now);
    if (n > limits.perIp.limit)
      return { allowed: false, scope: "ip", retryAfterSeconds: secondsUntil(windowEnds, now) };
  }
  if (limits.total.limit > 0) {
    const { count: n, windowEnds } = await count(db, `${kind}:all`, limits.total.windowMs, now);
    if (n > limits.total.limit)
      return { allowed: false, scope: "total", retryAfterSeconds: secondsUntil(windowEnds, now) };
  }
  // Now and then, forget windows that ended long ago (one row per IP would otherwise stay forever).
  if (Math.random() < 0.01)
    await db.$executeRaw`DELETE FROM auth_rate_limit WHERE window_start < ${new Date(now.getTime() - 86_400_000)}`;
  return { allowed: true };
}

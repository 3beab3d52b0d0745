// Per-user request rate limit for metered routes: a token bucket per (user, scope) in this server
// instance's memory — no database round trip on the hot path. It protects the provider bill from
// runaway clients (a loop in someone's script); the ledger, not this, is what guarantees nobody
// spends more than they have. With N instances the effective limit is up to N × the configured one.

export interface RateLimit {
  /** Requests allowed per window (the bucket's size). */
  limit: number;
  windowMs: number;
}

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private checks = 0;

  /** Takes one request from the bucket of `key`, refilled continuously at limit per window. */
  take(key: string, { limit, windowMs }: RateLimit, now = Date.now()): RateDecision {
    if (limit <= 0) return { allowed: false, retryAfterSeconds: Math.ceil(windowMs / 1000) };
    const perMs = limit / windowMs;
    const bucket = this.buckets.get(key) ?? { tokens: limit, updatedAt: now };
    bucket.tokens = Math.min(limit, bucket.tokens + (now - bucket.updatedAt) * perMs);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (++this.checks % 10_000 === 0) this.prune(now, windowMs);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens) };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)) };
  }

  /** Forgets buckets idle long enough to be full again (bounded memory). */
  private prune(now: number, windowMs: number) {
    for (const [key, bucket] of this.buckets) if (now - bucket.updatedAt > windowMs) this.buckets.delete(key);
  }
}

import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limit";

const PER_MINUTE = { limit: 6, windowMs: 60_000 }; // one request back every 10 s

describe("RateLimiter", () => {
  it("allows a full bucket at once, then refuses with the seconds until one request is back", () => {
    const limiter = new RateLimiter();
    const decisions = Array.from({ length: 7 }, () => limiter.take("u", PER_MINUTE, 0));
    expect(decisions.slice(0, 6).map((d) => d.allowed && d.remaining)).toEqual([5, 4, 3, 2, 1, 0]);
    expect(decisions[6]).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(limiter.take("u", PER_MINUTE, 4_000)).toEqual({ allowed: false, retryAfterSeconds: 6 });
  });

  it("refills continuously, never above the limit", () => {
    const limiter = new RateLimiter();
    for (let i = 0; i < 6; i++) limiter.take("u", PER_MINUTE, 0);
    expect(limiter.take("u", PER_MINUTE, 9_999).allowed).toBe(false);
    expect(limiter.take("u", PER_MINUTE, 10_000)).toEqual({ allowed: true, remaining: 0 });
    // An hour idle refills to the limit, not to 360.
    const later = Array.from({ length: 7 }, () => limiter.take("u", PER_MINUTE, 3_600_000));
    expect(later.filter((d) => d.allowed)).toHaveLength(6);
  });

  it("keeps users apart", () => {
    const limiter = new RateLimiter();
    for (let i = 0; i < 6; i++) limiter.take("a", PER_MINUTE, 0);
    expect(limiter.take("a", PER_MINUTE, 0).allowed).toBe(false);
    expect(limiter.take("b", PER_MINUTE, 0).allowed).toBe(true);
  });

  it("refuses everything with a limit of 0", () => {
    expect(new RateLimiter().take("u", { limit: 0, windowMs: 60_000 }, 0)).toEqual({
      allowed: false,
      retryAfterSeconds: 60,
    });
  });

  it("forgets idle users (bounded memory) without changing their answer", () => {
    const limiter = new RateLimiter();
    for (let i = 0; i < 10_000; i++) limiter.take(`user-${i}`, PER_MINUTE, 0);
    // The 10,000th check after an idle window prunes every bucket that is full again.
    const buckets = (limiter as unknown as { buckets: Map<string, unknown> }).buckets;
    expect(buckets.size).toBe(10_000);
    for (let i = 0; i < 10_000; i++) limiter.take("active", PER_MINUTE, 120_000 + i);
    expect(buckets.size).toBe(1);
    expect(limiter.take("user-1", PER_MINUTE, 200_000)).toEqual({ allowed: true, remaining: 5 });
  });
});

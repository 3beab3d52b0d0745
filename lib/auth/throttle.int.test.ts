import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { beginAttempt, clearFailures, secondsUntilAllowed } from "./throttle";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase({ poolMax: 20 });
});

afterAll(async () => {
  await t?.drop();
});

const T0 = new Date("2026-03-01T12:00:00.000Z");
const at = (ms: number) => new Date(T0.getTime() + ms);
let n = 0;
const nextKey = () => `email:throttle-${++n}@example.com`;

describe("beginAttempt", () => {
  it("allows four attempts freely; the fifth is allowed but leaves a 30 s lock; then refuses", async () => {
    const key = nextKey();
    const tickets = [];
    for (let i = 0; i < 6; i++) tickets.push(await beginAttempt(t.db, key, T0));
    expect(tickets.slice(0, 4)).toEqual([1, 2, 3, 4].map((attempt) => ({ allowed: true, attempt, lockedUntil: null })));
    expect(tickets[4]).toEqual({ allowed: true, attempt: 5, lockedUntil: at(30_000) });
    expect(tickets[5]).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(await secondsUntilAllowed(t.db, key, at(29_001))).toBe(1);
    expect(await secondsUntilAllowed(t.db, key, at(30_000))).toBe(0);
  });

  it("doubles the lock with each further failed attempt, up to 15 minutes", async () => {
    const key = nextKey();
    let now = T0;
    const locks: number[] = [];
    for (let i = 0; i < 11; i++) {
      const ticket = await beginAttempt(t.db, key, now);
      expect(ticket.allowed).toBe(true);
      if (ticket.allowed && ticket.lockedUntil) {
        locks.push(ticket.lockedUntil.getTime() - now.getTime());
        now = ticket.lockedUntil; // try again exactly when the lock ends (still in the window)
      }
    }
    expect(locks).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 900_000, 900_000]);
  });

  it("counts attempts while each comes within 15 minutes of the last, and forgets them after", async () => {
    const key = nextKey();
    await beginAttempt(t.db, key, T0);
    await beginAttempt(t.db, key, at(10 * 60_000));
    await beginAttempt(t.db, key, at(20 * 60_000));
    await beginAttempt(t.db, key, at(35 * 60_000)); // exactly 15 minutes after the previous one
    expect(await beginAttempt(t.db, key, at(45 * 60_000))).toEqual({
      allowed: true,
      attempt: 5,
      lockedUntil: at(45 * 60_000 + 30_000),
    });
    const other = nextKey();
    for (let i = 0; i < 4; i++) await beginAttempt(t.db, other, T0);
    expect(await beginAttempt(t.db, other, at(15 * 60_000 + 1))).toEqual({
      allowed: true,
      attempt: 1,
      lockedUntil: null,
    });
  });

  it("lets only five of ten parallel attempts through, so a burst of guesses is throttled too", async () => {
    const key = nextKey();
    const tickets = await Promise.all(Array.from({ length: 10 }, () => beginAttempt(t.db, key, T0)));
    const allowed = tickets.filter((ticket) => ticket.allowed);
    expect(allowed.map((ticket) => ticket.allowed && ticket.attempt).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(tickets.filter((ticket) => !ticket.allowed)).toEqual(
      Array(5).fill({ allowed: false, retryAfterSeconds: 30 }),
    );
    expect((await t.db.authThrottle.findUniqueOrThrow({ where: { key } })).failures).toBe(5);
  });

  it("keeps addresses apart", async () => {
    const a = nextKey();
    const b = nextKey();
    for (let i = 0; i < 5; i++) await beginAttempt(t.db, a, T0);
    expect(await beginAttempt(t.db, a, T0)).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(await beginAttempt(t.db, b, T0)).toEqual({ allowed: true, attempt: 1, lockedUntil: null });
  });
});

describe("clearFailures", () => {
  it("forgets the attempts of an address after a success", async () => {
    const key = nextKey();
    for (let i = 0; i < 4; i++) await beginAttempt(t.db, key, T0);
    await clearFailures(t.db, key);
    expect(await t.db.authThrottle.findUnique({ where: { key } })).toBeNull();
    expect(await beginAttempt(t.db, key, T0)).toEqual({ allowed: true, attempt: 1, lockedUntil: null });
  });
});

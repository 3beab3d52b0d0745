// Sign-up and sign-in limits per client IP and in total, over Postgres, through the functions the
// forms call (signUpWithPassword, authenticate): fresh e-mails do not escape them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import type { AttemptLimits } from "./attempt-limits";
import { authenticate, signUpWithPassword } from "./users";

const APP_URL = "https://tollgate.test";
let t: TestDatabase;
let n = 0;

beforeAll(async () => {
  t = await createTestDatabase({ poolMax: 20 });
});
afterAll(async () => {
  await t?.drop();
});

const PASSWORD = "correct horse battery";
const HOUR = 3_600_000;
const T0 = new Date("2026-03-01T12:00:00.000Z");
const email = () => `limits-${++n}@example.com`;
let ips = 0;
const freshIp = () => `203.0.113.${++ips}`;
const limits = (perIp: number, total: number, windowMs = HOUR): AttemptLimits => ({
  perIp: { limit: perIp, windowMs },
  total: { limit: total, windowMs },
});
const users = () => t.db.user.count();

describe("sign-up limits", () => {
  it("a loop of sign-ups with fresh e-mails from one IP is refused past the per-IP limit, creating no user", async () => {
    const ip = freshIp();
    const l = limits(3, 1_000);
    const results = [];
    for (let i = 0; i < 6; i++)
      results.push(
        await signUpWithPassword(
          t.db,
          { email: email(), password: PASSWORD, name: undefined },
          { appUrl: APP_URL, attempt: { clientIp: ip, limits: l, now: T0 } },
        ),
      );
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false, false, false]);
    expect(results[3]).toEqual({
      ok: false,
      error: "rate_limited",
      scope: "ip",
      retryAfterSeconds: 3_600,
    });
    const before = await users();
    expect(
      (
        await signUpWithPassword(
          t.db,
          { email: email(), password: PASSWORD, name: undefined },
          { appUrl: APP_URL, attempt: { clientIp: ip, limits: l, now: T0 } },
        )
      ).ok,
    ).toBe(false);
    expect(await users()).toBe(before);
    // Another client is not affected, and the IP may sign up again in the next window.
    expect(
      (
        await signUpWithPassword(
          t.db,
          { email: email(), password: PASSWORD, name: undefined },
          { appUrl: APP_URL, attempt: { clientIp: freshIp(), limits: l, now: T0 } },
        )
      ).ok,
    ).toBe(true);
    expect(
      (
        await signUpWithPassword(
          t.db,
          { email: email(), password: PASSWORD, name: undefined },
          { appUrl: APP_URL, attempt: { clientIp: ip, limits: l, now: new Date(T0.getTime() + HOUR) } },
        )
      ).ok,
    ).toBe(true);
  });

  it("sign-ups from many IPs are refused past the total limit; an IP over its own limit does not use up the total", async () => {
    const now = new Date(T0.getTime() + 10 * HOUR);
    const l = limits(2, 4);
    const noisy = freshIp();
    for (let i = 0; i < 10; i++)
      await signUpWithPassword(
        t.db,
        { email: email(), password: PASSWORD, name: undefined },
        { appUrl: APP_URL, attempt: { clientIp: noisy, limits: l, now } },
      );
    // noisy: 2 allowed (counted in the total), 8 refused per IP (not counted): 2 of 4 left.
    const results = [];
    for (let i = 0; i < 4; i++)
      results.push(
        await signUpWithPassword(
          t.db,
          { email: email(), password: PASSWORD, name: undefined },
          { appUrl: APP_URL, attempt: { clientIp: freshIp(), limits: l, now } },
        ),
      );
    expect(results.map((r) => r.ok)).toEqual([true, true, false, false]);
    expect(results[2]).toMatchObject({
      ok: false,
      error: "rate_limited",
      scope: "total",
      retryAfterSeconds: 3_600,
    });
  });

  it("concurrent sign-ups from one IP: exactly the limit get through", async () => {
    const ip = freshIp();
    const now = new Date(T0.getTime() + 20 * HOUR);
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        signUpWithPassword(
          t.db,
          { email: email(), password: PASSWORD, name: undefined },
          { appUrl: APP_URL, attempt: { clientIp: ip, limits: limits(4, 1_000), now } },
        ),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(4);
    expect(results.filter((r) => !r.ok && r.error === "rate_limited")).toHaveLength(8);
  });

  it("without a client IP (no trusted proxy), the total still applies", async () => {
    const now = new Date(T0.getTime() + 30 * HOUR);
    const results = [];
    for (let i = 0; i < 4; i++)
      results.push(
        await signUpWithPassword(
          t.db,
          { email: email(), password: PASSWORD, name: undefined },
          { appUrl: APP_URL, attempt: { clientIp: null, limits: limits(1, 3), now } },
        ),
      );
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
  });
});

describe("sign-in limits", () => {
  const WINDOW = 15 * 60_000;

  it("password spraying across many e-mails from one IP is refused past the per-IP limit — even the right password", async () => {
    const now = new Date(T0.getTime() + 40 * HOUR);
    const victim = email();
    await signUpWithPassword(t.db, { email: victim, password: PASSWORD, name: undefined }, { appUrl: APP_URL });
    const ip = freshIp();
    const l = limits(5, 1_000, WINDOW);
    const results = [];
    for (let i = 0; i < 8; i++)
      results.push(await authenticate(t.db, email(), "Winter2026!", now, { clientIp: ip, limits: l }));
    expect(results.slice(0, 5).map((r) => !r.ok && r.reason)).toEqual(Array(5).fill("invalid"));
    expect(results[5]).toEqual({
      ok: false,
      reason: "rate_limited",
      scope: "ip",
      retryAfterSeconds: 900,
    });
    // The IP is refused before any password is checked: the spray cannot go on with a real account.
    expect(await authenticate(t.db, victim, PASSWORD, now, { clientIp: ip, limits: l })).toMatchObject({
      ok: false,
      reason: "rate_limited",
    });
    // The victim signs in from their own network.
    expect(await authenticate(t.db, victim, PASSWORD, now, { clientIp: freshIp(), limits: l })).toMatchObject({
      ok: true,
    });
  });

  it("a spray spread over many IPs is refused past the total limit", async () => {
    const now = new Date(T0.getTime() + 50 * HOUR);
    const l = limits(100, 6, WINDOW);
    const results = [];
    for (let i = 0; i < 9; i++)
      results.push(await authenticate(t.db, email(), "Winter2026!", now, { clientIp: freshIp(), limits: l }));
    expect(results.map((r) => (!r.ok ? r.reason : "ok"))).toEqual([
      ...Array(6).fill("invalid"),
      ...Array(3).fill("rate_limited"),
    ]);
    expect(results[6]).toMatchObject({ scope: "total", retryAfterSeconds: 900 });
  });

  it("concurrent guesses from one IP: exactly the limit are checked", async () => {
    const now = new Date(T0.getTime() + 60 * HOUR);
    const ip = freshIp();
    const results = await Promise.all(
      Array.from({ length: 15 }, () =>
        authenticate(t.db, email(), "guess", now, { clientIp: ip, limits: limits(5, 1_000, WINDOW) }),
      ),
    );
    expect(results.filter((r) => !r.ok && r.reason === "invalid")).toHaveLength(5);
    expect(results.filter((r) => !r.ok && r.reason === "rate_limited")).toHaveLength(10);
  });
});

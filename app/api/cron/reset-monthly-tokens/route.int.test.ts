// The cron route over real Postgres: its authorization (every 401 case) and its JSON report.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { withSessionAdvisoryLock } from "@/lib/db/advisory-lock";
import { openAccount } from "@/lib/tokens/ledger";
import { RESET_LOCK_KEY } from "@/lib/tokens/reset/monthly-reset";

const SECRET = "cron-secret-for-the-route-test-0123456789";
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  Object.assign(process.env, { DATABASE_URL: t.url, AUTH_SECRET: "a-test-secret-that-is-at-least-32-characters" });
});
afterAll(async () => {
  await t?.drop();
});

/** The route module with a fresh environment (env() is parsed once per module instance). */
async function route(cronSecret: string | undefined) {
  vi.resetModules();
  if (cronSecret === undefined) delete process.env.CRON_SECRET;
  else process.env.CRON_SECRET = cronSecret;
  return import("./route");
}

const get = (GET: (r: Request) => Promise<Response>, authorization?: string) =>
  GET(
    new Request("http://localhost/api/cron/reset-monthly-tokens", { headers: authorization ? { authorization } : {} }),
  );

describe("GET /api/cron/reset-monthly-tokens", () => {
  it.each([
    ["no Authorization header", undefined],
    ["a wrong secret", "Bearer cron-secret-for-the-route-test-0123456788"],
    ["the secret without the Bearer scheme", SECRET],
  ])("answers 401 to %s", async (_case, authorization) => {
    const { GET } = await route(SECRET);
    const response = await get(GET, authorization);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: "unauthorized", message: expect.stringContaining("Bearer") });
  });

  it("answers 401 to everyone, even `Bearer ` alone, while CRON_SECRET is unset", async () => {
    const { GET } = await route(undefined);
    for (const authorization of [undefined, "Bearer ", "Bearer undefined", `Bearer ${SECRET}`]) {
      expect((await get(GET, authorization)).status).toBe(401);
    }
  });

  it("with the secret, resets due accounts and reports what it did as JSON", async () => {
    const userId = await t.db.$transaction(async (tx) => {
      const user = await tx.user.create({ data: { email: "cron-route@example.com" } });
      await openAccount(tx, {
        userId: user.id,
        now: new Date(Date.now() - 40 * 86_400_000),
        freeTierMillitokens: 100_000n,
        pricingVersion: 1,
      });
      return user.id;
    });
    const { GET } = await route(SECRET);
    const response = await get(GET, `Bearer ${SECRET}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      ran: true,
      usersExamined: 1,
      periodsStarted: 1,
      freePeriods: 1,
      tokensGranted: 100,
      tokensExpired: 100,
      errors: [],
      durationMs: expect.any(Number),
    });
    const rows = await t.sql("SELECT 1 FROM token_transactions WHERE user_id = $1 AND kind = 'grant_free'", [userId]);
    expect(rows).toHaveLength(2);
  });

  it("answers 409 without working while another run holds the lock", async () => {
    const { GET } = await route(SECRET);
    const outcome = await withSessionAdvisoryLock(t.url, RESET_LOCK_KEY, async () => {
      const response = await get(GET, `Bearer ${SECRET}`);
      return { status: response.status, body: await response.json() };
    });
    expect(outcome).toMatchObject({
      acquired: true,
      value: { status: 409, body: { ran: false, reason: expect.stringContaining("lock") } },
    });
  });
});

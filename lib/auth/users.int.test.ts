import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { verifyEmailAddress } from "./email-verification";
import { accountStatus, authenticate, createUserWithAccount, grantAdmin, signUpWithPassword } from "./users";

const APP_URL = "https://tollgate.test";
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase({ poolMax: 20 });
});

afterAll(async () => {
  await t?.drop();
});

const PASSWORD = "correct horse battery";
let emails = 0;
const nextEmail = () => `user-${++emails}@example.com`;

async function signUp(email = nextEmail(), password = PASSWORD) {
  const result = await signUpWithPassword(t.db, { email, password, name: "Ada" }, { appUrl: APP_URL });
  if (!result.ok) throw new Error(`sign-up of ${email} failed: ${result.error}`);
  return result.user;
}

const T0 = new Date("2026-03-01T12:00:00.000Z");
const at = (ms: number) => new Date(T0.getTime() + ms);

/** The UTC calendar month after `d`, on the same day (clamped to the month's last day). */
function oneMonthLater(d: Date): Date {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(
      y,
      m,
      Math.min(d.getUTCDate(), lastDay),
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
      d.getUTCMilliseconds(),
    ),
  );
}

/** The token of the newest verification link mailed to a user (read from the outbox). */
async function verificationToken(db: TestDatabase, userId: string): Promise<string> {
  const [row] = await db.sql<{ url: string }>(
    "SELECT data->>'url' AS url FROM mail_outbox WHERE user_id = $1 AND template = 'verify_email' ORDER BY created_at DESC LIMIT 1",
    [userId],
  );
  return new URL(row!.url).searchParams.get("token")!;
}

describe("signUpWithPassword", () => {
  it("creates the user with an argon2id hash and no token account: the verification opens it, with the free tier and its two ledger rows", async () => {
    const result = await signUpWithPassword(
      t.db,
      { email: "Grace@Example.com", password: PASSWORD, name: "Grace" },
      { appUrl: APP_URL },
    );
    expect(result).toEqual({
      ok: true,
      outcome: "created",
      user: { id: expect.any(String), email: "grace@example.com", name: "Grace", role: "user" },
    });
    const userId = result.ok ? result.user.id : "";

    const [user] = await t.sql<{ password_hash: string }>("SELECT password_hash FROM users WHERE id = $1", [userId]);
    expect(user!.password_hash).toMatch(/^\$argon2id\$/);
    expect(user!.password_hash).not.toContain(PASSWORD);
    expect(await t.db.userTokenBalance.findUnique({ where: { userId } })).toBeNull();
    expect(await t.sql("SELECT 1 FROM token_transactions WHERE user_id = $1", [userId])).toEqual([]);

    const before = Date.now();
    expect(await verifyEmailAddress(t.db, await verificationToken(t, userId))).toMatchObject({ ok: true });
    const after = Date.now();
    const balance = await t.db.userTokenBalance.findUniqueOrThrow({ where: { userId } });
    expect([balance.allowance, balance.purchased, balance.reserved]).toEqual([100_000n, 0n, 0n]);
    // The free month starts when the address is confirmed.
    expect(balance.periodStart.getTime()).toBeGreaterThanOrEqual(before);
    expect(balance.periodStart.getTime()).toBeLessThanOrEqual(after);
    expect(balance.nextResetAt).toEqual(oneMonthLater(balance.periodStart));

    const rows = await t.sql(
      `SELECT kind::text, allowance_delta::text, purchased_delta::text, allowance_after::text, purchased_after::text,
              pricing_version, idempotency_key
       FROM token_transactions WHERE user_id = $1 ORDER BY id`,
      [userId],
    );
    // The first period starts like every later one: the (empty) allowance expires, the free tier is granted.
    expect(rows).toEqual([
      {
        kind: "expire_allowance",
        allowance_delta: "0",
        purchased_delta: "0",
        allowance_after: "0",
        purchased_after: "0",
        pricing_version: 1,
        idempotency_key: `expire:${userId}:signup`,
      },
      {
        kind: "grant_free",
        allowance_delta: "100000",
        purchased_delta: "0",
        allowance_after: "100000",
        purchased_after: "0",
        pricing_version: 1,
        idempotency_key: `allowance:${userId}:signup`,
      },
    ]);
  });

  it("anchors the monthly period on the account's opening (createUserWithAccount with a given now)", async () => {
    const user = await createUserWithAccount(t.db, { email: "leap@example.com" }, new Date("2028-01-31T23:59:59.999Z"));
    const balance = await t.db.userTokenBalance.findUniqueOrThrow({ where: { userId: user.id } });
    expect(balance.periodStart).toEqual(new Date("2028-01-31T23:59:59.999Z"));
    expect(balance.nextResetAt).toEqual(new Date("2028-02-29T23:59:59.999Z"));
    const rows = await t.sql<{ idempotency_key: string }>(
      "SELECT idempotency_key FROM token_transactions WHERE user_id = $1 ORDER BY id",
      [user.id],
    );
    expect(rows.map((r) => r.idempotency_key)).toEqual([`expire:${user.id}:signup`, `allowance:${user.id}:signup`]);
  });

  it("answers a taken (verified) address like a new one, keeps one user and the owner's password", async () => {
    const owner = await signUp("taken@example.com");
    await verifyEmailAddress(t.db, await verificationToken(t, owner.id));
    expect(
      await signUpWithPassword(
        t.db,
        { email: "Taken@EXAMPLE.com", password: "another password", name: undefined },
        { appUrl: APP_URL },
      ),
    ).toEqual({ ok: true, outcome: "existing", user: owner });
    const users = await t.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM users WHERE lower(email) = 'taken@example.com'",
    );
    expect(users).toEqual([{ n: 1 }]);
    // The original password still works; the second one never did.
    expect((await authenticate(t.db, "taken@example.com", PASSWORD, T0)).ok).toBe(true);
    expect(await authenticate(t.db, "taken@example.com", "another password", T0)).toEqual({
      ok: false,
      reason: "invalid",
    });
  });

  it("creates exactly one user when the same address signs up five times at once", async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        signUpWithPassword(
          t.db,
          { email: "race@example.com", password: PASSWORD, name: undefined },
          { appUrl: APP_URL },
        ),
      ),
    );
    expect(results.map((r) => r.ok && r.outcome).sort()).toEqual([
      "created",
      "existing",
      "existing",
      "existing",
      "existing",
    ]);
    const [counts] = await t.sql(
      `SELECT (SELECT count(*)::int FROM users WHERE email = 'race@example.com') AS users,
              (SELECT count(*)::int FROM user_token_balance b JOIN users u ON u.id = b.user_id WHERE u.email = 'race@example.com') AS balances`,
    );
    expect(counts).toEqual({ users: 1, balances: 0 });
  });
});

describe("accountStatus", () => {
  it("says whether the address is confirmed and whether the user has a password", async () => {
    const user = await signUp("status@example.com");
    expect(await accountStatus(t.db, user.id)).toEqual({ emailVerified: null, hasPassword: true });
    await verifyEmailAddress(t.db, await verificationToken(t, user.id));
    expect(await accountStatus(t.db, user.id)).toEqual({ emailVerified: expect.any(Date), hasPassword: true });
    const oauth = await createUserWithAccount(t.db, { email: "oauth-status@example.com", emailVerified: T0 });
    expect(await accountStatus(t.db, oauth.id)).toEqual({ emailVerified: T0, hasPassword: false });
  });
});

describe("verification is one transaction", () => {
  // A database of its own: these tests break the ledger and the pricing config on purpose.
  let broken: TestDatabase;

  beforeAll(async () => {
    broken = await createTestDatabase({ poolMax: 4 });
  });

  afterAll(async () => {
    await broken?.drop();
  });

  const state = async (userId: string) =>
    (
      await broken.sql(
        `SELECT (SELECT count(*)::int FROM user_token_balance WHERE user_id = $1) AS balances,
                (SELECT count(*)::int FROM token_transactions WHERE user_id = $1) AS rows,
                (SELECT email_verified IS NOT NULL FROM users WHERE id = $1) AS verified,
                (SELECT count(*)::int FROM account_tokens WHERE user_id = $1 AND used_at IS NOT NULL) AS used`,
        [userId],
      )
    )[0];

  async function brokenSignUp(email: string) {
    const result = await signUpWithPassword(
      broken.db,
      { email, password: PASSWORD, name: undefined },
      { appUrl: APP_URL },
    );
    if (!result.ok) throw new Error("sign-up refused");
    return { userId: result.user.id, token: await verificationToken(broken, result.user.id) };
  }

  it("leaves no balance, the address unverified and the link unused when the ledger rows fail", async () => {
    const { userId, token } = await brokenSignUp("atomic-1@example.com");
    await broken.sql(`CREATE FUNCTION fail_ledger_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'ledger insert failed on purpose'; END; $$`);
    await broken.sql(`CREATE TRIGGER fail_ledger_insert BEFORE INSERT ON token_transactions
      FOR EACH ROW EXECUTE FUNCTION fail_ledger_insert()`);
    try {
      await expect(verifyEmailAddress(broken.db, token)).rejects.toThrow("ledger insert failed on purpose");
      expect(await state(userId)).toEqual({ balances: 0, rows: 0, verified: false, used: 0 });
    } finally {
      await broken.sql("DROP TRIGGER fail_ledger_insert ON token_transactions");
      await broken.sql("DROP FUNCTION fail_ledger_insert()");
    }
    // Once the fault is gone, the same link works.
    expect(await verifyEmailAddress(broken.db, token)).toMatchObject({ ok: true, grantedMillitokens: 100_000n });
    expect(await state(userId)).toEqual({ balances: 1, rows: 2, verified: true, used: 1 });
  });

  it("leaves no balance when the free-tier grant is refused", async () => {
    const { userId, token } = await brokenSignUp("atomic-2@example.com");
    await broken.sql("UPDATE token_pricing_config SET free_tier_millitokens = 0");
    await expect(verifyEmailAddress(broken.db, token)).rejects.toThrow("the free tier must grant more than 0 tokens");
    expect(await state(userId)).toEqual({ balances: 0, rows: 0, verified: false, used: 0 });
  });

  it("leaves no balance when there is no pricing to open the account with", async () => {
    // A database of its own: the others above granted under the pricing this one deletes.
    const bare = await createTestDatabase({ poolMax: 2 });
    try {
      const result = await signUpWithPassword(
        bare.db,
        { email: "atomic-3@example.com", password: PASSWORD, name: undefined },
        { appUrl: APP_URL },
      );
      if (!result.ok) throw new Error("sign-up refused");
      const token = await verificationToken(bare, result.user.id);
      await bare.sql("DELETE FROM token_pricing_config");
      await expect(verifyEmailAddress(bare.db, token)).rejects.toThrow("token_pricing_config is empty");
      const [row] = await bare.sql("SELECT count(*)::int AS balances FROM user_token_balance");
      expect(row).toEqual({ balances: 0 });
    } finally {
      await bare.drop();
    }
  });
});

describe("authenticate", () => {
  it("accepts the right password, in any case of the address", async () => {
    const user = await signUp("right@example.com");
    expect(await authenticate(t.db, "right@example.com", PASSWORD, T0)).toEqual({ ok: true, user });
    expect(await authenticate(t.db, "RIGHT@Example.com", PASSWORD, T0)).toEqual({ ok: true, user });
    expect(user).toEqual({ id: expect.any(String), email: "right@example.com", name: "Ada", role: "user" });
  });

  it("refuses a wrong password and an unknown address alike", async () => {
    await signUp("wrong@example.com");
    expect(await authenticate(t.db, "wrong@example.com", "not the password", T0)).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(await authenticate(t.db, "nobody@example.com", PASSWORD, T0)).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses a password sign-in for a user without a password (OAuth only)", async () => {
    await createUserWithAccount(t.db, { email: "oauth@example.com" });
    expect(await authenticate(t.db, "oauth@example.com", "", T0)).toEqual({ ok: false, reason: "invalid" });
    expect(await authenticate(t.db, "oauth@example.com", PASSWORD, T0)).toEqual({ ok: false, reason: "invalid" });
  });

  it("locks the address for 30 s at the fifth failure, even against the right password", async () => {
    const email = nextEmail();
    await signUp(email);
    const attempts = [];
    for (let i = 0; i < 5; i++) attempts.push(await authenticate(t.db, email, "wrong", T0));
    expect(attempts).toEqual([
      { ok: false, reason: "invalid" },
      { ok: false, reason: "invalid" },
      { ok: false, reason: "invalid" },
      { ok: false, reason: "invalid" },
      { ok: false, reason: "throttled", retryAfterSeconds: 30 },
    ]);
    expect(await authenticate(t.db, email, PASSWORD, T0)).toEqual({
      ok: false,
      reason: "throttled",
      retryAfterSeconds: 30,
    });
    expect(await authenticate(t.db, email, PASSWORD, at(29_001))).toEqual({
      ok: false,
      reason: "throttled",
      retryAfterSeconds: 1,
    });
    // Another spelling of the same address is the same lock.
    expect(await authenticate(t.db, email.toUpperCase(), PASSWORD, at(10_000))).toEqual({
      ok: false,
      reason: "throttled",
      retryAfterSeconds: 20,
    });
    // The lock is over after 30 s.
    expect((await authenticate(t.db, email, PASSWORD, at(30_000))).ok).toBe(true);
  });

  it("doubles the lock with each further failure", async () => {
    const email = nextEmail();
    await signUp(email);
    for (let i = 0; i < 5; i++) await authenticate(t.db, email, "wrong", T0);
    expect(await authenticate(t.db, email, "wrong", at(30_000))).toEqual({
      ok: false,
      reason: "throttled",
      retryAfterSeconds: 60,
    });
    expect(await authenticate(t.db, email, PASSWORD, at(60_000))).toEqual({
      ok: false,
      reason: "throttled",
      retryAfterSeconds: 30,
    });
  });

  it("forgets failures older than the 15-minute window", async () => {
    const email = nextEmail();
    await signUp(email);
    for (let i = 0; i < 4; i++) await authenticate(t.db, email, "wrong", T0);
    // 15 minutes and 1 ms after the first failure: a fresh window, so this failure is the first.
    expect(await authenticate(t.db, email, "wrong", at(15 * 60_000 + 1))).toEqual({ ok: false, reason: "invalid" });
    for (let i = 0; i < 3; i++) {
      expect(await authenticate(t.db, email, "wrong", at(15 * 60_000 + 2))).toEqual({ ok: false, reason: "invalid" });
    }
    expect(await authenticate(t.db, email, "wrong", at(15 * 60_000 + 3))).toEqual({
      ok: false,
      reason: "throttled",
      retryAfterSeconds: 30,
    });
  });

  it("still counts a failure exactly 15 minutes after the window opened", async () => {
    const email = nextEmail();
    await signUp(email);
    for (let i = 0; i < 4; i++) await authenticate(t.db, email, "wrong", T0);
    expect(await authenticate(t.db, email, "wrong", at(15 * 60_000))).toEqual({
      ok: false,
      reason: "throttled",
      retryAfterSeconds: 30,
    });
  });

  it("clears the failures on a successful sign-in", async () => {
    const email = nextEmail();
    await signUp(email);
    for (let i = 0; i < 4; i++) await authenticate(t.db, email, "wrong", T0);
    expect((await authenticate(t.db, email, PASSWORD, T0)).ok).toBe(true);
    expect(await t.db.authThrottle.findUnique({ where: { key: `email:${email}` } })).toBeNull();
    // Four more failures: had the first four still counted, the fifth overall would lock.
    for (let i = 0; i < 4; i++) {
      expect(await authenticate(t.db, email, "wrong", T0)).toEqual({ ok: false, reason: "invalid" });
    }
  });

  it("counts failures of an unknown address too", async () => {
    for (let i = 0; i < 4; i++) await authenticate(t.db, "ghost@example.com", "guess", T0);
    expect(await authenticate(t.db, "ghost@example.com", "guess", T0)).toEqual({
      ok: false,
      reason: "throttled",
      retryAfterSeconds: 30,
    });
  });

  it("checks at most five passwords of a burst of ten parallel wrong guesses", async () => {
    const email = nextEmail();
    await signUp(email);
    const results = await Promise.all(Array.from({ length: 10 }, () => authenticate(t.db, email, "wrong", T0)));
    expect(results.filter((r) => !r.ok && r.reason === "invalid")).toHaveLength(4);
    const waits = results.flatMap((r) => (!r.ok && r.reason === "throttled" ? [r.retryAfterSeconds] : []));
    expect(waits).toEqual(Array(6).fill(30));
    const throttle = await t.db.authThrottle.findUniqueOrThrow({ where: { key: `email:${email}` } });
    expect(throttle.failures).toBe(5);
    expect(throttle.lockedUntil).toEqual(at(30_000));
  }, 10_000);
});

describe("grantAdmin", () => {
  it("makes the user with that e-mail (any case, any padding) an admin, and nobody else", async () => {
    const admin = await signUp();
    const other = await signUp();
    expect(await grantAdmin(t.db, `  ${admin.email.toUpperCase()} `)).toBe(true);
    const roles = await t.db.user.findMany({
      where: { id: { in: [admin.id, other.id] } },
      select: { id: true, role: true },
    });
    expect(Object.fromEntries(roles.map((r) => [r.id, r.role]))).toEqual({ [admin.id]: "admin", [other.id]: "user" });
  });

  it("answers false for an unknown e-mail and changes nothing", async () => {
    const before = await t.db.user.count({ where: { role: "admin" } });
    expect(await grantAdmin(t.db, "nobody-at-all@example.com")).toBe(false);
    expect(await t.db.user.count({ where: { role: "admin" } })).toBe(before);
  });
});

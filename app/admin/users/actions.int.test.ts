// The admin's adjustment action over real Postgres: the real action, schema and ledger; only the
// session lookup (and Next's cache revalidation, which needs a request) are replaced.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { searchUsersByEmail } from "@/lib/admin/users";
import { openAccount } from "@/lib/tokens/ledger";
import type { AdjustState } from "./actions";

const session = vi.hoisted(() => ({
  user: null as { id: string; email: string; name: null; role: "user" | "admin" } | null,
}));
vi.mock("@/lib/auth/session", () => ({
  currentUser: async () => session.user,
  sessionUserId: async () => session.user?.id ?? null,
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

let t: TestDatabase;
let adjustTokens: (state: AdjustState, form: FormData) => Promise<AdjustState>;
let admin: string;

async function newUser(email: string, role: "user" | "admin" = "user"): Promise<string> {
  return t.db.$transaction(async (tx) => {
    const user = await tx.user.create({ data: { email, role } });
    await openAccount(tx, { userId: user.id, now: new Date(), freeTierMillitokens: 100_000n, pricingVersion: 1 });
    return user.id;
  });
}

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

async function adjustmentRows(userId: string) {
  return t.sql<{
    kind: string;
    allowance_delta: string;
    purchased_delta: string;
    actor_id: string;
    reason: string;
    idempotency_key: string;
  }>(
    "SELECT kind::text, allowance_delta::text, purchased_delta::text, actor_id, reason, idempotency_key FROM token_transactions WHERE user_id = $1 AND kind = 'adjustment' ORDER BY id",
    [userId],
  );
}

async function available(userId: string): Promise<bigint> {
  const [row] = await t.sql<{ available: string }>(
    "SELECT (allowance + purchased - reserved)::text AS available FROM user_token_balance WHERE user_id = $1",
    [userId],
  );
  return BigInt(row!.available);
}

beforeAll(async () => {
  t = await createTestDatabase();
  Object.assign(process.env, {
    DATABASE_URL: t.url,
    AUTH_SECRET: "a-test-secret-that-is-at-least-32-characters",
    __NEXT_EXPERIMENTAL_AUTH_INTERRUPTS: "true",
  });
  ({ adjustTokens } = await import("./actions"));
  admin = await newUser("root@example.com", "admin");
  session.user = { id: admin, email: "root@example.com", name: null, role: "admin" };
}, 120_000);

afterAll(async () => {
  await t?.drop();
});

describe("manual adjustments", () => {
  it("a grant writes one adjustment row naming the admin and the reason, in exact millitokens", async () => {
    const user = await newUser("grant@example.com");
    const before = await available(user);
    const state = await adjustTokens(
      {},
      form({ userId: user, direction: "grant", amount: "10.125", reason: "  outage on 3 May ", nonce: randomUUID() }),
    );
    expect(state).toEqual({ ok: true, message: "Granted 10.1 tokens." });
    expect(await adjustmentRows(user)).toEqual([
      expect.objectContaining({
        allowance_delta: "0",
        purchased_delta: "10125",
        actor_id: admin,
        reason: "outage on 3 May",
      }),
    ]);
    expect(await available(user)).toBe(before + 10_125n);
  });

  it("a reason is required: without one, nothing is written", async () => {
    const user = await newUser("noreason@example.com");
    for (const reason of [undefined, "", "   "]) {
      const fields: Record<string, string> = { userId: user, direction: "grant", amount: "5", nonce: randomUUID() };
      if (reason !== undefined) fields.reason = reason;
      const state = await adjustTokens({}, form(fields));
      expect(state.ok).toBe(false);
      expect(state.message).toMatch(/reason/);
    }
    expect(await adjustmentRows(user)).toEqual([]);
  });

  it("a double submit (same form nonce, concurrently and again later) applies once", async () => {
    const user = await newUser("double@example.com");
    const before = await available(user);
    const fields = { userId: user, direction: "grant", amount: "3", reason: "double click", nonce: randomUUID() };
    const results = await Promise.all([adjustTokens({}, form(fields)), adjustTokens({}, form(fields))]);
    const again = await adjustTokens({}, form(fields));
    expect([...results, again].every((r) => r.ok)).toBe(true);
    expect([...results, again].filter((r) => r.message?.includes("already applied"))).toHaveLength(2);
    expect(await adjustmentRows(user)).toHaveLength(1);
    expect(await available(user)).toBe(before + 3_000n);
  });

  it("a deduction takes the allowance first; one larger than the balance is refused and writes nothing", async () => {
    const user = await newUser("deduct@example.com"); // 100 tokens of free allowance
    const ok = await adjustTokens(
      {},
      form({ userId: user, direction: "deduct", amount: "40", reason: "abuse", nonce: randomUUID() }),
    );
    expect(ok).toEqual({ ok: true, message: "Deducted 40 tokens." });
    expect(await adjustmentRows(user)).toEqual([
      expect.objectContaining({ allowance_delta: "-40000", purchased_delta: "0", actor_id: admin }),
    ]);

    const refused = await adjustTokens(
      {},
      form({ userId: user, direction: "deduct", amount: "60.001", reason: "too much", nonce: randomUUID() }),
    );
    expect(refused).toEqual({
      ok: false,
      message: "Not deducted: the user has 60.000 tokens available, less than 60.001. Nothing was written.",
    });
    expect(await adjustmentRows(user)).toHaveLength(1);
    expect(await available(user)).toBe(60_000n);
  });

  it("bad input → a message, never a write: amount, direction, user", async () => {
    const user = await newUser("bad@example.com");
    const cases: [Record<string, string>, RegExp][] = [
      [{ amount: "1.0001" }, /at most 3 decimals/],
      [{ amount: "0" }, /more than 0/],
      [{ direction: "steal" }, /grant or deduct/],
      [{ nonce: "not-a-nonce" }, /reload/],
    ];
    for (const [override, message] of cases) {
      const state = await adjustTokens(
        {},
        form({ userId: user, direction: "grant", amount: "1", reason: "test", nonce: randomUUID(), ...override }),
      );
      expect(state.ok).toBe(false);
      expect(state.message).toMatch(message);
    }
    const ghost = await adjustTokens(
      {},
      form({ userId: "no-such-user", direction: "grant", amount: "1", reason: "test", nonce: randomUUID() }),
    );
    expect(ghost).toEqual({ ok: false, message: "This user has no token account." });
    expect(await adjustmentRows(user)).toEqual([]);
  });
});

describe("user search", () => {
  it("by e-mail prefix, case-insensitive, wildcards taken literally", async () => {
    await newUser("zed_one@example.com");
    await newUser("zedxone@example.com");
    await newUser("zeta@example.com");
    expect((await searchUsersByEmail(t.db, "ZED")).map((u) => u.email)).toEqual([
      "zed_one@example.com",
      "zedxone@example.com",
    ]);
    expect((await searchUsersByEmail(t.db, "zed_")).map((u) => u.email)).toEqual(["zed_one@example.com"]);
    expect((await searchUsersByEmail(t.db, "%")).map((u) => u.email)).toEqual([]);
    expect((await searchUsersByEmail(t.db, "example.com")).map((u) => u.email)).toEqual([]);
    expect(await searchUsersByEmail(t.db, "  ")).toEqual([]);
  });
});

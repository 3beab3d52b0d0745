// Settings → Limits & alerts' server actions over real Postgres, and the admin's cap action: each
// checks the session (or the admin role) itself, validates its form, and writes only the signed-in
// user's row. The attacker's attempts: a forged form that tries to lift, raise or lower an admin's
// cap, one that names another user, one with a cap outside the bounds, and a user posting to the
// admin's action — none changes anything. The session lookup and Next's cache revalidation (which
// needs a request) are replaced; the rest is real.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { formData as form } from "@/test/support/form-data";
import { readUsageAlerts } from "@/lib/mail/notifications/usage-alerts";
import { openAccount, reserve } from "@/lib/tokens/ledger";
import { readSpendLimit } from "@/lib/tokens/spend-limit";
import type { SpendCapState } from "@/app/admin/users/actions";

const session = vi.hoisted(() => ({
  user: null as { id: string; email: string; name: null; role: "user" | "admin" } | null,
}));
vi.mock("@/lib/auth/session", () => ({
  currentUser: async () => session.user,
  sessionUserId: async () => session.user?.id ?? null,
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

let t: TestDatabase;
let saveSpendLimit: (form: FormData) => Promise<void>;
let saveUsageAlerts: (form: FormData) => Promise<void>;
let setSpendCap: (state: SpendCapState, form: FormData) => Promise<SpendCapState>;

let seq = 0;
async function newUser(role: "user" | "admin" = "user"): Promise<{ id: string; email: string }> {
  const email = `limits-${++seq}@example.com`;
  const id = await t.db.$transaction(async (tx) => {
    const user = await tx.user.create({ data: { email, role } });
    await openAccount(tx, { userId: user.id, now: new Date(), freeTierMillitokens: 100_000n, pricingVersion: 1 });
    return user.id;
  });
  return { id, email };
}
const signIn = (user: { id: string; email: string } | null, role: "user" | "admin" = "user") => {
  session.user = user && { ...user, name: null, role };
};

/** Where the action redirected, or the interrupt it threw (Next's redirect/forbidden carry a digest). */
async function digestOf(action: Promise<unknown>): Promise<string> {
  const error = (await action.then(() => null).catch((e: unknown) => e)) as { digest?: string } | null;
  if (!error?.digest) throw new Error(`expected a redirect or an interrupt, got ${String(error)}`);
  return error.digest.startsWith("NEXT_REDIRECT") ? error.digest.split(";")[2]! : error.digest;
}
const capOf = async (userId: string) => (await readSpendLimit(t.db, userId))!.cap;

beforeAll(async () => {
  t = await createTestDatabase();
  Object.assign(process.env, {
    DATABASE_URL: t.url,
    AUTH_SECRET: "a-test-secret-that-is-at-least-32-characters",
    __NEXT_EXPERIMENTAL_AUTH_INTERRUPTS: "true",
  });
  ({ saveSpendLimit, saveUsageAlerts } = await import("./actions"));
  ({ setSpendCap } = await import("@/app/admin/users/actions"));
}, 120_000);
afterAll(async () => {
  await t?.drop();
});

describe("saveSpendLimit", () => {
  it("refuses without a session; sets, then removes, the signed-in user's own cap", async () => {
    const user = await newUser();
    signIn(null);
    expect(await digestOf(saveSpendLimit(form({ intent: "save", cap: "50" })))).toMatch(/^\/sign-in/);
    expect(await capOf(user.id)).toBeNull();

    signIn(user);
    expect(await digestOf(saveSpendLimit(form({ intent: "save", cap: " 50 " })))).toBe("/settings/limits?saved=cap");
    expect(await capOf(user.id)).toBe(50_000n);
    const refused = await reserve(t.db, {
      userId: user.id,
      amount: 50_001n,
      feature: "chat",
      requestId: `limits-${user.id}`,
      ttlMs: 60_000,
    });
    expect(refused.ok === false && refused.error.type).toBe("SpendLimitReached");
    expect(await digestOf(saveSpendLimit(form({ intent: "remove" })))).toBe("/settings/limits?saved=cap_removed");
    expect(await capOf(user.id)).toBeNull();
  });

  it("refuses a cap that is not a whole number of tokens within the bounds, and writes nothing", async () => {
    const user = await newUser();
    signIn(user);
    for (const cap of ["0", "-5", "12.5", "1e3", "100000001", "abc", ""])
      expect(await digestOf(saveSpendLimit(form({ intent: "save", cap }))), cap).toBe(
        "/settings/limits?error=cap_invalid",
      );
    expect(await digestOf(saveSpendLimit(form({ intent: "raise", cap: "5" })))).toBe(
      "/settings/limits?error=cap_invalid",
    );
    expect(await capOf(user.id)).toBeNull();
  });

  it("attacker: a forged form cannot lift, raise or lower an admin's cap, nor touch another user's", async () => {
    const admin = await newUser("admin");
    const user = await newUser();
    const other = await newUser();
    signIn(admin, "admin");
    expect(await setSpendCap({}, form({ userId: user.id, intent: "save", cap: "20" }))).toMatchObject({ ok: true });

    signIn(user);
    for (const fields of [
      { intent: "remove" } as Record<string, string>,
      { intent: "save", cap: "1000" },
      { intent: "save", cap: "1" },
      { intent: "remove", userId: other.id }, // a field the action never reads
    ])
      expect(await digestOf(saveSpendLimit(form(fields)))).toBe("/settings/limits?error=set_by_admin");
    expect(await readSpendLimit(t.db, user.id)).toMatchObject({ cap: 20_000n, setByAdmin: admin.id });

    // The action scopes by the session: a forged userId field is ignored, the other user is untouched.
    signIn(other);
    expect(await digestOf(saveSpendLimit(form({ intent: "save", cap: "7", userId: user.id })))).toBe(
      "/settings/limits?saved=cap",
    );
    expect(await capOf(other.id)).toBe(7_000n);
    expect(await capOf(user.id)).toBe(20_000n);
  });
});

describe("the admin's setSpendCap", () => {
  it("is refused to a signed-in user who is not an admin (403), and writes nothing", async () => {
    const user = await newUser();
    signIn(user);
    expect(await digestOf(setSpendCap({}, form({ userId: user.id, intent: "remove" })))).toMatch(
      /HTTP_ERROR_FALLBACK;403/,
    );
    expect(await digestOf(setSpendCap({}, form({ userId: user.id, intent: "save", cap: "99999" })))).toMatch(/403/);
    expect(await capOf(user.id)).toBeNull();
  });

  it("validates the form, records the admin, and lifting the cap gives the user back the choice", async () => {
    const admin = await newUser("admin");
    const user = await newUser();
    signIn(admin, "admin");
    expect(await setSpendCap({}, form({ userId: user.id, intent: "save", cap: "2.5" }))).toMatchObject({ ok: false });
    expect(await setSpendCap({}, form({ userId: "nobody", intent: "save", cap: "5" }))).toEqual({
      ok: false,
      message: "This user has no token account.",
    });
    expect(await setSpendCap({}, form({ userId: user.id, intent: "save", cap: "5" }))).toMatchObject({ ok: true });
    expect(await readSpendLimit(t.db, user.id)).toMatchObject({ cap: 5_000n, setByAdmin: admin.id });
    expect(await setSpendCap({}, form({ userId: user.id, intent: "remove" }))).toMatchObject({ ok: true });
    expect(await readSpendLimit(t.db, user.id)).toMatchObject({ cap: null, setByAdmin: null });
    signIn(user);
    expect(await digestOf(saveSpendLimit(form({ intent: "save", cap: "9" })))).toBe("/settings/limits?saved=cap");
  });
});

describe("saveUsageAlerts", () => {
  it("saves the thresholds and the basis; refuses a bad form and writes nothing", async () => {
    const user = await newUser();
    signIn(null);
    expect(await digestOf(saveUsageAlerts(form({ thresholds: "50", basis: "cap" })))).toMatch(/^\/sign-in/);
    signIn(user);
    expect(await digestOf(saveUsageAlerts(form({ thresholds: "100, 50 80", basis: "cap" })))).toBe(
      "/settings/limits?saved=alerts",
    );
    expect(await readUsageAlerts(t.db, user.id)).toEqual({ thresholds: [50, 80, 100], basis: "cap" });
    for (const fields of [
      { thresholds: "150", basis: "cap" },
      { thresholds: "50", basis: "balance" },
      { thresholds: "1,2,3,4,5,6", basis: "allowance" },
    ])
      expect(await digestOf(saveUsageAlerts(form(fields)))).toBe("/settings/limits?error=alerts_invalid");
    expect(await readUsageAlerts(t.db, user.id)).toEqual({ thresholds: [50, 80, 100], basis: "cap" });
    expect(await digestOf(saveUsageAlerts(form({ thresholds: "", basis: "allowance" })))).toBe(
      "/settings/limits?saved=alerts",
    );
    expect(await readUsageAlerts(t.db, user.id)).toEqual({ thresholds: [], basis: "allowance" });
  });
});

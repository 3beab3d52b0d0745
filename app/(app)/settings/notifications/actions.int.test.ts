// The notification settings' server action over real Postgres: it checks the session itself (a
// server action is a public endpoint), validates the form, and saves what the boxes say. The session
// lookup and Next's cache revalidation (which needs a request) are replaced.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { formData as form } from "@/test/support/form-data";
import { readPreferences } from "@/lib/mail/notifications/preferences";

const session = vi.hoisted(() => ({ user: null as { id: string; email: string } | null }));
vi.mock("@/lib/auth/session", () => ({
  currentUser: async () => session.user,
  sessionUserId: async () => session.user?.id ?? null,
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

let t: TestDatabase;
let save: (form: FormData) => Promise<void>;

beforeAll(async () => {
  t = await createTestDatabase();
  Object.assign(process.env, { DATABASE_URL: t.url, AUTH_SECRET: "a-test-secret-that-is-at-least-32-characters" });
  ({ saveNotificationPreferences: save } = await import("./actions"));
}, 120_000);
afterAll(async () => {
  await t?.drop();
});

/** Where the action redirected (Next's redirect throws an error carrying the URL in its digest). */
async function redirectOf(action: Promise<void>): Promise<string> {
  const error = (await action.then(() => null).catch((e: unknown) => e)) as { digest?: string } | null;
  const url = error?.digest?.split(";")[2];
  if (!url) throw new Error(`expected a redirect, got ${String(error)}`);
  return url;
}

describe("saveNotificationPreferences", () => {
  it("refuses without a session, saves the boxes with one, and refuses a forged value", async () => {
    const user = await t.db.user.create({ data: { email: "prefs@example.com" } });
    session.user = null;
    expect(await redirectOf(save(form({ monthly_summary: "on" })))).toMatch(/^\/sign-in/);
    expect(await t.db.notificationPreferences.count()).toBe(0);

    session.user = { id: user.id, email: user.email };
    expect(await redirectOf(save(form({ monthly_summary: "on", tokens_depleted: "on" })))).toBe(
      "/settings/notifications?saved=1",
    );
    expect(await readPreferences(t.db, user.id)).toEqual({
      low_balance: false,
      tokens_depleted: true,
      monthly_summary: true,
      usage_alert: false,
    });

    expect(await redirectOf(save(form({ low_balance: "yes" })))).toBe("/settings/notifications?error=invalid");
    // Nothing written: a save would have turned the unchecked monthly summary off.
    expect(await readPreferences(t.db, user.id)).toMatchObject({ low_balance: false, monthly_summary: true });
  });
});

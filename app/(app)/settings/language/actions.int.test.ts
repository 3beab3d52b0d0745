// The language and region action over real Postgres: it checks the session itself, refuses an
// unknown language or time zone with a clear reason (storing nothing), and stores a valid choice,
// which the request locale then reads. The session lookup and Next's cache revalidation are replaced.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import type { LanguageFormState } from "@/components/language-form";

const session = vi.hoisted(() => ({ user: null as { id: string; email: string } | null }));
vi.mock("@/lib/auth/session", () => ({
  currentUser: async () => session.user,
  sessionUserId: async () => session.user?.id ?? null,
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

let t: TestDatabase;
let save: (prev: LanguageFormState, form: FormData) => Promise<LanguageFormState>;
let userLocale: typeof import("@/lib/i18n/request-locale").userLocale;

beforeAll(async () => {
  t = await createTestDatabase();
  Object.assign(process.env, { DATABASE_URL: t.url, AUTH_SECRET: "a-test-secret-that-is-at-least-32-characters" });
  ({ saveLanguageAction: save } = await import("./actions"));
  ({ userLocale } = await import("@/lib/i18n/request-locale"));
}, 120_000);
afterAll(async () => {
  await t?.drop();
});

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

/** Where the action redirected (Next's redirect throws an error carrying the URL in its digest). */
async function redirectOf(action: Promise<unknown>): Promise<string> {
  const error = (await action.then(() => null).catch((e: unknown) => e)) as { digest?: string } | null;
  const url = error?.digest?.split(";")[2];
  if (!url) throw new Error(`expected a redirect, got ${String(error)}`);
  return url;
}

describe("saveLanguageAction", () => {
  it("refuses without a session and stores nothing", async () => {
    const user = await t.db.user.create({ data: { email: "nosession@example.com" } });
    session.user = null;
    expect(await redirectOf(save({}, form({ locale: "fr", timeZone: "Europe/Paris" })))).toMatch(/^\/sign-in/);
    expect(await t.db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({
      locale: null,
      timeZone: "UTC",
    });
  });

  it("refuses an unknown time zone or language with a clear reason, then stores a valid choice", async () => {
    const user = await t.db.user.create({ data: { email: "lang@example.com" } });
    session.user = { id: user.id, email: user.email };

    expect(await save({}, form({ locale: "fr", timeZone: "Mars/Olympus_Mons" }))).toEqual({
      error: { field: "timeZone", message: 'Unknown time zone "Mars/Olympus_Mons": choose one from the list.' },
    });
    expect(await save({}, form({ locale: "de", timeZone: "Europe/Paris" }))).toEqual({
      error: { field: "locale", message: "Choose a language: one of en, fr." },
    });
    expect(await save({}, form({ locale: "fr" }))).toMatchObject({ error: { field: "timeZone" } });
    expect(await userLocale(user.id)).toEqual({ locale: null, timeZone: "UTC" });

    expect(await save({}, form({ locale: "fr", timeZone: "Europe/Paris" }))).toEqual({ saved: true });
    expect(await userLocale(user.id)).toEqual({ locale: "fr", timeZone: "Europe/Paris" });
    expect(await save({}, form({ locale: "en", timeZone: "UTC" }))).toEqual({ saved: true });
    expect(await userLocale(user.id)).toEqual({ locale: "en", timeZone: "UTC" });
  });

  it("changes only the signed-in user's row", async () => {
    const [a, b] = await Promise.all([
      t.db.user.create({ data: { email: "a@example.com" } }),
      t.db.user.create({ data: { email: "b@example.com" } }),
    ]);
    session.user = { id: a.id, email: a.email };
    await save({}, form({ locale: "fr", timeZone: "America/New_York", userId: b.id }));
    expect(await userLocale(b.id)).toEqual({ locale: null, timeZone: "UTC" });
    expect(await userLocale(a.id)).toEqual({ locale: "fr", timeZone: "America/New_York" });
  });
});

// Settings → Account's actions answer a French user in French, over real Postgres: the locale is the
// user's stored choice (lib/i18n/request-locale.ts), whatever the browser says. next-intl's server
// API runs on the product's request config (test/support/next-intl-server.tsx); the session, the
// request headers and next-auth's signOut are stand-ins.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { formData as form } from "@/test/support/form-data";
import type { AccountFormAction } from "@/components/account-forms";
import { hashPassword } from "@/lib/auth/password";

vi.mock("next-intl/server", () => import("@/test/support/next-intl-server"));
const session = vi.hoisted(() => ({ user: null as { id: string; email: string } | null }));
vi.mock("@/lib/auth/session", () => ({ currentUser: async () => session.user }));
vi.mock("@/lib/auth", () => ({ signOut: async () => {} }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "accept-language": "en-US,en;q=0.9" }) }));

let t: TestDatabase;
let changeEmail: AccountFormAction;
let deleteAccount: AccountFormAction;

beforeAll(async () => {
  t = await createTestDatabase();
  Object.assign(process.env, { DATABASE_URL: t.url, AUTH_SECRET: "a-test-secret-that-is-at-least-32-characters" });
  ({ changeEmailAction: changeEmail, deleteAccountAction: deleteAccount } = await import("./actions"));
}, 120_000);
afterAll(async () => {
  await t?.drop();
});

describe("account actions for a French user", () => {
  it("refuse in French: a wrong password, the same address, a bad address; nothing changes", async () => {
    const user = await t.db.user.create({
      data: { email: "marie@example.com", locale: "fr", passwordHash: await hashPassword("the right password") },
    });
    session.user = { id: user.id, email: user.email };
    expect(await changeEmail({}, form({ email: "new@example.com", password: "not it" }))).toEqual({
      values: { email: "new@example.com" },
      fieldErrors: { password: "Mot de passe incorrect." },
    });
    expect(await changeEmail({}, form({ email: "MARIE@example.com", password: "the right password" }))).toMatchObject({
      fieldErrors: { email: "C’est déjà votre adresse." },
    });
    expect(await changeEmail({}, form({ email: "nope", password: "x" }))).toMatchObject({
      fieldErrors: { email: "Saisissez une adresse e-mail valide." },
    });
    expect(await deleteAccount({}, form({ password: "not it" }))).toEqual({
      fieldErrors: { password: "Mot de passe incorrect. Rien n’a été supprimé." },
    });
    expect(await t.db.user.findUnique({ where: { id: user.id } })).toMatchObject({ email: "marie@example.com" });
  });
});

// The recovery forms' actions answer in the user's language, over real Postgres: a French user (the
// stored choice, read by lib/i18n/request-locale.ts) and a French browser (Accept-Language, signed
// out) get the French words; the rate limit's wait goes through the ICU plural. next-intl's server
// API runs on the product's request config (test/support/next-intl-server.tsx); the session and the
// request headers are stand-ins.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { formData as form } from "@/test/support/form-data";
import type { AccountFormAction } from "@/components/account-forms";

vi.mock("next-intl/server", () => import("@/test/support/next-intl-server"));
const request = vi.hoisted(() => ({
  user: null as { id: string; email: string } | null,
  acceptLanguage: "en-US,en;q=0.9",
}));
vi.mock("@/lib/auth/session", () => ({ currentUser: async () => request.user }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "accept-language": request.acceptLanguage }) }));

let t: TestDatabase;
let forgot: AccountFormAction;
let reset: AccountFormAction;

beforeAll(async () => {
  t = await createTestDatabase();
  Object.assign(process.env, {
    DATABASE_URL: t.url,
    AUTH_SECRET: "a-test-secret-that-is-at-least-32-characters",
    // The forgot-password form shares the sign-up limits: two requests an hour in all, here.
    SIGNUP_LIMIT_PER_HOUR: "2",
    TRUSTED_PROXY_HOPS: "0",
  });
  ({ forgotPasswordAction: forgot, resetPasswordAction: reset } = await import("./account-actions"));
}, 120_000);
afterAll(async () => {
  await t?.drop();
});
beforeEach(() => {
  request.user = null;
  request.acceptLanguage = "en-US,en;q=0.9";
});

describe("recovery actions in the user's language", () => {
  it("a French user (stored choice, English browser) gets the French link error", async () => {
    const user = await t.db.user.create({ data: { email: "marie@example.com", locale: "fr" } });
    request.user = { id: user.id, email: user.email };
    expect(await reset({}, form({ token: "forged.token", password: "a long enough password" }))).toEqual({
      error: "Ce lien n’est pas valide. Demandez-en un nouveau.",
    });
    expect(await reset({}, form({ token: "forged.token", password: "short" }))).toEqual({
      fieldErrors: { password: "Utilisez au moins 8\u00a0caractères." },
    });
  });

  it("a signed-out French browser gets French field errors; an English one the English words", async () => {
    request.acceptLanguage = "fr-FR,fr;q=0.9,en;q=0.5";
    expect(await forgot({}, form({ email: "not-an-address" }))).toEqual({
      fieldErrors: { email: "Saisissez une adresse e-mail valide." },
      values: { email: "not-an-address" },
    });
    request.acceptLanguage = "en-US";
    expect(await forgot({}, form({}))).toMatchObject({ fieldErrors: { email: "Enter your e-mail address." } });
  });

  it("past the limit, the wait is worded with the plural in each language", async () => {
    request.acceptLanguage = "fr";
    expect(await forgot({}, form({ email: "someone@example.com" }))).toEqual({ done: true });
    expect(await forgot({}, form({ email: "someone@example.com" }))).toEqual({ done: true });
    expect(await forgot({}, form({ email: "someone@example.com" }))).toEqual({
      error: "Trop de demandes. Réessayez dans 60 minutes.",
      values: { email: "someone@example.com" },
    });
    request.acceptLanguage = "en";
    expect(await forgot({}, form({ email: "someone@example.com" }))).toMatchObject({
      error: "Too many requests. Try again in 60 minutes.",
    });
  });
});

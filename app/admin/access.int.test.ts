// Every admin page, layout, route handler and server action refuses a signed-in non-admin with 403
// and a signed-out visitor with a sign-in redirect (pages, actions) or 401 (routes). The list is read
// from the file system — app/admin/** and app/api/admin/** — so a new admin page, route or action
// without its own check fails here. Real Postgres holds the users and their roles; only the session
// lookup is replaced.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";

type SessionUser = { id: string; email: string; name: null; role: "user" | "admin" };
const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock("@/lib/auth/session", () => ({
  currentUser: async () => session.user,
  sessionUserId: async () => session.user?.id ?? null,
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

const ROOT = path.resolve(import.meta.dirname, "../..");
const ADMIN_DIRS = ["app/admin", "app/api/admin"];
const FORBIDDEN_DIGEST = "NEXT_HTTP_ERROR_FALLBACK;403";
const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

function walk(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
  );
}

const files = ADMIN_DIRS.flatMap(walk).filter((f) => /\.(ts|tsx)$/.test(f) && !/\.test\.tsx?$/.test(f));
const pages = files.filter((f) => /\/(page|layout)\.tsx$/.test(f));
const routes = files.filter((f) => /\/route\.ts$/.test(f));
/** Modules whose first statement is "use server": every export is a server action. */
const actionModules = files.filter((f) =>
  /^(\s*\/\/[^\n]*\n)*\s*["']use server["']/.test(readFileSync(path.join(ROOT, f), "utf8")),
);

/** Dynamic segments filled with a placeholder: the check must come before the lookup. */
function paramsOf(file: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [, catchAll, name] of file.matchAll(/\[(\.\.\.)?([^\]]+)\]/g))
    params[name!] = catchAll ? ["evt_test"] : "evt_test";
  return params;
}

async function load(file: string): Promise<Record<string, unknown>> {
  return (await import(/* @vite-ignore */ path.join(ROOT, file))) as Record<string, unknown>;
}

/** What calling `run` did: the Next interrupt it threw (its digest), another error, or nothing. */
async function outcome(run: () => unknown): Promise<{ digest?: string; error?: unknown }> {
  try {
    await run();
    return {};
  } catch (error) {
    const digest = (error as { digest?: unknown }).digest;
    return typeof digest === "string" ? { digest } : { error };
  }
}

function renderPage(mod: Record<string, unknown>, file: string) {
  const Page = mod.default as (props: object) => unknown;
  return () => Page({ params: Promise.resolve(paramsOf(file)), searchParams: Promise.resolve({}), children: null });
}

function actionsOf(mod: Record<string, unknown>): [string, (...args: unknown[]) => unknown][] {
  return Object.entries(mod).filter((e): e is [string, (...args: unknown[]) => unknown] => typeof e[1] === "function");
}

function callAction(fn: (...args: unknown[]) => unknown) {
  // Either signature — (formData) or (previousState, formData) — gets a FormData where it looks.
  const form = new FormData();
  return () => fn(form, form);
}

function callRoute(handler: (...args: unknown[]) => unknown, file: string, method: string) {
  return () =>
    handler(new Request(`http://localhost/${file}`, { method }), {
      params: Promise.resolve(paramsOf(file)),
    }) as Promise<Response>;
}

let t: TestDatabase;
let member: SessionUser;
let admin: SessionUser;

beforeAll(async () => {
  t = await createTestDatabase();
  Object.assign(process.env, {
    DATABASE_URL: t.url,
    AUTH_SECRET: "a-test-secret-that-is-at-least-32-characters",
    __NEXT_EXPERIMENTAL_AUTH_INTERRUPTS: "true",
  });
  const m = await t.db.user.create({ data: { email: "member@example.com" } });
  // An admin in the session's JWT but not in the database (revoked): the database decides.
  member = { id: m.id, email: m.email, name: null, role: "admin" };
  const a = await t.db.user.create({ data: { email: "admin@example.com", role: "admin" } });
  admin = { id: a.id, email: a.email, name: null, role: "admin" };
}, 120_000);

afterAll(async () => {
  await t?.drop();
});

describe("the admin surface found on disk", () => {
  it("has the pages, the webhook and user actions", () => {
    for (const expected of [
      "app/admin/layout.tsx",
      "app/admin/page.tsx",
      "app/admin/webhooks/page.tsx",
      "app/admin/webhooks/[eventId]/page.tsx",
      "app/admin/users/page.tsx",
      "app/admin/users/[userId]/page.tsx",
      "app/admin/integrations/page.tsx",
      "app/admin/integrations/deliveries/page.tsx",
      "app/admin/integrations/deliveries/[deliveryId]/page.tsx",
    ]) {
      expect(pages).toContain(expected);
    }
    expect(actionModules).toEqual(
      expect.arrayContaining([
        "app/admin/webhooks/actions.ts",
        "app/admin/users/actions.ts",
        "app/admin/pricing/actions.ts",
        "app/admin/integrations/actions.ts",
      ]),
    );
    expect(routes).toContain("app/api/admin/business/report/route.ts");
  });

  it("defines server actions only in 'use server' modules (an inline action could not be enumerated here)", () => {
    for (const file of files.filter((f) => !actionModules.includes(f))) {
      expect(readFileSync(path.join(ROOT, file), "utf8"), file).not.toMatch(/["']use server["']/);
    }
  });
});

describe.each(pages)("%s", (file) => {
  it("403 for a signed-in non-admin, sign-in for a visitor, rendered for an admin", async () => {
    const mod = await load(file);
    session.user = member;
    expect(await outcome(renderPage(mod, file))).toEqual({ digest: FORBIDDEN_DIGEST });
    session.user = null;
    const signedOut = await outcome(renderPage(mod, file));
    expect(signedOut.digest).toMatch(/^NEXT_REDIRECT;replace;\/sign-in\?callbackUrl=%2Fadmin/);
    session.user = admin;
    expect((await outcome(renderPage(mod, file))).digest).not.toBe(FORBIDDEN_DIGEST);
  });
});

describe.each(actionModules)("actions of %s", (file) => {
  it("every exported action: 403 for a non-admin, sign-in for a visitor; an admin gets past the check", async () => {
    const actions = actionsOf(await load(file));
    expect(actions.length).toBeGreaterThan(0);
    for (const [name, fn] of actions) {
      session.user = member;
      expect(await outcome(callAction(fn)), name).toEqual({ digest: FORBIDDEN_DIGEST });
      session.user = null;
      expect((await outcome(callAction(fn))).digest, name).toMatch(/^NEXT_REDIRECT;replace;\/sign-in/);
      session.user = admin;
      expect((await outcome(callAction(fn))).digest, name).not.toBe(FORBIDDEN_DIGEST);
    }
  });
});

describe.each(routes)("route %s", (file) => {
  it("every exported method: 403 JSON for a non-admin, 401 signed out", async () => {
    const mod = await load(file);
    const methods = HTTP_METHODS.filter((m) => typeof mod[m] === "function");
    expect(methods.length).toBeGreaterThan(0);
    for (const method of methods) {
      const handler = mod[method] as (...args: unknown[]) => unknown;
      session.user = member;
      const refused = await callRoute(handler, file, method)();
      expect(refused.status, method).toBe(403);
      session.user = null;
      expect((await callRoute(handler, file, method)()).status, method).toBe(401);
      session.user = admin;
      const allowed = await outcome(callRoute(handler, file, method));
      expect(allowed.error ?? null, method).toBeNull();
    }
  });
});

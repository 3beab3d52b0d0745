// The Integrations actions over real Postgres and the loopback receiver: the real actions, schema
// and worker; only the session lookup (and Next's cache revalidation) are replaced. A non-admin is
// refused by every action before anything is written (app/admin/access.int.test.ts checks the
// same for every admin action found on disk).
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { formData as form } from "@/test/support/form-data";
import { startWebhookReceiver, type WebhookReceiver } from "@/test/webhooks/receiver";
import type * as Actions from "./actions";

type SessionUser = { id: string; email: string; name: null; role: "user" | "admin" };
const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock("@/lib/auth/session", () => ({
  currentUser: async () => session.user,
  sessionUserId: async () => session.user?.id ?? null,
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

let t: TestDatabase;
let receiver: WebhookReceiver;
let actions: typeof Actions;
let admin: SessionUser;
let member: SessionUser;

beforeAll(async () => {
  t = await createTestDatabase();
  receiver = await startWebhookReceiver();
  Object.assign(process.env, {
    DATABASE_URL: t.url,
    AUTH_SECRET: "a-test-secret-that-is-at-least-32-characters",
    WEBHOOKS_ALLOW_PRIVATE_URLS: "true",
    __NEXT_EXPERIMENTAL_AUTH_INTERRUPTS: "true",
  });
  actions = await import("./actions");
  const a = await t.db.user.create({ data: { email: "hooks-admin@example.com", role: "admin" } });
  admin = { id: a.id, email: a.email, name: null, role: "admin" };
  const m = await t.db.user.create({ data: { email: "hooks-member@example.com" } });
  member = { id: m.id, email: m.email, name: null, role: "admin" }; // admin in the JWT only: the database decides
}, 120_000);
afterAll(async () => {
  delete process.env.WEBHOOKS_ALLOW_PRIVATE_URLS;
  await receiver?.close();
  await t?.drop();
});
beforeEach(async () => {
  await t.sql("DELETE FROM webhook_endpoints");
  await t.sql("DELETE FROM webhook_events");
  receiver.clear();
  session.user = admin;
});

/** The digest of the Next interrupt `run` threw (redirect, forbidden), or undefined. */
async function digestOf(run: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await run();
    return undefined;
  } catch (error) {
    const digest = (error as { digest?: unknown }).digest;
    if (typeof digest !== "string") throw error;
    return digest;
  }
}

async function register(eventTypes = ["tokens.low", "period.started"]) {
  const data = form({ url: receiver.url, description: "CRM" });
  for (const type of eventTypes) data.append("eventTypes", type);
  return actions.registerEndpoint({}, data);
}

async function eventually(check: () => boolean, ms = 5_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("registering an endpoint", () => {
  it("stores it with the admin's id and returns its whsec_ secret once", async () => {
    const state = await register();
    expect(state).toMatchObject({ ok: true, secret: expect.stringMatching(/^whsec_/), url: receiver.url });
    const [row] = await t.sql<{ url: string; secret: string; event_types: string[]; created_by_id: string }>(
      "SELECT url, secret, event_types, created_by_id FROM webhook_endpoints",
    );
    expect(row).toEqual({
      url: receiver.url,
      secret: state.secret,
      event_types: ["tokens.low", "period.started"],
      created_by_id: admin.id,
    });
  });

  it("refuses a bad URL, no event type and an unknown type, writing nothing", async () => {
    expect(
      await actions.registerEndpoint({}, form({ url: "ftp://x.example/", eventTypes: "tokens.low" })),
    ).toMatchObject({
      ok: false,
      field: "url",
    });
    expect(await actions.registerEndpoint({}, form({ url: receiver.url }))).toMatchObject({
      ok: false,
      field: "eventTypes",
    });
    expect(await actions.registerEndpoint({}, form({ url: receiver.url, eventTypes: "user.deleted" }))).toMatchObject({
      ok: false,
      field: "eventTypes",
    });
    expect(await t.sql("SELECT 1 FROM webhook_endpoints")).toEqual([]);
  });
});

describe("managing it", () => {
  it("test event, rotation, disable and delete", async () => {
    const { secret } = await register();
    const [{ id }] = (await t.sql<{ id: string }>("SELECT id FROM webhook_endpoints")) as [{ id: string }];
    receiver.secrets = [secret!];

    expect(await digestOf(() => actions.sendTest(form({ id })))).toMatch(
      new RegExp(`^NEXT_REDIRECT;replace;/admin/integrations/deliveries\\?endpoint=${id}&notice=test_sent`),
    );
    await eventually(() => receiver.delivered().length === 1);
    expect(receiver.delivered()[0]!.payload).toMatchObject({ type: "webhook.test", data: { endpointId: id } });

    const rotated = await actions.rotateEndpointSecret({}, form({ id }));
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(secret);

    expect(await digestOf(() => actions.setEnabled(form({ id, enabled: "false" })))).toMatch(/notice=disabled/);
    expect(await digestOf(() => actions.sendTest(form({ id })))).toMatch(/notice=test_refused/);
    expect(await digestOf(() => actions.removeEndpoint(form({ id })))).toMatch(/notice=deleted/);
    expect(await t.sql("SELECT 1 FROM webhook_endpoints")).toEqual([]);
    expect(await t.sql("SELECT 1 FROM webhook_deliveries")).toEqual([]);
  });

  it("replays a failed delivery: a new attempt of the same message id", async () => {
    const { secret } = await register();
    receiver.secrets = [secret!];
    const [{ id }] = (await t.sql<{ id: string }>("SELECT id FROM webhook_endpoints")) as [{ id: string }];
    receiver.failNext(1);
    await digestOf(() => actions.sendTest(form({ id })));
    await eventually(() => receiver.messages.length === 1);
    const [delivery] = await t.sql<{ id: string }>("SELECT id FROM webhook_deliveries");
    await t.sql("UPDATE webhook_deliveries SET status = 'failed'");
    expect(await digestOf(() => actions.replay(form({ id: delivery!.id })))).toMatch(
      new RegExp(`/admin/integrations/deliveries/${delivery!.id}\\?replay=succeeded`),
    );
    expect(receiver.messages.map((m) => m.id)).toEqual([receiver.messages[0]!.id, receiver.messages[0]!.id]);
    expect(receiver.delivered()).toHaveLength(1);
  });
});

describe("a non-admin", () => {
  it("is refused by every action, and nothing is written or sent", async () => {
    session.user = null; // signed out: sent to sign-in
    expect(await digestOf(() => register())).toMatch(/^NEXT_REDIRECT;replace;\/sign-in/);
    session.user = admin;
    const { secret } = await register();
    const [{ id }] = (await t.sql<{ id: string }>("SELECT id FROM webhook_endpoints")) as [{ id: string }];
    session.user = member;
    const forbidden = "NEXT_HTTP_ERROR_FALLBACK;403";
    expect(await digestOf(() => register())).toBe(forbidden);
    expect(await digestOf(() => actions.rotateEndpointSecret({}, form({ id })))).toBe(forbidden);
    expect(await digestOf(() => actions.setEnabled(form({ id, enabled: "false" })))).toBe(forbidden);
    expect(await digestOf(() => actions.sendTest(form({ id })))).toBe(forbidden);
    expect(await digestOf(() => actions.removeEndpoint(form({ id })))).toBe(forbidden);
    expect(await digestOf(() => actions.replay(form({ id })))).toBe(forbidden);
    const rows = await t.sql<{ secret: string; enabled: boolean }>("SELECT secret, enabled FROM webhook_endpoints");
    expect(rows).toEqual([{ secret, enabled: true }]);
    expect(await t.sql("SELECT 1 FROM webhook_events")).toEqual([]);
  });
});

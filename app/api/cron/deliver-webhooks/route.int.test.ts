// The webhook cron route over real Postgres and the loopback receiver: its authorization, and the
// due deliveries it makes (with WEBHOOKS_ALLOW_PRIVATE_URLS, the receiver being on 127.0.0.1; without
// it, the connection guard refuses the loopback address and the delivery waits for a retry).
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { startWebhookReceiver, type WebhookReceiver } from "@/test/webhooks/receiver";
import { createEndpoint } from "@/lib/webhooks/endpoints";
import { emitEvent } from "@/lib/webhooks/events";

const SECRET = "cron-secret-for-the-webhook-route-test-0123456789";
let t: TestDatabase;
let receiver: WebhookReceiver;

beforeAll(async () => {
  t = await createTestDatabase();
  receiver = await startWebhookReceiver();
  Object.assign(process.env, {
    DATABASE_URL: t.url,
    AUTH_SECRET: "a-test-secret-that-is-at-least-32-characters",
    CRON_SECRET: SECRET,
  });
});
afterAll(async () => {
  delete process.env.WEBHOOKS_ALLOW_PRIVATE_URLS;
  await receiver?.close();
  await t?.drop();
});
beforeEach(async () => {
  await t.sql("DELETE FROM webhook_endpoints");
  await t.sql("DELETE FROM webhook_events");
  receiver.clear();
  const created = await createEndpoint(
    t.db,
    { url: receiver.url, eventTypes: ["tokens.depleted"] },
    { adminId: "admin", allowPrivate: true },
  );
  if (!created.ok) throw new Error(created.message);
  receiver.secrets = [created.secret];
  await emitEvent(t.db, {
    type: "tokens.depleted",
    key: `tokens.depleted:cron:${Date.now()}`,
    userId: "user-cron",
    data: {
      userId: "user-cron",
      availableMillitokens: "0",
      periodStart: "2026-12-01T00:00:00.000Z",
      periodEnd: "2027-01-01T00:00:00.000Z",
    },
  });
});

async function route(allowPrivate: boolean) {
  vi.resetModules();
  process.env.WEBHOOKS_ALLOW_PRIVATE_URLS = allowPrivate ? "true" : "false";
  return (await import("./route")).GET;
}
const get = (GET: (r: Request) => Promise<Response>, authorization?: string) =>
  GET(new Request("http://localhost/api/cron/deliver-webhooks", { headers: authorization ? { authorization } : {} }));

describe("GET /api/cron/deliver-webhooks", () => {
  it("answers 401 without the secret, and sends nothing", async () => {
    const GET = await route(true);
    for (const authorization of [undefined, "Bearer wrong-secret-of-enough-length-0000", SECRET]) {
      const response = await get(GET, authorization);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: "unauthorized" });
    }
    expect(receiver.messages).toEqual([]);
  });

  it("delivers what is due, once", async () => {
    const GET = await route(true);
    const response = await get(GET, `Bearer ${SECRET}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ succeeded: 1, retried: 0, failed: 0 });
    expect(await (await get(GET, `Bearer ${SECRET}`)).json()).toEqual({ succeeded: 0, retried: 0, failed: 0 });
    expect(receiver.delivered()).toHaveLength(1);
  });

  it("without WEBHOOKS_ALLOW_PRIVATE_URLS, a loopback endpoint is refused at the connection and retried later", async () => {
    const GET = await route(false);
    expect(await (await get(GET, `Bearer ${SECRET}`)).json()).toEqual({ succeeded: 0, retried: 1, failed: 0 });
    expect(receiver.messages).toEqual([]);
  });
});

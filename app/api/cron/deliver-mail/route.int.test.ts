// The mail cron route over real Postgres and the loopback SMTP server: its authorization, its
// answer without SMTP_URL, and the due mails it sends.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { startTestInbox, type TestInbox } from "@/test/mail/inbox";
import { enqueueMail } from "@/lib/mail/outbox";

const SECRET = "cron-secret-for-the-mail-route-test-0123456789";
let t: TestDatabase;
let inbox: TestInbox;

beforeAll(async () => {
  t = await createTestDatabase();
  inbox = await startTestInbox();
  Object.assign(process.env, {
    DATABASE_URL: t.url,
    AUTH_SECRET: "a-test-secret-that-is-at-least-32-characters",
    CRON_SECRET: SECRET,
    APP_URL: "https://tollgate.test",
    MAIL_FROM: "Tollgate <no-reply@tollgate.test>",
  });
});
afterAll(async () => {
  delete process.env.SMTP_URL;
  delete process.env.MAIL_FROM;
  await inbox?.close();
  await t?.drop();
});

/** The route module with a fresh environment (env() is parsed once per module instance). */
async function route(smtpUrl: string | undefined) {
  vi.resetModules();
  if (smtpUrl === undefined) delete process.env.SMTP_URL;
  else process.env.SMTP_URL = smtpUrl;
  return (await import("./route")).GET;
}

const get = (GET: (r: Request) => Promise<Response>, authorization?: string) =>
  GET(new Request("http://localhost/api/cron/deliver-mail", { headers: authorization ? { authorization } : {} }));

describe("GET /api/cron/deliver-mail", () => {
  it("answers 401 without the secret, and sends nothing", async () => {
    await t.db.$transaction((tx) =>
      enqueueMail(tx, {
        to: "cron@example.com",
        template: "verify_email",
        data: { url: "https://tollgate.test/verify-email?token=x", expiresInHours: 24 },
        idempotencyKey: "cron-1",
      }),
    );
    const GET = await route(inbox.smtpUrl);
    for (const authorization of [undefined, "Bearer wrong-secret-of-enough-length-0000", SECRET]) {
      const response = await get(GET, authorization);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: "unauthorized" });
    }
    expect(inbox.messages()).toEqual([]);
  });

  it("says it is not configured without SMTP_URL, and leaves the mail queued", async () => {
    const response = await get(await route(undefined), `Bearer ${SECRET}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ configured: false, sent: 0, retried: 0, failed: 0 });
    const [row] = await t.sql<{ status: string }>("SELECT status FROM mail_outbox WHERE idempotency_key = 'cron-1'");
    expect(row?.status).toBe("pending");
  });

  it("sends the due mails through SMTP_URL", async () => {
    const response = await get(await route(inbox.smtpUrl), `Bearer ${SECRET}`);
    expect(await response.json()).toEqual({ configured: true, sent: 1, retried: 0, failed: 0 });
    const mail = await inbox.waitForMail({ to: "cron@example.com" });
    expect(mail.from).toBe("no-reply@tollgate.test");
  });
});

// The one-click unsubscribe end to end, over real Postgres and the loopback SMTP server: the
// process's delivery options (lib/mail/deliver.ts) give a notification mail its signed link and
// List-Unsubscribe headers (a billing mail none); POSTing that URL as a mail client does (RFC 8058)
// turns the kind off without a session; a forged token is refused with 400; GET shows the confirm page.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { startTestInbox, type TestInbox } from "@/test/mail/inbox";
import { userWithBalance } from "@/test/metering/fixtures";
import { deliverPending, enqueueMail } from "@/lib/mail/outbox";
import { createSmtpSender } from "@/lib/mail/smtp";
import { readPreferences } from "@/lib/mail/notifications/preferences";

let t: TestDatabase;
let inbox: TestInbox;

beforeAll(async () => {
  t = await createTestDatabase();
  inbox = await startTestInbox();
  Object.assign(process.env, {
    DATABASE_URL: t.url,
    AUTH_SECRET: "a-test-secret-that-is-at-least-32-characters",
    APP_URL: "https://tollgate.test",
    MAIL_FROM: "Tollgate <no-reply@tollgate.test>",
  });
  delete process.env.SMTP_URL;
  vi.resetModules();
});
afterAll(async () => {
  delete process.env.MAIL_FROM;
  await inbox?.close();
  await t?.drop();
});

const lower = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

describe("/api/mail/unsubscribe", () => {
  it("a low-balance mail's List-Unsubscribe URL turns the alert off by one POST, without signing in", async () => {
    const userId = await userWithBalance(t.db, 0n, "unsub");
    const [user] = await t.sql<{ email: string }>("SELECT email FROM users WHERE id = $1", [userId]);
    const email = user!.email;
    await enqueueMail(t.db, {
      to: email,
      userId,
      template: "low_balance",
      data: { available: 5, allowance: 100, percent: 10, resetsAt: new Date().toISOString() },
      idempotencyKey: `test-low:${userId}`,
    });
    await enqueueMail(t.db, {
      to: email,
      userId,
      template: "payment_failed",
      data: { planName: "Pro", amountDue: "€19.00", nextAttemptAt: null },
      idempotencyKey: `test-failed:${userId}`,
    });
    const { deliveryOptions } = await import("@/lib/mail/deliver");
    const sender = createSmtpSender(inbox.smtpUrl);
    try {
      await deliverPending(t.db, sender, deliveryOptions());
    } finally {
      sender.close();
    }
    const low = lower((await inbox.waitForMail({ to: email, subject: /below 10 %/ })).headers);
    const failed = lower((await inbox.waitForMail({ to: email, subject: /payment failed/ })).headers);
    expect(failed["list-unsubscribe"]).toBeUndefined();
    expect(low["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    const url = /<([^>]+)>/.exec(low["list-unsubscribe"]!)![1]!;
    expect(url.startsWith("https://tollgate.test/api/mail/unsubscribe?token=")).toBe(true);

    const { GET, POST } = await import("./route");
    const page = await GET(new Request(url));
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe(url.replace("/api/mail/unsubscribe", "/unsubscribe"));
    expect((await readPreferences(t.db, userId)).low_balance).toBe(true); // opening the link changes nothing

    const oneClick = () =>
      POST(
        new Request(url, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "List-Unsubscribe=One-Click",
        }),
      );
    expect((await oneClick()).status).toBe(200);
    expect((await oneClick()).status).toBe(200); // twice: still off, still 200
    expect(await readPreferences(t.db, userId)).toMatchObject({ low_balance: false, tokens_depleted: true });

    const token = new URL(url).searchParams.get("token")!;
    const forged = await POST(
      new Request(`https://tollgate.test/api/mail/unsubscribe?token=${token.slice(0, -3)}abc`, { method: "POST" }),
    );
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({
      error: "invalid_request",
      message: expect.stringMatching(/not valid/),
    });
  });
});

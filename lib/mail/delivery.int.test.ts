// Delivery over a real SMTP server on loopback (dev/mail-server) and real PostgreSQL: what arrives,
// and the outage — SMTP stops, mails are caused, SMTP comes back, and every mail arrives exactly once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { startTestInbox, type TestInbox } from "@/test/mail/inbox";
import { deliverPending, enqueueMail, messageIdFor, RETRY_DELAYS_MS } from "./outbox";
import { createSmtpSender } from "./smtp";

let t: TestDatabase;
let inbox: TestInbox;
beforeAll(async () => {
  t = await createTestDatabase();
  inbox = await startTestInbox();
});
afterAll(async () => {
  await inbox?.close();
  await t?.drop();
});
beforeEach(async () => {
  await t.sql("DELETE FROM mail_outbox");
  inbox.clear();
});

const OPTIONS = { from: "Tollgate <no-reply@tollgate.test>", appUrl: "https://tollgate.test" };
const verify = (key: string, to: string) => ({
  to,
  template: "verify_email" as const,
  data: { url: `https://tollgate.test/verify-email?token=${key}`, expiresInHours: 24 },
  idempotencyKey: key,
});

describe("delivery over SMTP", () => {
  it("delivers the HTML and the text part, from MAIL_FROM, under the cause's Message-ID", async () => {
    await t.db.$transaction((tx) => enqueueMail(tx, verify("smtp-1", "grace@example.com")));
    const sender = createSmtpSender(inbox.smtpUrl);
    expect(await deliverPending(t.db, sender, OPTIONS)).toEqual({ sent: 1, retried: 0, failed: 0 });
    sender.close();
    const mail = await inbox.waitForMail({ to: "grace@example.com" });
    expect(mail).toMatchObject({
      subject: "Confirm your e-mail address for Tollgate",
      from: "no-reply@tollgate.test",
      to: ["grace@example.com"],
      messageId: messageIdFor("smtp-1", OPTIONS.from),
    });
    expect(mail.text).toContain("https://tollgate.test/verify-email?token=smtp-1");
    expect(mail.html).toContain('href="https://tollgate.test/verify-email?token=smtp-1"');
    expect(mail.html).toContain("Tollgate");
  });

  it("loses no mail and sends none twice across an SMTP outage", async () => {
    const down = await startTestInbox();
    const port = down.smtpPort;
    const url = down.smtpUrl;
    await down.close(); // SMTP is down from here on

    const recipients = Array.from({ length: 6 }, (_, i) => `outage${i}@example.com`);
    for (const [i, to] of recipients.entries()) {
      await t.db.$transaction((tx) => enqueueMail(tx, verify(`outage-${i}`, to)));
    }
    const sender = createSmtpSender(url);
    const t0 = new Date();
    expect(await deliverPending(t.db, sender, { ...OPTIONS, now: t0 })).toEqual({ sent: 0, retried: 6, failed: 0 });
    // Still down a minute later: the second attempt fails too, and waits longer.
    const t1 = new Date(t0.getTime() + RETRY_DELAYS_MS[0]!);
    expect(await deliverPending(t.db, sender, { ...OPTIONS, now: t1 })).toEqual({ sent: 0, retried: 6, failed: 0 });

    const up = await startTestInbox({ smtpPort: port }); // back, on the same port
    try {
      const t2 = new Date(t1.getTime() + RETRY_DELAYS_MS[1]!);
      expect(await deliverPending(t.db, sender, { ...OPTIONS, now: t2 })).toEqual({ sent: 6, retried: 0, failed: 0 });
      // Run again, and again later: nothing is sent twice.
      expect(await deliverPending(t.db, sender, { ...OPTIONS, now: t2 })).toEqual({ sent: 0, retried: 0, failed: 0 });
      expect(await deliverPending(t.db, sender, { ...OPTIONS, now: new Date(t2.getTime() + 86_400_000) })).toEqual({
        sent: 0,
        retried: 0,
        failed: 0,
      });
      for (const to of recipients) await up.waitForMail({ to });
      expect(
        up
          .messages()
          .map((m) => m.to[0])
          .sort(),
      ).toEqual([...recipients].sort());
      const rows = await t.sql<{ status: string; attempts: number }>("SELECT status, attempts FROM mail_outbox");
      expect(rows.every((r) => r.status === "sent" && r.attempts === 3)).toBe(true);
    } finally {
      sender.close();
      await up.close();
    }
  });
});

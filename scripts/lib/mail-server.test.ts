// The dev and e2e servers' mail server: the app's SMTP_URL/MAIL_FROM, and the fallback to free ports
// when the preferred ones (1025/1080 in development) are taken.
import nodemailer from "nodemailer";
import { describe, expect, it } from "vitest";
import { startMailServer } from "@/dev/mail-server";
import { DEV_MAIL_FROM, startDevMail } from "@/scripts/lib/mail-server";

describe("startDevMail", () => {
  it("gives the app an SMTP_URL that delivers to its inbox, from the dev sender", async () => {
    const mail = await startDevMail();
    try {
      expect(mail.env).toEqual({ SMTP_URL: mail.server.smtpUrl, MAIL_FROM: DEV_MAIL_FROM });
      const transport = nodemailer.createTransport(mail.env.SMTP_URL);
      await transport.sendMail({ from: mail.env.MAIL_FROM, to: "ada@example.com", subject: "hi", text: "x" });
      transport.close();
      expect(mail.server.messages()).toMatchObject([{ from: "no-reply@tollgate.localhost", subject: "hi" }]);
    } finally {
      await mail.close();
    }
  });

  it("uses the preferred ports when free, and free ones when they are taken", async () => {
    // Two ports known to be free a moment ago: a closed server's.
    const probe = await startMailServer();
    const preferred = { smtpPort: probe.smtpPort, httpPort: Number(new URL(probe.inboxUrl).port) };
    await probe.close();

    const first = await startDevMail(preferred);
    try {
      expect(first.server.smtpPort).toBe(preferred.smtpPort);
      expect(first.server.inboxUrl).toBe(`http://127.0.0.1:${preferred.httpPort}`);
      const second = await startDevMail(preferred);
      try {
        expect(second.server.smtpPort).not.toBe(preferred.smtpPort);
        expect(second.server.inboxUrl).not.toBe(first.server.inboxUrl);
      } finally {
        await second.close();
      }
    } finally {
      await first.close();
    }
  });
});

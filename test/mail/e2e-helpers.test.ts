// The e2e specs' mail helpers (e2e/helpers.ts), against a real inbox: Playwright's request context is
// stood in for by fetch, the only part of it they use.
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linkIn, waitForMail } from "@/e2e/helpers";
import { startTestInbox, type TestInbox } from "@/test/mail/inbox";
import { e2ePort } from "@/test/support/e2e-paths";

let inbox: TestInbox;

beforeAll(async () => {
  inbox = await startTestInbox();
});
afterAll(() => inbox.close());

const request = {
  get: async (url: string) => {
    const response = await fetch(url);
    const body: unknown = await response.json();
    return { status: () => response.status, json: async () => body };
  },
} as unknown as Parameters<typeof waitForMail>[0];

describe("the e2e mail helpers", () => {
  it("wait for the mail through the inbox's JSON API, and find its link into the app", async () => {
    const origin = `http://localhost:${e2ePort()}`;
    const waiting = waitForMail(request, "Ada@Example.com", /verify/i, { inboxUrl: inbox.inboxUrl });
    const transport = nodemailer.createTransport(inbox.smtpUrl);
    await transport.sendMail({
      from: "no-reply@tollgate.localhost",
      to: "ada@example.com",
      subject: "Verify your e-mail",
      text: `Open ${origin}/verify-email?token=abc to confirm.`,
    });
    transport.close();
    const mail = await waiting;
    expect(mail.subject).toBe("Verify your e-mail");
    expect(linkIn(mail, "/verify-email")).toBe(`${origin}/verify-email?token=abc`);
  });

  it("fail after the timeout, saying what arrived for the address", async () => {
    await expect(
      waitForMail(request, "ada@example.com", /reset/i, { inboxUrl: inbox.inboxUrl, timeoutMs: 300 }),
    ).rejects.toThrow(
      /No mail to ada@example.com, subject \/reset\/i within 300 ms\. Arrived:\n {2}- to ada@example.com: "Verify your e-mail"/,
    );
  });
});

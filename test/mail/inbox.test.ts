// The integration tests' inbox: waiting for a mail that arrives later, the error that lists what did
// arrive, and the link a test follows.
import nodemailer from "nodemailer";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { linkIn, startTestInbox, type StoredMail, type TestInbox } from "@/test/mail/inbox";

let inbox: TestInbox;

beforeAll(async () => {
  inbox = await startTestInbox();
});
afterAll(() => inbox.close());
beforeEach(() => inbox.clear());

async function send(to: string, subject: string, text = "hello") {
  const transport = nodemailer.createTransport(inbox.smtpUrl);
  try {
    await transport.sendMail({ from: "no-reply@tollgate.localhost", to, subject, text });
  } finally {
    transport.close();
  }
}

describe("startTestInbox", () => {
  it("waits for a mail sent after the wait began", async () => {
    const waiting = inbox.waitForMail({ to: "ADA@example.com", subject: /verify/i });
    await send("someone@example.com", "Verify your address");
    await send("ada@example.com", "Receipt");
    await send("ada@example.com", "Verify your address");
    const mail = await waiting;
    expect(mail.subject).toBe("Verify your address");
    expect(mail.to).toEqual(["ada@example.com"]);
  });

  it("matches an exact subject or a predicate", async () => {
    await send("ada@example.com", "Low balance", "code 1");
    await send("ada@example.com", "Low balance", "code 2");
    expect((await inbox.waitForMail({ to: "ada@example.com", subject: "Low balance" })).text).toContain("code 1");
    const second = await inbox.waitForMail({ to: "ada@example.com", match: (m) => m.text.includes("code 2") });
    expect(second.text).toContain("code 2");
  });

  it("fails after the timeout, naming what it waited for and what arrived", async () => {
    await send("bob@example.com", "Receipt");
    await expect(inbox.waitForMail({ to: "ada@example.com", subject: "Welcome" }, 100)).rejects.toThrow(
      /No mail to ada@example.com, subject "Welcome" within 100 ms\. Arrived:\n {2}- to bob@example.com: "Receipt"/,
    );
  });

  it("reopens on a closed inbox's SMTP port", async () => {
    const first = await startTestInbox();
    await first.close();
    const second = await startTestInbox({ smtpPort: first.smtpPort });
    try {
      expect(second.smtpUrl).toBe(first.smtpUrl);
    } finally {
      await second.close();
    }
  });
});

describe("linkIn", () => {
  const mail: Pick<StoredMail, "text" | "subject"> = {
    subject: "Verify",
    text: "Unsubscribe: http://localhost:3000/unsubscribe/x\nVerify (https://tollgate.example/verify-email?token=a.b-c) now.\nhttp://localhost:3000/verify-email?token=second.",
  };

  it("finds the first URL under the origin and path, without the punctuation around it", () => {
    expect(linkIn(mail, "/verify-email", "https://tollgate.example")).toBe(
      "https://tollgate.example/verify-email?token=a.b-c",
    );
    expect(linkIn(mail, "/verify-email", "http://localhost:3000/")).toBe(
      "http://localhost:3000/verify-email?token=second",
    );
  });

  it("throws with the text when there is no such link", () => {
    expect(() => linkIn(mail, "/reset-password", "http://localhost:3000")).toThrow(
      /No link starting with http:\/\/localhost:3000\/reset-password in the mail "Verify":\nUnsubscribe/,
    );
  });
});

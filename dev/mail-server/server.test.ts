// The loopback mail server end to end: nodemailer sends over real SMTP, the mail is read back through
// messages(), the JSON API and the inbox pages; a closed server's port can be reopened at once.
import nodemailer from "nodemailer";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startMailServer, type MailServer, type StoredMail } from "@/dev/mail-server";

let server: MailServer;

beforeAll(async () => {
  server = await startMailServer({ maxMessageBytes: 64 * 1024 });
});
afterAll(() => server.close());
beforeEach(() => server.clear());

function send(smtpUrl: string, mail: nodemailer.SendMailOptions) {
  const transport = nodemailer.createTransport(smtpUrl);
  return transport
    .sendMail({ from: "Tollgate <no-reply@tollgate.localhost>", ...mail })
    .finally(() => transport.close());
}

const UNSUBSCRIBE = "<http://localhost:3000/unsubscribe/abc>";

function sendWelcome(subject = "Welcome to Tollgate") {
  return send(server.smtpUrl, {
    to: ["Ada <ada@example.com>", "bob@example.com"],
    subject,
    text: "Confirm: http://localhost:3000/verify?token=t1\n",
    html: `<p>Confirm <a href="http://localhost:3000/verify?token=t1">here</a></p>`,
    headers: { "List-Unsubscribe": UNSUBSCRIBE },
  });
}

async function api<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.inboxUrl}${path}`, init);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

describe("the loopback mail server", () => {
  it("listens on loopback and names its URLs", () => {
    expect(server.smtpUrl).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
    expect(server.inboxUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("stores a sent mail with both parts, both recipients and its headers", async () => {
    const info = await sendWelcome();
    expect(info.accepted).toEqual(["ada@example.com", "bob@example.com"]);
    const [mail] = server.messages();
    expect(mail).toMatchObject({
      id: expect.any(String),
      from: "no-reply@tollgate.localhost",
      to: ["ada@example.com", "bob@example.com"],
      envelope: { from: "no-reply@tollgate.localhost", to: ["ada@example.com", "bob@example.com"] },
      subject: "Welcome to Tollgate",
      messageId: info.messageId,
      text: "Confirm: http://localhost:3000/verify?token=t1\n",
      html: `<p>Confirm <a href="http://localhost:3000/verify?token=t1">here</a></p>`,
    });
    expect(mail!.headers["list-unsubscribe"]).toBe(UNSUBSCRIBE);
    expect(mail!.headers.subject).toBe("Welcome to Tollgate");
    expect(mail!.headers.from).toBe("Tollgate <no-reply@tollgate.localhost>");
    expect(Date.parse(mail!.date!)).not.toBeNaN();
  });

  it("keeps mails in arrival order with distinct ids", async () => {
    await sendWelcome("first");
    await sendWelcome("second");
    const mails = server.messages();
    expect(mails.map((m) => m.subject)).toEqual(["first", "second"]);
    expect(new Set(mails.map((m) => m.id)).size).toBe(2);
  });

  it("serves the mails through the JSON API, filtered by recipient case-insensitively", async () => {
    await sendWelcome();
    await send(server.smtpUrl, { to: "carol@example.com", subject: "Only Carol", text: "hi" });

    const all = await api<StoredMail[]>("/api/messages");
    expect(all.body.map((m) => m.subject)).toEqual(["Welcome to Tollgate", "Only Carol"]);
    const bob = await api<StoredMail[]>("/api/messages?to=BOB@Example.com");
    expect(bob.body.map((m) => m.subject)).toEqual(["Welcome to Tollgate"]);
    const carol = await api<StoredMail[]>(`/api/messages?to=${encodeURIComponent("carol@example.com")}`);
    expect(carol.body.map((m) => m.subject)).toEqual(["Only Carol"]);
    expect((await api<StoredMail[]>("/api/messages?to=nobody@example.com")).body).toEqual([]);

    const one = await api<StoredMail>(`/api/messages/${all.body[0]!.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(server.messages()[0]);
    expect(one.body.headers["list-unsubscribe"]).toBe(UNSUBSCRIBE);
  });

  it("finds a Bcc recipient through the envelope", async () => {
    await send(server.smtpUrl, { to: "ada@example.com", bcc: "hidden@example.com", subject: "Bcc", text: "x" });
    expect((await api<StoredMail[]>("/api/messages?to=hidden@example.com")).body.map((m) => m.subject)).toEqual([
      "Bcc",
    ]);
  });

  it("answers 404 JSON for an unknown id and an unknown route", async () => {
    const missing = await api<{ error: string }>("/api/messages/999999");
    expect(missing.status).toBe(404);
    expect(missing.body.error).toContain("999999");
    expect((await api<{ error: string }>("/api/nothing")).status).toBe(404);
    expect((await fetch(`${server.inboxUrl}/messages/999999`)).status).toBe(404);
  });

  it("answers 400 for an empty recipient filter and a malformed id, and keeps serving", async () => {
    expect((await api<{ error: string }>("/api/messages?to=")).status).toBe(400);
    expect((await api<{ error: string }>("/api/messages/%E0%A4%A")).status).toBe(400);
    expect((await api<StoredMail[]>("/api/messages")).status).toBe(200);
  });

  it("clears through clear() and DELETE /api/messages", async () => {
    await sendWelcome();
    server.clear();
    expect(server.messages()).toEqual([]);
    await sendWelcome();
    const deleted = await fetch(`${server.inboxUrl}/api/messages`, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect(server.messages()).toEqual([]);
    expect((await api<StoredMail[]>("/api/messages")).body).toEqual([]);
  });

  it("refuses an oversized mail over SMTP, and stores nothing of it", async () => {
    const big = "x".repeat(100 * 1024);
    await expect(send(server.smtpUrl, { to: "ada@example.com", subject: "big", text: big })).rejects.toMatchObject({
      responseCode: 552,
    });
    expect(server.messages()).toEqual([]);
    await sendWelcome();
    expect(server.messages()).toHaveLength(1);
  });
});

describe("an SMTP outage", () => {
  it("refuses mail while closed, and reopens on the same port at once", async () => {
    const first = await startMailServer();
    const port = first.smtpPort;
    await send(first.smtpUrl, { to: "ada@example.com", subject: "before", text: "1" });
    expect(first.messages().map((m) => m.subject)).toEqual(["before"]);
    await first.close();

    await expect(send(first.smtpUrl, { to: "ada@example.com", subject: "during", text: "2" })).rejects.toMatchObject({
      code: expect.stringMatching(/ECONNREFUSED|ESOCKET|ECONNECTION/),
    });

    const second = await startMailServer({ smtpPort: port });
    try {
      expect(second.smtpUrl).toBe(first.smtpUrl);
      await send(second.smtpUrl, { to: "ada@example.com", subject: "after", text: "3" });
      expect(second.messages().map((m) => m.subject)).toEqual(["after"]);
    } finally {
      await second.close();
    }
  });

  it("fails to start on a port in use, leaving nothing listening", async () => {
    await expect(startMailServer({ smtpPort: server.smtpPort })).rejects.toMatchObject({ code: "EADDRINUSE" });
    const httpPort = Number(new URL(server.inboxUrl).port);
    const attempt = startMailServer({ httpPort });
    await expect(attempt).rejects.toMatchObject({ code: "EADDRINUSE" });
  });
});

describe("closing", () => {
  it("is idempotent: a second close (an exit hook after the normal path) resolves, even at the same time", async () => {
    const server = await startMailServer();
    await Promise.all([server.close(), server.close()]);
    await expect(server.close()).resolves.toBeUndefined();
  });
});

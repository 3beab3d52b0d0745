// The inbox pages: what a developer sees, and that a mail's content is shown as data, never markup.
import nodemailer from "nodemailer";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startMailServer, type MailServer } from "@/dev/mail-server";

let server: MailServer;

beforeAll(async () => {
  server = await startMailServer();
});
afterAll(() => server.close());
beforeEach(() => server.clear());

async function send(mail: nodemailer.SendMailOptions) {
  const transport = nodemailer.createTransport(server.smtpUrl);
  try {
    await transport.sendMail({ from: "no-reply@tollgate.localhost", ...mail });
  } finally {
    transport.close();
  }
}

async function get(path: string) {
  const res = await fetch(`${server.inboxUrl}${path}`);
  return { status: res.status, headers: res.headers, body: await res.text() };
}

describe("the inbox pages", () => {
  it("list the mails newest first, each linking to its page", async () => {
    await send({ to: "ada@example.com", subject: "older", text: "1" });
    await send({ to: "bob@example.com", subject: "newer", text: "2" });
    const [older, newer] = server.messages();
    const inbox = await get("/");
    expect(inbox.status).toBe(200);
    expect(inbox.headers.get("content-type")).toContain("text/html");
    expect(inbox.body.indexOf("newer")).toBeLessThan(inbox.body.indexOf("older"));
    expect(inbox.body).toContain(`<a href="/messages/${older!.id}">older</a>`);
    expect(inbox.body).toContain(`<a href="/messages/${newer!.id}">newer</a>`);
    expect(inbox.body).toContain("bob@example.com");
    expect(inbox.body).toContain(newer!.receivedAt);
  });

  it("escape a hostile subject, text and header on every page", async () => {
    await send({
      to: "ada@example.com",
      subject: `<script>alert("s")</script>`,
      text: `<img src=x onerror=alert(1)> see https://example.com/a?b=1&c=2`,
      html: `<p>hi</p><script>alert("h")</script>`,
      headers: { "X-Probe": `<b>bold</b>` },
    });
    const [mail] = server.messages();
    const inbox = await get("/");
    expect(inbox.body).not.toContain("<script>alert");
    expect(inbox.body).toContain("&lt;script&gt;alert(&quot;s&quot;)&lt;/script&gt;");

    const page = await get(`/messages/${mail!.id}`);
    expect(page.status).toBe(200);
    expect(page.body).not.toContain("<script>");
    expect(page.body).not.toContain("<img");
    expect(page.body).not.toContain("<b>bold</b>");
    expect(page.body).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(page.body).toContain("&lt;b&gt;bold&lt;/b&gt;");
    // The text part's URL is a link, its & escaped.
    expect(page.body).toContain(`<a href="https://example.com/a?b=1&amp;c=2">`);
    // The HTML part only inside a sandbox without scripts.
    expect(page.body).toMatch(
      new RegExp(`<iframe [^>]*sandbox="allow-popups allow-popups-to-escape-sandbox" src="/messages/${mail!.id}/html"`),
    );
  });

  it("serve the HTML part alone under a CSP sandbox, links opening outside the frame", async () => {
    await send({ to: "ada@example.com", subject: "html", html: `<a href="http://localhost:3000/x">x</a>` });
    const [mail] = server.messages();
    const part = await get(`/messages/${mail!.id}/html`);
    expect(part.status).toBe(200);
    expect(part.headers.get("content-security-policy")).toMatch(/^sandbox allow-popups[^;]*; default-src 'none'/);
    expect(part.headers.get("content-security-policy")).not.toContain("allow-scripts");
    expect(part.body.trim()).toBe(`<base target="_blank"><a href="http://localhost:3000/x">x</a>`);
  });

  it("say when a mail has no HTML part, and delete all with the form", async () => {
    await send({ to: "ada@example.com", subject: "plain", text: "only text" });
    const [mail] = server.messages();
    expect((await get(`/messages/${mail!.id}`)).body).toContain("No HTML part.");

    const cleared = await fetch(`${server.inboxUrl}/clear`, { method: "POST", redirect: "manual" });
    expect(cleared.status).toBe(303);
    expect(cleared.headers.get("location")).toBe("/");
    expect(server.messages()).toEqual([]);
    expect((await get("/")).body).toContain("No mail yet.");
  });
});

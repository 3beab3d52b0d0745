// parseMail on raw messages: what a stored mail holds when the mail is unusual.
import { describe, expect, it } from "vitest";
import { parseMail } from "@/dev/mail-server/store";

const ENVELOPE = { from: "a@example.com", to: ["b@example.com"] };

function raw(lines: string[]): Buffer {
  return Buffer.from(lines.join("\r\n"));
}

describe("parseMail", () => {
  it("unfolds headers, joins repeated ones, and keeps list-* headers under their own names", async () => {
    const mail = await parseMail(
      "7",
      raw([
        "Received: from one",
        "Received: from two",
        "List-Unsubscribe: <https://example.com/u/1>,",
        " <mailto:unsubscribe@example.com>",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
        "From: A <a@example.com>",
        "To: undisclosed: b@example.com, C <c@example.com>;",
        "Subject: plain",
        "",
        "body",
      ]),
      ENVELOPE,
      new Date("2026-12-03T12:00:00Z"),
    );
    expect(mail.headers.received).toBe("from one\nfrom two");
    expect(mail.headers["list-unsubscribe"]).toBe("<https://example.com/u/1>, <mailto:unsubscribe@example.com>");
    expect(mail.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    expect(mail).toMatchObject({
      id: "7",
      receivedAt: "2026-12-03T12:00:00.000Z",
      envelope: ENVELOPE,
      from: "a@example.com",
      to: ["b@example.com", "c@example.com"],
      cc: [],
      subject: "plain",
      text: "body",
    });
  });

  it("gives null for a missing Date, Message-ID and HTML part, and decodes an encoded subject", async () => {
    const mail = await parseMail("1", raw(["To: b@example.com", "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=", "", "x"]), {
      from: "",
      to: ["b@example.com"],
    });
    expect(mail).toMatchObject({ from: "", date: null, messageId: null, html: null, subject: "Grüße" });
  });
});

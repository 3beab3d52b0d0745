// The mails the loopback SMTP server received, parsed by mailparser into plain JSON values (so what
// `messages()` returns in a test and what the JSON API answers have the same shape), in arrival order.
import { simpleParser, type AddressObject, type HeaderLines } from "mailparser";
import { isAddressedTo } from "./recipients";

export interface StoredMail {
  /** Unique within one server (a decimal counter from "1"), stable for the server's life. */
  id: string;
  /** When the SMTP transaction ended, ISO 8601. */
  receivedAt: string;
  /** The SMTP envelope: MAIL FROM and every RCPT TO (Bcc recipients appear only here). */
  envelope: { from: string; to: string[] };
  /** The address of the From header (`no-reply@example.com`), "" when absent; `headers.from` has it as written. */
  from: string;
  /** The addresses of the To header. */
  to: string[];
  /** The addresses of the Cc header. */
  cc: string[];
  subject: string;
  /** The Date header, ISO 8601; null when absent or unreadable. */
  date: string | null;
  messageId: string | null;
  /** The text part ("" when the mail has none). */
  text: string;
  /** The HTML part, null when the mail has none. */
  html: string | null;
  /**
   * Every header by its lower-case name, its value unfolded but not MIME-decoded (`list-unsubscribe`
   * is `<https://…>`): mailparser's own header map folds all `list-*` headers into one `list` object.
   * A repeated header (Received) has its values joined by "\n".
   */
  headers: Record<string, string>;
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  const out: string[] = [];
  const visit = (entries: AddressObject["value"]) => {
    for (const entry of entries) {
      if (entry.address) out.push(entry.address);
      if (entry.group) visit(entry.group);
    }
  };
  for (const object of objects) visit(object.value);
  return out;
}

function plainHeaders(lines: HeaderLines): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of lines) {
    const colon = line.indexOf(":");
    const value = line
      .slice(colon + 1)
      .replace(/\r?\n[ \t]+/g, " ")
      .trim();
    headers[key] = key in headers ? `${headers[key]}\n${value}` : value;
  }
  return headers;
}

/** Parses one raw message (RFC 5322) received with `envelope`. */
export async function parseMail(
  id: string,
  raw: Buffer,
  envelope: StoredMail["envelope"],
  receivedAt = new Date(),
): Promise<StoredMail> {
  const parsed = await simpleParser(raw);
  const date = parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : null;
  return {
    id,
    receivedAt: receivedAt.toISOString(),
    envelope,
    from: addresses(parsed.from)[0] ?? "",
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    subject: parsed.subject ?? "",
    date,
    messageId: parsed.messageId ?? null,
    text: parsed.text ?? "",
    html: typeof parsed.html === "string" ? parsed.html : null,
    headers: plainHeaders(parsed.headerLines),
  };
}

export class MailStore {
  private readonly mails: StoredMail[] = [];
  private nextId = 1;

  newId(): string {
    return String(this.nextId++);
  }

  add(mail: StoredMail): void {
    this.mails.push(mail);
  }

  /** Oldest first; only those addressed to `to` when given. A copy: the store is not exposed. */
  list(to?: string): StoredMail[] {
    return to === undefined ? [...this.mails] : this.mails.filter((m) => isAddressedTo(m, to));
  }

  get(id: string): StoredMail | undefined {
    return this.mails.find((m) => m.id === id);
  }

  clear(): void {
    this.mails.length = 0;
  }
}

// The outbox's rules over real PostgreSQL, with a recording sender (the SMTP side is covered by
// delivery.int.test.ts against a real SMTP server on loopback).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import {
  CLAIM_MS,
  deliverPending,
  enqueueMail,
  MAX_ATTEMPTS,
  messageIdFor,
  RETRY_DELAYS_MS,
  type MailSender,
  type OutgoingMail,
} from "./outbox";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});
beforeEach(async () => {
  await t.sql("DELETE FROM mail_outbox");
});

const OPTIONS = { from: "Tollgate <no-reply@tollgate.test>", appUrl: "https://tollgate.test" };
const verify = (key: string, to = "ada@example.com") => ({
  to,
  template: "verify_email" as const,
  data: { url: `https://tollgate.test/verify-email?token=${key}`, expiresInHours: 24 },
  idempotencyKey: key,
});

/** Records what it is asked to send; fails the first `failures` sends with `error`. */
function recordingSender(failures = 0, error: Error = new Error("connect ECONNREFUSED 127.0.0.1:25")) {
  const sent: OutgoingMail[] = [];
  let left = failures;
  const sender: MailSender = {
    async send(mail) {
      if (left > 0) {
        left--;
        throw error;
      }
      sent.push(mail);
    },
  };
  return { sender, sent };
}

const rows = () =>
  t.sql<{ status: string; attempts: number; next_attempt_at: Date; last_error: string | null }>(
    "SELECT status, attempts, next_attempt_at, last_error FROM mail_outbox ORDER BY created_at",
  );

describe("enqueueMail", () => {
  it("queues a mail due at once: never after the instant it was queued (no rounding up to the next millisecond)", async () => {
    // timestamptz(3) rounds half up: a default of now() would land after now() about every other
    // time, and a worker reading its clock in that millisecond would find the mail not yet due.
    for (let i = 0; i < 20; i++) {
      const [row] = await t.db.$transaction(async (tx) => {
        await enqueueMail(tx, verify(`due-${i}`));
        return tx.$queryRaw<{ due: boolean }[]>`
          SELECT next_attempt_at <= now() AS due FROM mail_outbox WHERE idempotency_key = ${`due-${i}`}`;
      });
      expect(row!.due).toBe(true);
    }
  });

  it("writes in the caller's transaction: a cause that rolls back leaves no mail", async () => {
    await expect(
      t.db.$transaction(async (tx) => {
        await enqueueMail(tx, verify("rolled-back"));
        throw new Error("the cause failed");
      }),
    ).rejects.toThrow("the cause failed");
    const { sender, sent } = recordingSender();
    expect(await deliverPending(t.db, sender, OPTIONS)).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(sent).toEqual([]);
    expect(await rows()).toEqual([]);
  });

  it("writes one row per idempotency key, also when the same cause is queued at once from many connections", async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => t.db.$transaction((tx) => enqueueMail(tx, verify("once")))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const { sender, sent } = recordingSender();
    await deliverPending(t.db, sender, OPTIONS);
    await deliverPending(t.db, sender, OPTIONS);
    expect(sent).toHaveLength(1);
  });

  it("queues nothing to an address under .invalid (a deleted account's anonymised address)", async () => {
    const queued = await t.db.$transaction((tx) => enqueueMail(tx, verify("gone", "deleted-u1@deleted.invalid")));
    expect(queued).toBe(false);
    expect(await rows()).toEqual([]);
  });

  it("refuses data its template does not take, failing the cause instead of a send hours later", async () => {
    await expect(
      t.db.$transaction((tx) => enqueueMail(tx, { ...verify("bad"), data: { url: "not a url", expiresInHours: 24 } })),
    ).rejects.toThrow();
    expect(await rows()).toEqual([]);
  });
});

describe("deliverPending", () => {
  it("renders and sends a due mail once, with a Message-ID derived from its cause", async () => {
    await t.db.$transaction((tx) => enqueueMail(tx, verify("k1")));
    const { sender, sent } = recordingSender();
    expect(await deliverPending(t.db, sender, OPTIONS)).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      from: OPTIONS.from,
      to: "ada@example.com",
      subject: "Confirm your e-mail address for Tollgate",
      messageId: messageIdFor("k1", OPTIONS.from),
    });
    expect(sent[0]!.messageId).toMatch(/^<[0-9a-f]{40}@tollgate\.test>$/);
    expect(sent[0]!.text).toContain("https://tollgate.test/verify-email?token=k1");
    expect(sent[0]!.html).toContain('href="https://tollgate.test/verify-email?token=k1"');
    expect((await rows())[0]).toMatchObject({ status: "sent", attempts: 1, last_error: null });
    expect(await deliverPending(t.db, sender, OPTIONS)).toEqual({ sent: 0, retried: 0, failed: 0 });
  });

  it("sends each mail once when several instances deliver at the same time", async () => {
    await t.db.$transaction(async (tx) => {
      for (let i = 0; i < 40; i++) await enqueueMail(tx, verify(`c${i}`, `user${i}@example.com`));
    });
    const { sender, sent } = recordingSender();
    const slow: MailSender = { send: (mail) => new Promise((r) => setTimeout(r, 5)).then(() => sender.send(mail)) };
    const reports = await Promise.all(
      Array.from({ length: 4 }, () => deliverPending(t.db, slow, { ...OPTIONS, limit: 15 })),
    );
    await deliverPending(t.db, slow, { ...OPTIONS, limit: 50 });
    expect(reports.reduce((n, r) => n + r.sent, 0)).toBeGreaterThan(0);
    expect(sent).toHaveLength(40);
    expect(new Set(sent.map((m) => m.to)).size).toBe(40);
  });

  it("retries a failed send on the backoff schedule, then marks the row failed after MAX_ATTEMPTS", async () => {
    await t.db.$transaction((tx) => enqueueMail(tx, verify("flaky")));
    const { sender, sent } = recordingSender(Infinity);
    let now = new Date("2026-12-03T10:00:00.000Z");
    await t.sql("UPDATE mail_outbox SET next_attempt_at = $1", [now]);
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      expect(await deliverPending(t.db, sender, { ...OPTIONS, now })).toEqual({ sent: 0, retried: 1, failed: 0 });
      const [row] = await rows();
      expect(row).toMatchObject({
        status: "pending",
        attempts: attempt,
        last_error: "connect ECONNREFUSED 127.0.0.1:25",
      });
      const due = now.getTime() + RETRY_DELAYS_MS[attempt - 1]!;
      expect(row!.next_attempt_at.getTime()).toBe(due);
      // Not due a millisecond early.
      expect(await deliverPending(t.db, sender, { ...OPTIONS, now: new Date(due - 1) })).toEqual({
        sent: 0,
        retried: 0,
        failed: 0,
      });
      now = new Date(due);
    }
    expect(await deliverPending(t.db, sender, { ...OPTIONS, now })).toEqual({ sent: 0, retried: 0, failed: 1 });
    expect((await rows())[0]).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS });
    expect(await deliverPending(t.db, sender, { ...OPTIONS, now: new Date(now.getTime() + 7 * 86_400_000) })).toEqual({
      sent: 0,
      retried: 0,
      failed: 0,
    });
    expect(sent).toEqual([]);
  });

  it("fails at once on an SMTP 5xx refusal, and on a row no template can render", async () => {
    await t.db.$transaction((tx) => enqueueMail(tx, verify("refused")));
    const refusal = Object.assign(new Error("550 5.1.1 mailbox unavailable"), { responseCode: 550 });
    expect(await deliverPending(t.db, recordingSender(1, refusal).sender, OPTIONS)).toEqual({
      sent: 0,
      retried: 0,
      failed: 1,
    });
    await t.sql(
      "INSERT INTO mail_outbox (idempotency_key, recipient, template, data) VALUES ('gone', 'a@example.com', 'no_such_mail', '{}')",
    );
    expect(await deliverPending(t.db, recordingSender().sender, OPTIONS)).toEqual({ sent: 0, retried: 0, failed: 1 });
    // Sorted: both rows can carry the same created_at millisecond.
    expect((await rows()).map((r) => [r.status, r.last_error]).sort()).toEqual([
      ["failed", "550 5.1.1 mailbox unavailable"],
      ["failed", 'no mail template "no_such_mail"'],
    ]);
  });

  it("takes over a row whose sender died mid-send once the claim has run out, under the same Message-ID", async () => {
    await t.db.$transaction((tx) => enqueueMail(tx, verify("orphan")));
    const now = new Date();
    // A sender that claimed the row and died before recording anything.
    await t.sql("UPDATE mail_outbox SET status = 'sending', attempts = 1, claimed_until = $1", [
      new Date(now.getTime() + CLAIM_MS),
    ]);
    const { sender, sent } = recordingSender();
    expect(await deliverPending(t.db, sender, { ...OPTIONS, now })).toEqual({ sent: 0, retried: 0, failed: 0 });
    const later = new Date(now.getTime() + CLAIM_MS + 1);
    expect(await deliverPending(t.db, sender, { ...OPTIONS, now: later })).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(sent[0]!.messageId).toBe(messageIdFor("orphan", OPTIONS.from));
    expect((await rows())[0]).toMatchObject({ status: "sent", attempts: 2 });
  });
});

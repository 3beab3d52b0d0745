// The admin view of the outbox: counts, the failed list, and a retry that only ever re-queues a
// failed mail (never a sent one).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { countFailedMail, listMail, mailCounts, retryFailedMail } from "./mail";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

const insert = (key: string, status: string, lastError: string | null = null) =>
  t.sql<{ id: string }>(
    `INSERT INTO mail_outbox (idempotency_key, recipient, template, data, status, attempts, last_error)
     VALUES ($1, $1 || '@example.com', 'verify_email', '{}', $2::mail_status, 8, $3) RETURNING id`,
    [key, status, lastError],
  );

describe("the mail console", () => {
  it("counts by status, lists the failed ones with their error, and retries only a failed mail", async () => {
    const [failed] = await insert("bounced", "failed", "550 5.1.1 mailbox unavailable");
    const [sent] = await insert("delivered", "sent");
    await insert("waiting", "pending");
    expect(await mailCounts(t.db)).toEqual({ pending: 1, sending: 0, sent: 1, failed: 1, canceled: 0 });
    expect(await countFailedMail(t.db)).toBe(1);
    expect(await listMail(t.db, "failed")).toEqual([
      expect.objectContaining({
        id: failed!.id,
        recipient: "bounced@example.com",
        lastError: "550 5.1.1 mailbox unavailable",
      }),
    ]);

    expect(await retryFailedMail(t.db, sent!.id)).toBe(false);
    expect(await retryFailedMail(t.db, failed!.id)).toBe(true);
    expect(await retryFailedMail(t.db, failed!.id)).toBe(false); // already queued
    expect(await mailCounts(t.db)).toEqual({ pending: 2, sending: 0, sent: 1, failed: 0, canceled: 0 });
    const [row] = await t.sql("SELECT status::text, attempts, last_error FROM mail_outbox WHERE id = $1", [failed!.id]);
    expect(row).toEqual({ status: "pending", attempts: 0, last_error: null });
  });
});

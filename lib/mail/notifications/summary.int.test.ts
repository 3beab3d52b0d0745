// The monthly summary over real Postgres and loopback SMTP: opted-in users only, the last period's
// use by feature, once per period however often the run is repeated.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { startTestInbox, type TestInbox } from "@/test/mail/inbox";
import { userWithBalance } from "@/test/metering/fixtures";
import { reserve, settle } from "../../tokens/ledger";
import { deliverPending } from "../outbox";
import { createSmtpSender } from "../smtp";
import { writePreferences } from "./preferences";
import { queueMonthlySummaries } from "./summary";

let t: TestDatabase;
let inbox: TestInbox;
let n = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  inbox = await startTestInbox();
});
afterAll(async () => {
  await inbox?.close();
  await t?.drop();
});

async function use(userId: string, feature: string, cost: bigint) {
  const held = await reserve(t.db, { userId, amount: cost, feature, requestId: `req-${++n}-${userId}`, ttlMs: 60_000 });
  if (!held.ok) throw new Error(held.error.type);
  const settled = await settle(t.db, { reservationId: held.reservation.id, cost });
  if (!settled.ok) throw new Error(settled.error.type);
}

/** A new period starts a minute from now (as the reset or invoice.paid would set it). */
async function startNewPeriod(userId: string): Promise<Date> {
  const start = new Date(Date.now() + 60_000);
  await t.sql("UPDATE user_token_balance SET period_start = $2, next_reset_at = $3 WHERE user_id = $1", [
    userId,
    start,
    new Date(start.getTime() + 30 * 86_400_000),
  ]);
  return start;
}

describe("monthly summary", () => {
  it("goes once per period to users who opted in, with the last period's use by feature", async () => {
    const optedIn = await userWithBalance(t.db, 50_000n, "summary");
    const notOptedIn = await userWithBalance(t.db, 50_000n, "nosummary");
    await writePreferences(t.db, optedIn, { monthly_summary: true });
    for (const userId of [optedIn, notOptedIn]) {
      await use(userId, "chat", 12_000n);
      await use(userId, "chat", 1_000n);
      await use(userId, "meal-analyzer", 3_000n);
    }
    const start = await startNewPeriod(optedIn);
    await startNewPeriod(notOptedIn);
    const at = new Date(start.getTime() + 60_000);

    expect(await queueMonthlySummaries(t.db, at)).toBe(1);
    expect(await queueMonthlySummaries(t.db, at)).toBe(0);
    const rows = await t.sql<{ user_id: string; idempotency_key: string; data: Record<string, unknown> }>(
      "SELECT user_id, idempotency_key, data FROM mail_outbox WHERE template = 'monthly_summary'",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.idempotency_key).toBe(`monthly_summary:${optedIn}:${start.toISOString()}`);
    expect(rows[0]!.data).toMatchObject({
      features: [
        { feature: "chat", tokens: 13 },
        { feature: "meal-analyzer", tokens: 3 },
      ],
      totalTokens: 16,
      availableTokens: 34,
    });

    // Too late for a stale period: nothing (the window is a few days).
    expect(await queueMonthlySummaries(t.db, new Date(start.getTime() + 10 * 86_400_000))).toBe(0);

    const sender = createSmtpSender(inbox.smtpUrl);
    try {
      await deliverPending(t.db, sender, {
        from: "Tollgate <no-reply@tollgate.test>",
        appUrl: "https://tollgate.test",
      });
    } finally {
      sender.close();
    }
    const [user] = await t.sql<{ email: string }>("SELECT email FROM users WHERE id = $1", [optedIn]);
    const mail = await inbox.waitForMail({ to: user!.email, subject: /usage for the period/ });
    expect(mail.text).toContain("chat: 13 tokens");
    expect(mail.text).toContain("34 tokens");
  });
});

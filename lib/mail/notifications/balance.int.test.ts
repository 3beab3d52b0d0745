// The balance mails over real Postgres, the metering wrapper and the loopback SMTP server: low
// balance once per period when a settle leaves the balance below LOW_BALANCE_PERCENT of the
// allowance, "tokens ran out" once per period on a 402, preferences respected, and the one-click
// unsubscribe of the mail's List-Unsubscribe header.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { startTestInbox, type TestInbox } from "@/test/mail/inbox";
import { userWithBalance, wordCostEngine, type WordUsage } from "@/test/metering/fixtures";
import { LedgerPipeline } from "../../tokens/ledger/pipeline";
import { createWithTokens } from "../../tokens/metering/with-tokens";
import { deliverPending } from "../outbox";
import { createSmtpSender } from "../smtp";
import { balanceNotifier, checkLowBalance } from "./balance";
import { readPreferences, writePreferences } from "./preferences";
import { unsubscribeToken, unsubscribeUrlForRow, unsubscribeWithToken } from "./unsubscribe";

const APP_URL = "https://tollgate.test";
const SECRET = "test-secret-test-secret-test-secret-0123";
const PERCENT = 10;
// No subscription: the period's allowance is the free tier's 100 tokens; the line is 10 tokens.
const LINE = 10_000n;
let t: TestDatabase;
let inbox: TestInbox;
let pipeline: LedgerPipeline | undefined;
let signedIn: string | null = null;
const failures: unknown[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  inbox = await startTestInbox();
});
afterAll(async () => {
  await inbox?.close();
  await t?.drop();
});
beforeEach(() => inbox.clear());

const notifier = () =>
  balanceNotifier({ db: () => t.db, percent: () => PERCENT, queued: () => {}, failed: (e) => failures.push(e) });

function route(n = notifier()) {
  const withTokens = createWithTokens<WordUsage>({
    db: () => t.db,
    ledger: () => (pipeline ??= new LedgerPipeline({ pool: t.pool, db: t.db })),
    currentUserId: async () => signedIn,
    pricing: async () => ({ context: { version: 1 }, engine: wordCostEngine }),
    upgradeUrl: "/settings/subscription",
    rateLimit: false,
    onSettled: n.onSettled,
    onRefused: n.onRefused,
  });
  return withTokens(
    "test",
    async ({ meter }) => {
      meter.recordText("test-model", { inputTokens: 3, outputTokens: 7 }); // 73 millitokens
      return { ok: true };
    },
    { input: z.object({ prompt: z.string() }), estimate: () => ({ model: "test-model", worstCase: 100n }) },
  );
}
const call = (handler: (r: Request) => Promise<Response>) =>
  handler(
    new Request("http://localhost/api/ai/test", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "a b c" }),
    }),
  );

const mails = async (userId: string, template: string) =>
  t.sql<{ idempotency_key: string }>("SELECT idempotency_key FROM mail_outbox WHERE user_id = $1 AND template = $2", [
    userId,
    template,
  ]);
async function eventually(check: () => Promise<boolean>, ms = 5_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}
async function deliver() {
  const sender = createSmtpSender(inbox.smtpUrl);
  try {
    return await deliverPending(t.db, sender, {
      from: "Tollgate <no-reply@tollgate.test>",
      appUrl: APP_URL,
      unsubscribeUrl: (row) => unsubscribeUrlForRow(APP_URL, SECRET, row),
    });
  } finally {
    sender.close();
  }
}
const periodStartOf = async (userId: string) =>
  (await t.sql<{ p: Date }>("SELECT period_start AS p FROM user_token_balance WHERE user_id = $1", [userId]))[0]!.p;

describe("low balance", () => {
  it("a settle that crosses the line mails once per period, with one-click unsubscribe headers", async () => {
    const userId = await userWithBalance(t.db, LINE + 50n, "low");
    signedIn = userId;
    const handler = route();
    expect((await call(handler)).status).toBe(200);
    await eventually(async () => (await mails(userId, "low_balance")).length === 1);
    expect((await mails(userId, "low_balance"))[0]!.idempotency_key).toBe(
      `low_balance:${userId}:${(await periodStartOf(userId)).toISOString()}`,
    );
    // Further calls below the line this period: still one mail (a fresh notifier too: the key holds).
    await call(handler);
    await call(route());
    await new Promise((r) => setTimeout(r, 300));
    expect(await mails(userId, "low_balance")).toHaveLength(1);
    expect(failures).toEqual([]);

    await deliver();
    const [user] = await t.sql<{ email: string }>("SELECT email FROM users WHERE id = $1", [userId]);
    const mail = await inbox.waitForMail({ to: user!.email, subject: /below 10 %/ });
    const headers = Object.fromEntries(Object.entries(mail.headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    const url = new URL(/<([^>]+)>/.exec(headers["list-unsubscribe"]!)![1]!);
    expect(url.pathname).toBe("/api/mail/unsubscribe");
    expect(mail.text).toContain(url.toString());

    // The one-click POST's work: the kind is turned off for that user, nothing else.
    expect(await unsubscribeWithToken(t.db, SECRET, url.searchParams.get("token"))).toEqual({
      ok: true,
      kind: "low_balance",
    });
    expect(await readPreferences(t.db, userId)).toEqual({
      low_balance: false,
      tokens_depleted: true,
      monthly_summary: false,
      usage_alert: true,
    });
  });

  it("above the line, or turned off, queues nothing", async () => {
    const rich = await userWithBalance(t.db, LINE, "rich");
    expect(await checkLowBalance(t.db, rich, PERCENT)).toMatchObject({ queued: false, settled: false });
    const off = await userWithBalance(t.db, LINE - 1n, "off");
    await writePreferences(t.db, off, { low_balance: false });
    expect(await checkLowBalance(t.db, off, PERCENT)).toMatchObject({ queued: false, settled: true });
    expect([...(await mails(rich, "low_balance")), ...(await mails(off, "low_balance"))]).toEqual([]);
  });
});

describe("tokens ran out", () => {
  it("a 402 mails once per period; turned off, none", async () => {
    const userId = await userWithBalance(t.db, 0n, "empty");
    signedIn = userId;
    const handler = route();
    expect((await call(handler)).status).toBe(402);
    await eventually(async () => (await mails(userId, "tokens_depleted")).length === 1);
    expect((await call(handler)).status).toBe(402);
    await new Promise((r) => setTimeout(r, 300));
    expect((await mails(userId, "tokens_depleted")).map((m) => m.idempotency_key)).toEqual([
      `tokens_depleted:${userId}:${(await periodStartOf(userId)).toISOString()}`,
    ]);

    const off = await userWithBalance(t.db, 0n, "empty-off");
    await writePreferences(t.db, off, { tokens_depleted: false });
    signedIn = off;
    expect((await call(handler)).status).toBe(402);
    await new Promise((r) => setTimeout(r, 300));
    expect(await mails(off, "tokens_depleted")).toEqual([]);
  });
});

describe("unsubscribe tokens", () => {
  it("are refused when forged, tampered with or signed with another secret", async () => {
    const userId = await userWithBalance(t.db, 0n, "forged");
    const token = unsubscribeToken(SECRET, userId, "low_balance");
    const [payload, mac] = token.split(".");
    const otherKind = unsubscribeToken(SECRET, userId, "tokens_depleted").split(".")[0];
    for (const bad of [
      `${otherKind}.${mac}`,
      `${payload}.${mac!.slice(0, -2)}AA`,
      unsubscribeToken("another-secret-another-secret-another", userId, "low_balance"),
      "garbage",
      "",
      null,
    ]) {
      expect(await unsubscribeWithToken(t.db, SECRET, bad)).toEqual({ ok: false });
    }
    expect((await readPreferences(t.db, userId)).low_balance).toBe(true);
    // Stable: the same user and kind always give the same token.
    expect(unsubscribeToken(SECRET, userId, "low_balance")).toBe(token);
  });
});

// Usage alerts over real Postgres and the real metering wrapper: a settle that takes this period's
// spending across a chosen threshold queues one mail per threshold per period (also when one call
// crosses several, also from a second notifier), on the allowance or on the cap; a settle below the
// next threshold costs no query (the memo); a new period alerts again; the preference turns them
// off and the mail's unsubscribe link names the kind; the form's thresholds are validated.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { userWithBalance, wordCostEngine, type WordUsage } from "@/test/metering/fixtures";
import type { Db } from "../../db/connect";
import { startPeriod } from "../../tokens/ledger";
import { LedgerPipeline } from "../../tokens/ledger/pipeline";
import { createWithTokens } from "../../tokens/metering/with-tokens";
import { setOwnSpendLimit } from "../../tokens/spend-limit";
import { renderMail } from "../render";
import { writePreferences } from "./preferences";
import { unsubscribeUrlForRow } from "./unsubscribe";
import {
  checkUsageAlerts,
  thresholdsSchema,
  usageAlertKey,
  usageAlertNotifier,
  writeUsageAlerts,
} from "./usage-alerts";

let t: TestDatabase;
let pipeline: LedgerPipeline | undefined;
let signedIn: string | null = null;
const failures: unknown[] = [];
let queries = 0;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

/** The test database, counting the notifier's reads (each check reads the settings row first). */
const countingDb = (): Db =>
  new Proxy(t.db, {
    get(target, key) {
      if (key === "usageAlertSettings") queries++;
      const value = Reflect.get(target, key) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });

function route(notifier = usageAlertNotifier({ db: countingDb, queued: () => {}, failed: (e) => failures.push(e) })) {
  const withTokens = createWithTokens<WordUsage>({
    db: () => t.db,
    ledger: () => (pipeline ??= new LedgerPipeline({ pool: t.pool, db: t.db })),
    currentUserId: async () => signedIn,
    pricing: async () => ({ context: { version: 1 }, engine: wordCostEngine }),
    upgradeUrl: "/settings/subscription",
    rateLimit: false,
    onSettled: notifier.onSettled,
  });
  // Costs 10 × output tokens (millitokens): { output: 1000 } = 10 tokens.
  return withTokens(
    "test",
    async ({ input, meter }) => {
      meter.recordText("test-model", { inputTokens: 0, outputTokens: input.output });
      return { ok: true };
    },
    {
      input: z.object({ output: z.number().int().positive() }),
      estimate: (input) => ({ model: "test-model", worstCase: 10n * BigInt(input.output) }),
    },
  );
}
const call = (handler: (r: Request) => Promise<Response>, output: number) =>
  handler(
    new Request("http://localhost/api/ai/test", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ output }),
    }),
  );

const alertKeys = async (userId: string) =>
  (
    await t.sql<{ idempotency_key: string }>(
      "SELECT idempotency_key FROM mail_outbox WHERE user_id = $1 AND template = 'usage_alert' ORDER BY (data->>'percent')::int, created_at",
      [userId],
    )
  ).map((row) => row.idempotency_key);
async function eventually(check: () => Promise<boolean>, ms = 5_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}
const settle = () => new Promise((r) => setTimeout(r, 300));
const periodStartOf = async (userId: string) =>
  (await t.db.userTokenBalance.findUniqueOrThrow({ where: { userId } })).periodStart;

/** A user with 1,000 purchased tokens on the free tier (its allowance per period: 100 tokens). */
const user = (prefix: string) => userWithBalance(t.db, 1_000_000n, prefix);

describe("usage alerts on the allowance", () => {
  it("one call crossing 50 and 80 queues both mails once; below the next threshold costs no query; 100 later", async () => {
    const userId = await user("alerts");
    signedIn = userId;
    await writeUsageAlerts(t.db, userId, { thresholds: [50, 80, 100], basis: "allowance" });
    const handler = route();
    const start = (await periodStartOf(userId)).toISOString();

    expect((await call(handler, 4_000)).status).toBe(200); // 40 tokens of the free tier's 100: none
    await settle();
    expect(await alertKeys(userId)).toEqual([]);

    expect((await call(handler, 4_500)).status).toBe(200); // 85: crosses 50 and 80 at once
    await eventually(async () => (await alertKeys(userId)).length === 2);
    expect(await alertKeys(userId)).toEqual([`usage_alert:${userId}:${start}:50`, `usage_alert:${userId}:${start}:80`]);

    const before = queries;
    expect((await call(handler, 100)).status).toBe(200); // 86: below 100, the memo answers
    await settle();
    expect(queries).toBe(before);

    // A second notifier (another instance) checks too, and queues nothing twice.
    expect((await call(route(), 100)).status).toBe(200);
    await settle();
    expect(await alertKeys(userId)).toHaveLength(2);

    expect((await call(handler, 1_500)).status).toBe(200); // 102
    await eventually(async () => (await alertKeys(userId)).length === 3);
    expect(await alertKeys(userId)).toContain(usageAlertKey(userId, new Date(start), 100));
    await call(handler, 100);
    await settle();
    expect(await alertKeys(userId)).toHaveLength(3);
    expect(failures).toEqual([]);

    // The mail itself: its data, its text, and its unsubscribe link names the usage_alert kind.
    const [row] = await t.sql<{ data: unknown; user_id: string; template: string }>(
      "SELECT data, user_id, template FROM mail_outbox WHERE idempotency_key = $1",
      [`usage_alert:${userId}:${start}:80`],
    );
    expect(row!.data).toMatchObject({ percent: 80, basis: "allowance", spent: 85, of: 100 });
    const mail = await renderMail("usage_alert", row!.data as never, {
      appUrl: "https://tollgate.test",
      locale: "en",
      timeZone: "UTC",
    });
    expect(mail.subject).toBe("You have used 80 % of your allowance at Tollgate");
    expect(mail.text).toContain("You have spent 85 tokens this period: 80 % or more of your allowance of 100 tokens.");
    const url = unsubscribeUrlForRow("https://tollgate.test", "s".repeat(40), {
      userId: row!.user_id,
      template: row!.template,
    });
    expect(url).toMatch(/\/api\/mail\/unsubscribe\?token=/);
  });

  it("a new period alerts again, under its own keys", async () => {
    const userId = await user("alerts-period");
    signedIn = userId;
    await writeUsageAlerts(t.db, userId, { thresholds: [50], basis: "allowance" });
    const handler = route();
    await call(handler, 6_000);
    await eventually(async () => (await alertKeys(userId)).length === 1);
    const periodStart = new Date((await periodStartOf(userId)).getTime() + 86_400_000);
    const started = await startPeriod(t.db, {
      userId,
      periodStart,
      periodEnd: new Date(periodStart.getTime() + 30 * 86_400_000),
      allowance: 100_000n,
    });
    expect(started.ok).toBe(true);
    await call(handler, 1_000); // 10 of the new period: the spend went down, the memo is not trusted
    await settle();
    expect(await alertKeys(userId)).toHaveLength(1);
    await call(handler, 5_000); // 60
    await eventually(async () => (await alertKeys(userId)).length === 2);
    expect(await alertKeys(userId)).toContain(usageAlertKey(userId, periodStart, 50));
  });
});

describe("usage alerts on the cap, and when they are not sent", () => {
  it("counts against the cap when that is the basis; without a cap, nothing", async () => {
    const userId = await user("alerts-cap");
    await writeUsageAlerts(t.db, userId, { thresholds: [25, 50], basis: "cap" });
    const charge = async (output: number) => {
      signedIn = userId;
      expect((await call(route(), output)).status).toBe(200);
    };
    await charge(3_000); // 30 tokens, no cap yet
    expect(await checkUsageAlerts(t.db, userId)).toMatchObject({ queued: [], nextAt: null });
    await setOwnSpendLimit(t.db, userId, 100_000n); // 100 tokens: 30 % spent
    expect(await checkUsageAlerts(t.db, userId)).toMatchObject({ queued: [25], nextAt: 50_000n });
    await charge(2_000); // 50
    await eventually(async () => (await alertKeys(userId)).length === 2);
    const [row] = await t.sql<{ data: { basis: string; of: number } }>(
      "SELECT data FROM mail_outbox WHERE user_id = $1 AND template = 'usage_alert' AND data->>'percent' = '50'",
      [userId],
    );
    expect(row!.data).toMatchObject({ basis: "cap", of: 100, percent: 50 });
  });

  it("turned off in the notification settings, or with no thresholds, queues nothing", async () => {
    const off = await user("alerts-off");
    await writeUsageAlerts(t.db, off, { thresholds: [10], basis: "allowance" });
    await writePreferences(t.db, off, { usage_alert: false });
    const none = await user("alerts-none");
    for (const userId of [off, none]) {
      signedIn = userId;
      await call(route(), 5_000);
    }
    await settle();
    expect([...(await alertKeys(off)), ...(await alertKeys(none))]).toEqual([]);
  });
});

describe("thresholdsSchema", () => {
  it("reads '50, 80, 100' (any separators, repeats dropped, sorted) and refuses anything else", () => {
    expect(thresholdsSchema.parse("80, 50;100 50")).toEqual([50, 80, 100]);
    expect(thresholdsSchema.parse("  ")).toEqual([]);
    for (const bad of ["0", "101", "12.5", "-5", "50%", "abc", "1,2,3,4,5,6", "1".repeat(101)])
      expect(thresholdsSchema.safeParse(bad).success, bad).toBe(false);
  });
});

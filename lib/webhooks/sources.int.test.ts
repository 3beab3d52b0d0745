// The events fired by the real code paths, received by the loopback receiver and checked against
// their schemas: `period.started` from sign-up, from Stripe's invoice.paid (the simulator's signed
// webhook through the production webhook code) and from the reset cron's set-based batches;
// `tokens.low`, `tokens.depleted` and `spend_limit.reached` from the metering wrapper's listeners — once per period each,
// whatever the user's mail preferences.
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { billingTestHarness } from "@/test/billing/harness";
import { userWithBalance, wordCostEngine, type WordUsage } from "@/test/metering/fixtures";
import { startWebhookReceiver, type WebhookReceiver } from "@/test/webhooks/receiver";
import { balanceNotifier } from "../mail/notifications/balance";
import { writePreferences } from "../mail/notifications/preferences";
import { LedgerPipeline } from "../tokens/ledger/pipeline";
import { setOwnSpendLimit } from "../tokens/spend-limit";
import { createWithTokens } from "../tokens/metering/with-tokens";
import { resetMonthlyTokens } from "../tokens/reset/monthly-reset";
import { deliverDueWebhooks } from "./deliver";
import { createEndpoint } from "./endpoints";
import { parseWebhookPayload, WEBHOOK_EVENT_TYPES, type WebhookPayload } from "./events";
import { emitSpendLimitReached } from "./spend-limit-reached";

const h = billingTestHarness();
let receiver: WebhookReceiver;
let pipeline: LedgerPipeline | undefined;
let signedIn: string | null = null;

beforeEach(async () => {
  receiver ??= await startWebhookReceiver();
  receiver.clear();
  await h.t.sql("DELETE FROM webhook_endpoints");
  await h.t.sql("DELETE FROM webhook_events");
  const created = await createEndpoint(
    h.t.db,
    { url: receiver.url, eventTypes: [...WEBHOOK_EVENT_TYPES] },
    { adminId: "admin", allowPrivate: true },
  );
  if (!created.ok) throw new Error(created.message);
  receiver.secrets = [created.secret];
});

/** Delivers everything due and returns the verified payloads received so far. */
async function received(type?: string): Promise<WebhookPayload[]> {
  await deliverDueWebhooks(h.t.db, { allowPrivate: true, limit: 500 });
  expect(receiver.messages.every((m) => m.verified)).toBe(true);
  return receiver
    .delivered()
    .map((m) => parseWebhookPayload(m.body))
    .filter((p) => !type || p.type === type);
}

const forUser = (payloads: WebhookPayload[], userId: string) =>
  payloads.filter((p) => (p.data as { userId?: string }).userId === userId);

describe("period.started", () => {
  it("fires at sign-up (free) and on invoice.paid (paid, the plan's allowance), once per period", async () => {
    const user = await h.newUser("hooks");
    const balance = await h.buckets(user.id);
    const [signup] = forUser(await received("period.started"), user.id);
    expect(signup).toMatchObject({
      type: "period.started",
      data: {
        userId: user.id,
        plan: "free",
        planId: null,
        periodStart: balance.periodStart.toISOString(),
        periodEnd: balance.nextResetAt.toISOString(),
        allowanceMillitokens: balance.allowance.toString(),
        expiredMillitokens: "0",
        purchasedMillitokens: "0",
      },
    });

    await h.subscribe(user, "pro");
    const paid = await h.buckets(user.id);
    const events = forUser(await received("period.started"), user.id);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      data: {
        plan: "paid",
        planId: "pro",
        periodStart: paid.periodStart.toISOString(),
        periodEnd: paid.nextResetAt.toISOString(),
        allowanceMillitokens: "3000000",
        expiredMillitokens: balance.allowance.toString(),
      },
    });

    // Stripe delivers invoice.paid again: the period is not started twice, nor is its event.
    const invoicePaid = [...h.sim.events].reverse().find((e) => e.type === "invoice.paid")!;
    await h.deliver(invoicePaid);
    expect(forUser(await received("period.started"), user.id)).toHaveLength(2);
  });

  it("fires for each account the reset cron starts, in the batch's transaction, and not on a rerun", async () => {
    const signedUp = new Date(Date.now() - 40 * 86_400_000);
    const users = await Promise.all([1, 2, 3].map((i) => h.newUser(`reset-${i}`, signedUp)));
    receiver.clear();
    await h.t.sql("DELETE FROM webhook_events");
    const summary = await resetMonthlyTokens(h.t.db, { connectionString: h.t.directUrl }, { batchSize: 2 });
    expect(summary.periodsStarted).toBeGreaterThanOrEqual(3);
    const events = await received("period.started");
    expect(events).toHaveLength(summary.periodsStarted);
    for (const user of users) {
      const balance = await h.buckets(user.id);
      expect(forUser(events, user.id)).toEqual([
        expect.objectContaining({
          data: expect.objectContaining({
            plan: "free",
            periodStart: balance.periodStart.toISOString(),
            periodEnd: balance.nextResetAt.toISOString(),
          }),
        }),
      ]);
    }
    const rerun = await resetMonthlyTokens(h.t.db, { connectionString: h.t.directUrl });
    expect(rerun.periodsStarted).toBe(0);
    expect(await received("period.started")).toHaveLength(summary.periodsStarted);
  });

  it("the trigger's payload is exactly the schema's (no field more or less)", async () => {
    const user = await h.newUser("shape");
    const [event] = forUser(await received("period.started"), user.id);
    const raw = JSON.parse(receiver.delivered().at(-1)!.body) as { data: object };
    expect(Object.keys(raw.data).sort()).toEqual(Object.keys(event!.data).sort());
    expect(Object.keys(raw).sort()).toEqual(["data", "timestamp", "type"]);
  });
});

describe("tokens.low and tokens.depleted from metered calls", () => {
  const LINE = 10_000n; // 10 % of the free tier's 100 tokens
  const notifier = () =>
    balanceNotifier({
      db: () => h.t.db,
      percent: () => 10,
      queued: () => {},
      failed: (e) => {
        throw e;
      },
    });
  const route = () => {
    const n = notifier();
    const withTokens = createWithTokens<WordUsage>({
      db: () => h.t.db,
      ledger: () => (pipeline ??= new LedgerPipeline({ pool: h.t.pool, db: h.t.db })),
      currentUserId: async () => signedIn,
      pricing: async () => ({ context: { version: 1 }, engine: wordCostEngine }),
      upgradeUrl: "/settings/subscription",
      rateLimit: false,
      onSettled: n.onSettled,
      onRefused: n.onRefused,
      onSpendLimitReached: (event) => void emitSpendLimitReached(h.t.db, event),
    });
    return withTokens(
      "test",
      async ({ meter }) => {
        meter.recordText("test-model", { inputTokens: 3, outputTokens: 7 }); // 73 millitokens
        return { ok: true };
      },
      { input: z.object({ prompt: z.string() }), estimate: () => ({ model: "test-model", worstCase: 100n }) },
    );
  };
  const call = (handler: (r: Request) => Promise<Response>) =>
    handler(
      new Request("http://localhost/api/ai/test", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ prompt: "a b c" }),
      }),
    );
  async function eventually<T>(read: () => Promise<T[]>, n: number): Promise<T[]> {
    const end = Date.now() + 5_000;
    for (;;) {
      const found = await read();
      if (found.length >= n || Date.now() > end) return found;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it("tokens.low: once per period when a settle crosses the line, even with the low-balance mail turned off", async () => {
    const userId = await userWithBalance(h.t.db, LINE + 50n, "hook-low");
    await writePreferences(h.t.db, userId, { low_balance: false });
    signedIn = userId;
    const handler = route();
    expect((await call(handler)).status).toBe(200);
    const [event] = await eventually(async () => forUser(await received("tokens.low"), userId), 1);
    const [balance] = await h.t.sql<{ period_start: Date; next_reset_at: Date }>(
      "SELECT period_start, next_reset_at FROM user_token_balance WHERE user_id = $1",
      [userId],
    );
    expect(event).toMatchObject({
      data: {
        userId,
        availableMillitokens: String(LINE + 50n - 73n),
        thresholdPercent: 10,
        periodStart: balance!.period_start.toISOString(),
        periodEnd: balance!.next_reset_at.toISOString(),
      },
    });
    await call(handler);
    await call(route()); // a fresh notifier (another instance): the key still holds
    await new Promise((r) => setTimeout(r, 300));
    expect(forUser(await received("tokens.low"), userId)).toHaveLength(1);
    expect(await h.t.sql("SELECT 1 FROM mail_outbox WHERE user_id = $1", [userId])).toEqual([]);
  });

  it("tokens.depleted: once per period on a 402, even with the mail turned off", async () => {
    const userId = await userWithBalance(h.t.db, 0n, "hook-empty");
    await writePreferences(h.t.db, userId, { tokens_depleted: false });
    signedIn = userId;
    const handler = route();
    expect((await call(handler)).status).toBe(402);
    const [event] = await eventually(async () => forUser(await received("tokens.depleted"), userId), 1);
    expect(event).toMatchObject({ type: "tokens.depleted", data: { userId, availableMillitokens: "0" } });
    expect((await call(handler)).status).toBe(402);
    await new Promise((r) => setTimeout(r, 300));
    expect(forUser(await received("tokens.depleted"), userId)).toHaveLength(1);
  });

  it("spend_limit.reached: once per period when the cap refuses calls, with the cap and what is spent", async () => {
    const userId = await userWithBalance(h.t.db, 10_000n, "hook-cap");
    expect(await setOwnSpendLimit(h.t.db, userId, 150n)).toMatchObject({ ok: true });
    signedIn = userId;
    const handler = route();
    expect((await call(handler)).status).toBe(200); // 73 charged; 73 + 100 would pass 150
    const refused = await Promise.all([call(handler), call(handler), call(handler)]);
    expect(refused.map((r) => r.status)).toEqual([402, 402, 402]);
    expect(((await refused[0]!.json()) as { error: string }).error).toBe("spend_limit_reached");
    const [event] = await eventually(async () => forUser(await received("spend_limit.reached"), userId), 1);
    const [balance] = await h.t.sql<{ period_start: Date; next_reset_at: Date }>(
      "SELECT period_start, next_reset_at FROM user_token_balance WHERE user_id = $1",
      [userId],
    );
    expect(event).toMatchObject({
      type: "spend_limit.reached",
      data: {
        userId,
        limitMillitokens: "150",
        spentMillitokens: "73",
        heldMillitokens: "0",
        periodStart: balance!.period_start.toISOString(),
        periodEnd: balance!.next_reset_at.toISOString(),
      },
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(forUser(await received("spend_limit.reached"), userId)).toHaveLength(1);
  });
});

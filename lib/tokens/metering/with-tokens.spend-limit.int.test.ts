// The spend limit through the real metering wrapper over real Postgres: a call whose worst case
// would pass the cap gets 402 spend_limit_reached (the house's error contract: cap, spent, held,
// required in tokens, and where to change the cap), nothing is held and the handler never runs;
// 50 metered calls at once against a cap that fits only some never charge or hold past it; the
// onSpendLimitReached listener hears every refusal and only those; a settle tells onSettled the count.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { balanceOf, userWithBalance, wordCostEngine, type WordUsage } from "@/test/metering/fixtures";
import { verifyLedger } from "../ledger";
import { LedgerPipeline } from "../ledger/pipeline";
import { readSpendLimit, setAdminSpendLimit, setOwnSpendLimit } from "../spend-limit";
import { createWithTokens } from "./with-tokens";
import type { BalanceEvent, SpendLimitEvent } from "./types";

let t: TestDatabase;
let pipeline: LedgerPipeline | undefined;
let signedIn: string | null = null;
const refusals: SpendLimitEvent[] = [];
const settles: BalanceEvent[] = [];
let handlerRuns = 0;

beforeAll(async () => {
  t = await createTestDatabase({ poolMax: 30 });
});
afterAll(async () => {
  await t?.drop();
});

const withTokens = createWithTokens<WordUsage>({
  db: () => t.db,
  ledger: () => (pipeline ??= new LedgerPipeline({ pool: t.pool, db: t.db })),
  currentUserId: async () => signedIn,
  pricing: async () => ({ context: { version: 1 }, engine: wordCostEngine }),
  upgradeUrl: "/settings/subscription",
  limitsUrl: "/settings/limits",
  rateLimit: false,
  onSpendLimitReached: (event) => refusals.push(event),
  onSettled: (event) => settles.push(event),
});

const input = z.object({ outputTokens: z.number().int().positive(), pauseMs: z.number().int().default(0) });
/** Worst case 1,000 millitokens (1 token); the call costs 10 × outputTokens. */
const route = withTokens(
  "capped",
  async ({ input: i, meter }) => {
    handlerRuns++;
    if (i.pauseMs) await new Promise((resolve) => setTimeout(resolve, i.pauseMs));
    meter.recordText("test-model", { inputTokens: 0, outputTokens: i.outputTokens });
    return { ok: true };
  },
  { input, estimate: () => ({ model: "test-model", inputTokens: 0, worstCase: 1_000n }) },
);

const post = (body: unknown) =>
  new Request("http://localhost/api/ai/capped", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("withTokens and the spend limit", () => {
  it("answers 402 spend_limit_reached with the cap, what counts against it and where to change it; holds nothing", async () => {
    signedIn = await userWithBalance(t.db, 1_000_000n, "cap");
    await setOwnSpendLimit(t.db, signedIn, 2_500n); // 2.5 tokens
    expect((await route(post({ outputTokens: 100 }))).status).toBe(200); // charged 1,000
    expect(settles.at(-1)).toEqual({ userId: signedIn, remaining: 999_000n, spend: { cap: 2_500n, spent: 1_000n } });
    expect((await route(post({ outputTokens: 100 }))).status).toBe(200); // 2,000 spent, 500 of room
    const runs = handlerRuns;

    const response = await route(post({ outputTokens: 1 }));
    expect(response.status).toBe(402);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("x-tokens-remaining")).toBe("998"); // what the balance holds: not the refusal's reason
    expect(await response.json()).toEqual({
      error: "spend_limit_reached",
      message: expect.stringMatching(/limit of 2\.5 tokens/),
      cap: 2.5,
      spent: 2,
      held: 0,
      required: 1,
      limitsUrl: "/settings/limits",
    });
    expect(handlerRuns).toBe(runs);
    expect(await balanceOf(t.db, signedIn)).toEqual({ available: 998_000n, reserved: 0n });
    expect(await t.db.tokenReservation.count({ where: { userId: signedIn } })).toBe(2);
    expect(refusals).toEqual([
      { userId: signedIn, feature: "capped", cap: 2_500n, spent: 2_000n, held: 0n, required: 1_000n },
    ]);
  });

  it("an admin's cap refuses the same way; the insufficient-tokens 402 is unchanged", async () => {
    const admin = (await t.db.user.create({ data: { email: `admin-${Date.now()}@example.com`, role: "admin" } })).id;
    signedIn = await userWithBalance(t.db, 1_000_000n, "cap-admin");
    await setAdminSpendLimit(t.db, { userId: signedIn, adminId: admin, cap: 999n });
    const capped = await route(post({ outputTokens: 1 }));
    expect([capped.status, (await capped.json()).error]).toEqual([402, "spend_limit_reached"]);

    signedIn = await userWithBalance(t.db, 500n, "cap-poor"); // no cap, not enough tokens
    const poor = await route(post({ outputTokens: 1 }));
    expect(await poor.json()).toEqual({
      error: "insufficient_tokens",
      required: 1,
      available: 0.5,
      upgradeUrl: "/settings/subscription",
    });
  });

  it("50 metered calls at once against a cap that fits 10 worst cases: never charged or held past the cap", async () => {
    const userId = await userWithBalance(t.db, 10_000_000n, "cap-storm");
    signedIn = userId;
    await setOwnSpendLimit(t.db, userId, 10_000n);
    refusals.length = 0;
    // Each call holds 1,000 and is charged 700 while the others arrive.
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => route(post({ outputTokens: 70, pauseMs: 50 }))),
    );
    const statuses = responses.map((r) => r.status);
    const ok = statuses.filter((s) => s === 200).length;
    const refused = await Promise.all(responses.filter((r) => r.status !== 200).map((r) => r.json()));
    expect(ok + refused.length).toBe(50);
    for (const body of refused) expect(body.error).toBe("spend_limit_reached");
    expect(refusals).toHaveLength(refused.length);
    // Never past the cap: what was charged is what was allowed, and nothing is left held.
    const limit = (await readSpendLimit(t.db, userId))!;
    expect(limit.held).toBe(0n);
    expect(limit.spent).toBe(BigInt(ok) * 700n);
    expect(limit.spent).toBeLessThanOrEqual(10_000n);
    expect(ok).toBeGreaterThanOrEqual(10); // at least the first 10 worst cases fit
    expect(ok).toBeLessThanOrEqual(14); // 14 × 700 = 9,800 is the most that can ever be charged
    expect(await balanceOf(t.db, userId)).toEqual({ available: 10_000_000n - limit.spent, reserved: 0n });
    expect((await verifyLedger(t.db, { userIds: [userId] })).mismatches).toEqual([]);
  }, 60_000);
});

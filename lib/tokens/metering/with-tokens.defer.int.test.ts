// withTokens' deferred settlement (ctx.defer()) over real Postgres, with a hand-checkable cost engine
// (1 µ$ per input token, 10 µ$ per output token): the hold outlives the response and is settled
// later, once, exactly — or released, or settled from what is available after the sweep expired it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { adjust, grant, openAccount, sweepExpiredReservations, verifyLedger } from "../ledger";
import { LedgerPipeline } from "../ledger/pipeline";
import type { CostEngine } from "./meter";
import { createWithTokens, type DeferredSettlement } from "./with-tokens";

type Usage = { inputTokens: number; outputTokens: number };
const engine: CostEngine<Usage> = {
  costOf: (_model, usage) => BigInt(usage.inputTokens) + 10n * BigInt(usage.outputTokens),
  countTokens: (_model, text) => text.split(" ").length,
  textUsage: ({ inputTokens, outputTokens }) => ({ inputTokens, outputTokens }),
  breakdown: (model, usage, cost) => ({
    model,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    costMicroUsd: Number(cost),
  }),
};

let t: TestDatabase;
let pipeline: LedgerPipeline | undefined;
let signedIn: string | null = null;
let users = 0;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

async function userWith(millitokens: bigint): Promise<string> {
  const id = await t.db.$transaction(async (tx) => {
    const user = await tx.user.create({ data: { email: `defer-${++users}@example.com` } });
    await openAccount(tx, { userId: user.id, now: new Date(), freeTierMillitokens: 1n, pricingVersion: 1 });
    await adjust(tx, {
      userId: user.id,
      amount: -1n,
      reason: "test set-up",
      actorId: "test",
      idempotencyKey: `setup:${user.id}`,
    });
    return user.id;
  });
  await grant(t.db, {
    userId: id,
    bucket: "purchased",
    kind: "grant_pack",
    amount: millitokens,
    idempotencyKey: `pack:${id}`,
  });
  signedIn = id;
  return id;
}

const balanceOf = async (userId: string) => {
  const row = await t.db.userTokenBalance.findUniqueOrThrow({ where: { userId } });
  return { available: row.allowance + row.purchased - row.reserved, reserved: row.reserved };
};

const withTokens = createWithTokens<Usage>({
  db: () => t.db,
  ledger: () => (pipeline ??= new LedgerPipeline({ pool: t.pool, db: t.db })),
  currentUserId: async () => signedIn,
  pricing: async () => ({ context: { version: 1 }, engine }),
  upgradeUrl: "/settings/subscription",
  rateLimit: false,
});

/** A route that defers, and hands its settlement handle to the test (as a session manager would keep it). */
function deferringRoute(ttlMs = 60_000) {
  const handles: DeferredSettlement<Usage>[] = [];
  const route = withTokens(
    "deferred",
    async ({ defer }) => {
      const handle = defer();
      handles.push(handle);
      return { session: handle.requestId, held: Number(handle.held) };
    },
    {
      input: z.object({ seconds: z.number().int().positive() }),
      estimate: ({ seconds }) => ({ model: "m", worstCase: BigInt(seconds) * 100n }),
      ttlMs,
    },
  );
  const post = (seconds: number) =>
    route(
      new Request("http://localhost/x", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ seconds }),
      }),
    );
  return { post, handles };
}

describe("withTokens: defer()", () => {
  it("answers with the hold still in place, then settles exactly what was recorded after the response, once", async () => {
    const userId = await userWith(10_000n);
    const { post, handles } = deferringRoute();
    const response = await post(30);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ held: 3_000, tokens: { charged: 0, remaining: 7 } });
    expect(await balanceOf(userId)).toEqual({ available: 7_000n, reserved: 3_000n });
    expect(await t.db.tokenTransaction.count({ where: { userId, kind: "consume" } })).toBe(0);

    const [handle] = handles;
    handle!.meter.record("m", { inputTokens: 200, outputTokens: 50 }); // 700 µ$
    const [first, second] = await Promise.all([handle!.settle(), handle!.settle()]);
    expect(first).toEqual({ charged: 700n, remaining: 9_300n });
    expect(second).toEqual(first);
    expect(await handle!.settle()).toEqual(first);
    expect(await balanceOf(userId)).toEqual({ available: 9_300n, reserved: 0n });
    const rows = await t.db.tokenTransaction.findMany({ where: { userId, kind: "consume" } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ costMicroUsd: 700n, feature: "deferred", sourceRef: handle!.requestId });
    expect((await verifyLedger(t.db, { userIds: [userId] })).mismatches).toEqual([]);
  });

  it("releases the whole hold when nothing was recorded", async () => {
    const userId = await userWith(5_000n);
    const { post, handles } = deferringRoute();
    await post(10);
    expect(await handles[0]!.settle()).toEqual({ charged: 0n, remaining: 5_000n });
    expect(await balanceOf(userId)).toEqual({ available: 5_000n, reserved: 0n });
  });

  it("still answers 402 before deferring anything when the worst case does not fit", async () => {
    const userId = await userWith(999n);
    const { post, handles } = deferringRoute();
    const response = await post(10);
    expect(response.status).toBe(402);
    expect(handles).toHaveLength(0);
    expect(await balanceOf(userId)).toEqual({ available: 999n, reserved: 0n });
  });

  it("settles after the sweep expired the hold, from what is available then", async () => {
    const userId = await userWith(5_000n);
    const { post, handles } = deferringRoute(1);
    await post(20);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const swept = await sweepExpiredReservations(t.db, new Date(), { userId });
    expect(swept.expired).toBeGreaterThanOrEqual(1);
    expect(await balanceOf(userId)).toEqual({ available: 5_000n, reserved: 0n });
    handles[0]!.meter.record("m", { inputTokens: 100, outputTokens: 10 }); // 200 µ$
    expect(await handles[0]!.settle()).toEqual({ charged: 200n, remaining: 4_800n });
    expect((await verifyLedger(t.db, { userIds: [userId] })).mismatches).toEqual([]);
  });
});

// The settle alone, with a fake ledger: once per request whoever asks, retried while the database is
// unreachable (the same settle every time), PENDING for a caller past the wait while it goes on, a
// release when nothing was recorded. Over real Postgres and a real outage: with-tokens.outage.int.test.ts.
import { describe, expect, it } from "vitest";
import type { HotLedger } from "../ledger";
import type { Held } from "./hold";
import { Meter, type CostEngine } from "./meter";
import { settlement } from "./settle";
import { PENDING } from "./settle-retry";

type Usage = { inputTokens: number; outputTokens: number };
const engine: CostEngine<Usage> = {
  costOf: (_model, usage) => BigInt(usage.inputTokens) + 10n * BigInt(usage.outputTokens),
  countTokens: () => 0,
  textUsage: ({ inputTokens, outputTokens }) => ({ inputTokens, outputTokens }),
  breakdown: (model, usage, cost) => ({ model, ...usage, costMicroUsd: Number(cost) }),
};
const held = {
  ok: true,
  reservation: { id: "res-1", amount: 300n, expiresAt: new Date(0) },
  duplicate: false,
  available: 700n,
} as unknown as Held;
const down = () => Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });

function setup(ledger: Partial<HotLedger>, waitMs = 1_000) {
  const meter = new Meter<Usage>("req-1", engine, null);
  const logged: string[] = [];
  const s = settlement({
    ledger: ledger as HotLedger,
    meter,
    held,
    pricingVersion: 3,
    retry: { waitMs, firstDelayMs: 1, maxDelayMs: 2 },
    log: (event) => void logged.push(event),
    feature: "test",
    userId: "user-1",
  });
  return { s, meter, logged };
}

const settled = (charged: bigint, available: bigint, shortfall = 0n) => ({
  ok: true,
  charged,
  shortfall,
  balance: { available },
  row: {},
  duplicate: false,
});

describe("settlement", () => {
  it("settles the recorded cost once, whoever asks, with the pricing version and the merged usage", async () => {
    const calls: unknown[] = [];
    const { s, meter } = setup({ settle: async (input) => (calls.push(input), settled(73n, 927n) as never) });
    meter.record("m", { inputTokens: 3, outputTokens: 7 });
    const results = await Promise.all([s.finish(), s.finishWithin(), s.finish()]);
    s.finishInBackground();
    expect(results).toEqual([
      { charged: 73n, remaining: 927n },
      { charged: 73n, remaining: 927n },
      { charged: 73n, remaining: 927n },
    ]);
    expect(calls).toEqual([
      {
        reservationId: "res-1",
        userId: "user-1",
        cost: 73n,
        usage: { model: "m", inputTokens: 3, outputTokens: 7, costMicroUsd: 73 },
        pricingVersion: 3,
        // The reservation as held: a hold lost in a database crash is still charged.
        held: { id: "res-1", amount: 300n, expiresAt: new Date(0) },
      },
    ]);
  });

  it("retries the same settle while the database is unreachable, until it lands", async () => {
    const costs: bigint[] = [];
    const { s, meter, logged } = setup({
      settle: async ({ cost }) => {
        costs.push(cost);
        if (costs.length < 3) throw down();
        return settled(cost, 100n) as never;
      },
    });
    meter.record("m", { inputTokens: 1, outputTokens: 1 });
    const first = s.finish();
    meter.record("m", { inputTokens: 1, outputTokens: 1 }); // recorded after settling started: not charged
    expect(await first).toEqual({ charged: 11n, remaining: 100n });
    expect(costs).toEqual([11n, 11n, 11n]);
    expect(logged).toEqual(["settle_retry", "settle_retry"]);
  });

  it("answers PENDING past the wait while the settle goes on, and lands later", async () => {
    let up = false;
    const { s, meter } = setup(
      {
        settle: async () => {
          if (!up) throw down();
          return settled(11n, 989n) as never;
        },
      },
      30,
    );
    meter.record("m", { inputTokens: 1, outputTokens: 1 });
    expect(await s.finishWithin()).toBe(PENDING);
    up = true;
    expect(await s.finish()).toEqual({ charged: 11n, remaining: 989n });
  });

  it("releases the hold when nothing was recorded; without a balance back, the hold is counted as returned", async () => {
    const released: unknown[] = [];
    const { s } = setup({
      release: async (input) => (released.push(input), { ok: true, released: true, balance: null }) as never,
    });
    expect(await s.finish()).toEqual({ charged: 0n, remaining: 1_000n });
    expect(released).toEqual([{ reservationId: "res-1", userId: "user-1" }]);
  });

  it("throws a settle the ledger refuses, and logs a shortfall", async () => {
    const refused = setup({ settle: async () => ({ ok: false, error: { type: "ReservationNotFound" } }) as never });
    refused.meter.record("m", { inputTokens: 1, outputTokens: 0 });
    await expect(refused.s.finish()).rejects.toThrow("settling test request req-1 failed: ReservationNotFound");
    const short = setup({ settle: async () => settled(1n, 0n, 4n) as never });
    short.meter.record("m", { inputTokens: 5, outputTokens: 0 });
    await short.s.finish();
    expect(short.logged).toEqual(["shortfall"]);
  });
});

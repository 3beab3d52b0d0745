// The hold alone, with a fake ledger: what is reserved (the estimate's worst case, at least 1
// millitoken, for the route's time to live), and that every refusal — and an estimate that throws —
// frees the Idempotency-Key, while an unreachable database is thrown on with the key kept for the
// wrapper's 503. The 402 after the sweep, over real Postgres: with-tokens.int.test.ts.
import { describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import type { HotLedger, ReserveInput } from "../ledger";
import { BadRequestError } from "./errors";
import { DEFAULT_HOLD_TTL_MS, holdWorstCase } from "./hold";
import type { CostEngine } from "./meter";
import type { Estimate, WithTokensOptions } from "./types";

const engine = {} as CostEngine<unknown>;
const reservation = { id: "res-1", amount: 1n, expiresAt: new Date(0) };

function setup(
  reserve: (input: ReserveInput) => unknown,
  estimate: () => Estimate | Promise<Estimate>,
  ttlMs?: number,
) {
  const reserved: ReserveInput[] = [];
  const logged: string[] = [];
  let forgotten = 0;
  const ledger = {
    reserve: async (input: ReserveInput) => (reserved.push(input), reserve(input)),
  } as unknown as HotLedger;
  const run = () =>
    holdWorstCase(
      { feature: "test", userId: "user-1", input: {} },
      {
        db: {} as Db,
        ledger,
        config: { pricing: async () => ({ context: { version: 7 }, engine }), upgradeUrl: "/up" },
        options: { estimate, ttlMs } as WithTokensOptions<object, unknown>,
        log: (event) => void logged.push(event),
      },
      async () => void forgotten++,
    );
  return { run, reserved, logged, forgotten: () => forgotten };
}

describe("holdWorstCase", () => {
  it("reserves the worst case under a new request id, with the pricing version and the default time to live", async () => {
    const { run, reserved, forgotten } = setup(
      () => ({ ok: true, reservation, duplicate: false, available: 9n }),
      () => ({ model: "m", worstCase: 42n }),
    );
    const result = await run();
    expect("hold" in result && result.hold).toMatchObject({
      estimate: { worstCase: 42n },
      pricing: { version: 7 },
      held: { available: 9n },
    });
    expect(reserved).toEqual([
      {
        userId: "user-1",
        amount: 42n,
        feature: "test",
        requestId: expect.any(String),
        ttlMs: DEFAULT_HOLD_TTL_MS,
        pricingVersion: 7,
      },
    ]);
    expect("hold" in result && result.hold.requestId).toBe(reserved[0]!.requestId);
    expect(forgotten()).toBe(0);
  });

  it("holds at least 1 millitoken, for the route's time to live", async () => {
    const { run, reserved } = setup(
      () => ({ ok: true, reservation, duplicate: false, available: 9n }),
      () => ({ model: "m", worstCase: 0n }),
      5_000,
    );
    await run();
    expect(reserved[0]).toMatchObject({ amount: 1n, ttlMs: 5_000 });
  });

  it("answers an estimate's BadRequestError 400 and frees the key, reserving nothing", async () => {
    const { run, reserved, forgotten } = setup(
      () => expect.unreachable("reserved"),
      () => {
        throw new BadRequestError("Too long.");
      },
    );
    const result = await run();
    expect("response" in result && result.response.status).toBe(400);
    expect("response" in result && (await result.response.json())).toEqual({
      error: "invalid_request",
      message: "Too long.",
    });
    expect(reserved).toEqual([]);
    expect(forgotten()).toBe(1);
  });

  it("frees the key and throws on when the estimate fails otherwise", async () => {
    const { run, forgotten } = setup(
      () => expect.unreachable("reserved"),
      async () => {
        throw new Error("tokenizer broke");
      },
    );
    await expect(run()).rejects.toThrow("tokenizer broke");
    expect(forgotten()).toBe(1);
  });

  it("answers 403 for a user without a token account, logged, and frees the key", async () => {
    const { run, logged, forgotten } = setup(
      () => ({ ok: false, error: { type: "AccountNotFound", userId: "user-1" } }),
      () => ({ model: "m", worstCase: 5n }),
    );
    const result = await run();
    expect("response" in result && result.response.status).toBe(403);
    expect("response" in result && (await result.response.json())).toEqual({
      error: "no_token_account",
      message: "Your account has no token balance.",
    });
    expect(logged).toEqual(["reserve_failed"]);
    expect(forgotten()).toBe(1);
  });

  it("throws an unreachable database on, keeping the key for the wrapper's 503", async () => {
    const down = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const { run, forgotten } = setup(
      () => Promise.reject(down),
      () => ({ model: "m", worstCase: 5n }),
    );
    await expect(run()).rejects.toBe(down);
    expect(forgotten()).toBe(0);
  });
});

// The auto top-up listener's cost on the hot path: a settle of a user without auto top-up, or above
// the threshold, costs one settings read per MEMO_MS and then none; it never throws into the caller.
import { describe, expect, it } from "vitest";
import type { BillingContext } from "../context";
import { autoTopUpListener, MEMO_MS } from "./listener";

function fakeContext(settings: { enabled: boolean; thresholdMillitokens: bigint } | null) {
  const reads: string[] = [];
  const ctx = {
    db: {
      autoTopUpSettings: {
        findUnique: async ({ where }: { where: { userId: string } }) => {
          reads.push(where.userId);
          return settings;
        },
      },
    },
  } as unknown as BillingContext;
  return { ctx, reads };
}

const flush = () => new Promise((r) => setTimeout(r, 10));

describe("autoTopUpListener", () => {
  it("reads a user's settings once per MEMO_MS when auto top-up is off", async () => {
    const { ctx, reads } = fakeContext(null);
    let now = 1_000_000;
    const failures: unknown[] = [];
    const l = autoTopUpListener({
      context: () => ctx,
      queued: () => {},
      failed: (e) => failures.push(e),
      now: () => now,
    });
    l.onSettled({ userId: "u1", remaining: 0n });
    await flush();
    for (let i = 0; i < 20; i++) l.onSettled({ userId: "u1", remaining: 0n });
    await flush();
    expect(reads).toEqual(["u1"]);
    now += MEMO_MS + 1;
    l.onSettled({ userId: "u1", remaining: 0n });
    await flush();
    expect(reads).toEqual(["u1", "u1"]);
    expect(failures).toEqual([]);
  });

  it("settles above the threshold cost nothing once the settings are known", async () => {
    const { ctx, reads } = fakeContext({ enabled: true, thresholdMillitokens: 200_000n });
    const l = autoTopUpListener({ context: () => ctx, queued: () => {}, failed: () => {}, now: () => 5 });
    l.onSettled({ userId: "u2", remaining: 900_000n });
    await flush();
    for (let i = 0; i < 20; i++) l.onSettled({ userId: "u2", remaining: 500_000n });
    await flush();
    expect(reads).toEqual(["u2"]);
  });

  it("does nothing without billing, and reports errors instead of throwing", async () => {
    const none = autoTopUpListener({ context: () => null, queued: () => {}, failed: () => {} });
    expect(() => none.onSettled({ userId: "u3", remaining: 0n })).not.toThrow();
    const failures: unknown[] = [];
    const broken = autoTopUpListener({
      context: () => {
        throw new Error("billing misconfigured");
      },
      queued: () => {},
      failed: (e) => failures.push(e),
    });
    expect(() => broken.onSettled({ userId: "u4", remaining: 0n })).not.toThrow();
    await flush();
    expect(failures).toHaveLength(1);
  });
});

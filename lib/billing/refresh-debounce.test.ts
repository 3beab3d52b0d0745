import { describe, expect, it } from "vitest";
import { debouncedRefresh } from "./refresh-debounce";

let seq = 0;
const user = () => `user-${++seq}`;

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe("debouncedRefresh", () => {
  it("concurrent callers of the same refresh share the one in flight", async () => {
    const u = user();
    const g = gate();
    let runs = 0;
    const run = async () => {
      runs++;
      await g.opened;
      return runs;
    };
    const all = Promise.all(Array.from({ length: 40 }, () => debouncedRefresh(u, "portal", run)));
    g.open();
    expect(await all).toEqual(Array(40).fill(1));
    expect(runs).toBe(1);
  });

  it("asked again within the interval: waits for the rest of it, then runs once for all who asked meanwhile", async () => {
    const u = user();
    let runs = 0;
    const run = async () => ++runs;
    expect(await debouncedRefresh(u, "portal", run, { minIntervalMs: 300 })).toBe(1);
    const started = Date.now();
    const again = await Promise.all([1, 2, 3].map(() => debouncedRefresh(u, "portal", run, { minIntervalMs: 300 })));
    expect(again).toEqual([2, 2, 2]); // a fresh run, never the older result
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(runs).toBe(2);
  });

  it("another refresh of the same user waits for the one in flight; other users do not wait", async () => {
    const u = user();
    const g = gate();
    const order: string[] = [];
    const first = debouncedRefresh(u, "a", async () => {
      await g.opened;
      order.push("a");
    });
    const second = debouncedRefresh(u, "b", async () => {
      order.push("b");
    });
    await debouncedRefresh(user(), "a", async () => {
      order.push("other user");
    });
    expect(order).toEqual(["other user"]);
    g.open();
    await Promise.all([first, second]);
    expect(order).toEqual(["other user", "a", "b"]);
  });

  it("a failure is shared by its concurrent callers", async () => {
    const u = user();
    let runs = 0;
    const failing = async () => {
      runs++;
      await Promise.resolve();
      throw new Error("stripe down");
    };
    const results = await Promise.allSettled([debouncedRefresh(u, "k", failing), debouncedRefresh(u, "k", failing)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(runs).toBe(1);
    expect(await debouncedRefresh(u, "k", async () => "ok", { minIntervalMs: 0 })).toBe("ok");
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { withSessionAdvisoryLock } from "./advisory-lock";

let t: TestDatabase;
beforeEach(async () => {
  t = await createTestDatabase();
});
afterEach(async () => {
  await t.drop();
});

describe("withSessionAdvisoryLock", () => {
  it("hands the work the lock's own connection, which holds the lock while the work runs", async () => {
    const outcome = await withSessionAdvisoryLock(t.directUrl, 42n, async (session) => {
      const { rows } = await session.query<{ held: number }>(
        "SELECT count(*)::int AS held FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()",
      );
      return rows[0]!.held;
    });
    expect(outcome).toEqual({ acquired: true, value: 1 });
  });

  it("refuses a second holder while the first works, and frees the lock once the work is done", async () => {
    const inner = await withSessionAdvisoryLock(t.directUrl, 43n, () =>
      withSessionAdvisoryLock(t.directUrl, 43n, async () => 1),
    );
    expect(inner).toEqual({ acquired: true, value: { acquired: false } });
    expect(await withSessionAdvisoryLock(t.directUrl, 43n, async () => 2)).toEqual({ acquired: true, value: 2 });
  });
});

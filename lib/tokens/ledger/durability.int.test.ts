// "Hold fast, charge durably" (issue 19): a statement that carries only the pipeline's holds commits
// with synchronous_commit off, anything else commits durably; and a settle whose hold does not exist
// (lost in a database crash) still charges the call from what is available, recording any shortfall.
import { describe, expect, it } from "vitest";
import { reserveCall, settleCall, type Reservation } from "./apply";
import type { ApplyOp } from "./apply-function";
import { LedgerPipeline } from "./pipeline";
import { ledgerTestDatabase, nextRequestId, reserveInput } from "@/test/ledger/helpers";
import { verifyLedger } from "./verify";

const f = ledgerTestDatabase({ poolMax: 10 });
const clean = async (...userIds: string[]) => expect((await verifyLedger(f.t.db, { userIds })).mismatches).toEqual([]);

/** `synchronous_commit` inside the transaction of one `ledger_apply(ops)`, durable before it. */
async function commitModeOf(ops: ApplyOp[]): Promise<string> {
  const client = await f.t.pool.connect();
  try {
    await client.query("BEGIN");
    // The test cluster runs with synchronous_commit off for speed: start from the production default.
    await client.query("SET LOCAL synchronous_commit = on");
    await client.query("SELECT count(*) FROM ledger_apply($1::jsonb, NULL)", [JSON.stringify(ops)]);
    const { rows } = await client.query<{ synchronous_commit: string }>("SHOW synchronous_commit");
    return rows[0]!.synchronous_commit;
  } finally {
    await client.query("ROLLBACK");
    client.release();
  }
}

/** What a crash leaves of a hold committed asynchronously and never flushed: nothing at all. */
async function loseHold(reservation: Reservation): Promise<void> {
  await f.t.sql("DELETE FROM token_reservations WHERE id = $1::uuid", [reservation.id]);
  await f.t.sql("UPDATE user_token_balance SET reserved = reserved - $2 WHERE user_id = $1", [
    reservation.userId,
    reservation.amount.toString(),
  ]);
}

describe("hold fast: the commit mode of a statement", () => {
  it("commits a list of the pipeline's holds alone asynchronously, and any list with another operation durably", async () => {
    const userId = await f.newAccount();
    const hold = () => reserveCall(reserveInput(userId, 10n), { asyncCommit: true }).op;
    expect(await commitModeOf([hold(), hold()])).toBe("off");

    // A hold not marked by the pipeline (reserve() inside a caller's transaction) stays durable.
    expect(await commitModeOf([hold(), reserveCall(reserveInput(userId, 10n)).op])).toBe("on");
    const settle = settleCall({ reservationId: crypto.randomUUID(), cost: 1n }).op;
    expect(await commitModeOf([hold(), settle])).toBe("on");
    expect(await commitModeOf([{ op: "release", reservationId: crypto.randomUUID() }, hold()])).toBe("on");
    expect(await commitModeOf([])).toBe("on");
  });

  it("the pipeline marks its holds and nothing else; asyncHolds: false marks none", async () => {
    const sent: ApplyOp[][] = [];
    const spy = (p: LedgerPipeline) => {
      const execute = p.execute.bind(p);
      p.execute = (ops, lockTimeoutMs) => (sent.push(ops), execute(ops, lockTimeoutMs));
      return p;
    };
    const userId = await f.newAccount();
    for (const asyncHolds of [true, false]) {
      sent.length = 0;
      const p = spy(new LedgerPipeline({ pool: f.t.pool, db: f.t.db, asyncHolds }));
      const held = await p.reserve(reserveInput(userId, 100n));
      if (!held.ok) throw new Error(held.error.type);
      expect(
        (await p.settle({ reservationId: held.reservation.id, userId, cost: 40n, held: held.reservation })).ok,
      ).toBe(true);
      const [[reserveOp], [settleOp]] = sent as [[ApplyOp], [ApplyOp]];
      expect(reserveOp).toMatchObject({ op: "reserve" });
      expect("asyncCommit" in reserveOp).toBe(asyncHolds);
      expect("asyncCommit" in settleOp).toBe(false);
    }
    await clean(userId);
  });
});

describe("charge durably: a settle whose hold was lost", () => {
  const pipeline = () => new LedgerPipeline({ pool: f.t.pool, db: f.t.db });

  it("charges the call from what is available, writes the reservation as settled, and answers a retry with the first charge", async () => {
    const p = pipeline();
    const userId = await f.newAccount(); // 100_000 allowance
    const held = await p.reserve(reserveInput(userId, 5_000n, { requestId: nextRequestId() }));
    if (!held.ok) throw new Error(held.error.type);
    await loseHold(held.reservation);
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });

    const settle = () => p.settle({ reservationId: held.reservation.id, userId, cost: 3_000n, held: held.reservation });
    const first = await settle();
    expect(first).toMatchObject({ ok: true, charged: 3_000n, shortfall: 0n, duplicate: false });
    expect(await f.buckets(userId)).toEqual({ allowance: 97_000n, purchased: 0n, reserved: 0n });
    expect(await f.reservationStatus(held.reservation.id)).toBe("settled");
    expect(await f.countKey(`call:${held.reservation.requestId}`)).toBe(1);

    const again = await settle();
    expect(again).toMatchObject({ ok: true, charged: 3_000n, shortfall: 0n, duplicate: true });
    expect(await f.buckets(userId)).toEqual({ allowance: 97_000n, purchased: 0n, reserved: 0n });
    await clean(userId);
  });

  it("records the shortfall when what is available (other calls' holds excepted) does not cover the call", async () => {
    const p = pipeline();
    const userId = await f.newAccount({ free: 10_000n });
    const lost = await p.reserve(reserveInput(userId, 8_000n));
    if (!lost.ok) throw new Error(lost.error.type);
    await loseHold(lost.reservation);
    // After the restart, another call holds most of the balance again.
    const other = await p.reserve(reserveInput(userId, 7_000n));
    if (!other.ok) throw new Error(other.error.type);

    const settled = await p.settle({
      reservationId: lost.reservation.id,
      userId,
      cost: 5_000n,
      held: lost.reservation,
    });
    expect(settled).toMatchObject({ ok: true, charged: 3_000n, shortfall: 2_000n });
    expect(await f.buckets(userId)).toEqual({ allowance: 7_000n, purchased: 0n, reserved: 7_000n });
    const done = await p.settle({ reservationId: other.reservation.id, userId, cost: 7_000n });
    expect(done).toMatchObject({ ok: true, charged: 7_000n, shortfall: 0n });
    expect(await f.buckets(userId)).toEqual({ allowance: 0n, purchased: 0n, reserved: 0n });
    await clean(userId);
  });

  it("still answers ReservationNotFound without `held`, and ReservationClosed for a released hold", async () => {
    const p = pipeline();
    const userId = await f.newAccount();
    const lost = await p.reserve(reserveInput(userId, 1_000n));
    if (!lost.ok) throw new Error(lost.error.type);
    await loseHold(lost.reservation);
    expect(await p.settle({ reservationId: lost.reservation.id, userId, cost: 10n })).toMatchObject({
      ok: false,
      error: { type: "ReservationNotFound" },
    });

    const released = await p.reserve(reserveInput(userId, 1_000n));
    if (!released.ok) throw new Error(released.error.type);
    await p.release({ reservationId: released.reservation.id, userId });
    const late = await p.settle({
      reservationId: released.reservation.id,
      userId,
      cost: 10n,
      held: released.reservation,
    });
    expect(late).toMatchObject({ ok: false, error: { type: "ReservationClosed" } });
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
    await clean(userId);
  });

  it("concurrent retries of a lost hold's settle charge it once", async () => {
    const p = pipeline();
    const q = pipeline(); // another process
    const userId = await f.newAccount();
    const lost = await p.reserve(reserveInput(userId, 1_000n));
    if (!lost.ok) throw new Error(lost.error.type);
    await loseHold(lost.reservation);
    const input = { reservationId: lost.reservation.id, userId, cost: 600n, held: lost.reservation };
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? p : q).settle(input)));
    expect(results.every((r) => r.ok && r.charged === 600n)).toBe(true);
    expect(results.filter((r) => r.ok && !r.duplicate)).toHaveLength(1);
    expect(await f.buckets(userId)).toEqual({ allowance: 99_400n, purchased: 0n, reserved: 0n });
    await clean(userId);
  });
});

// Property: random sequences of every ledger operation — retries with used keys, request ids and
// reservation ids included — keep the ledger's invariant after every step, and the database equals
// a pure in-memory model of the balances exactly (BigInt millitokens). Reserve, settle and release
// run alone or through the ledger pipeline (the metering wrapper's way), and bursts of concurrent
// reserves go through it as one batch, which the model applies in the pipeline's order.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adjust, clawback } from "./corrections";
import { grant } from "./grant";
import { startPeriod } from "./period";
import { LedgerPipeline } from "./pipeline";
import { release, reserve, settle, sweepExpiredReservations } from "./reservations";
import { FREE_TIER, SIGNUP, ledgerTestDatabase, type Buckets } from "@/test/ledger/helpers";
import { verifyLedger } from "./verify";

const f = ledgerTestDatabase();

const DAY = 86_400_000;
const END_OF_TIME = new Date("9999-01-01T00:00:00.000Z");

// ─── operations ────────────────────────────────────────────────────────────────────────────────

const amount = fc.oneof(
  fc.constantFrom(1n, 999n, 1_000n, 10_000n, 50_000n, 100_000n, 100_001n, 250_000n),
  fc.bigInt({ min: 1n, max: 150_000n }),
);
const user = fc.nat({ max: 2 });
/** A key: a fresh one, or (a retry) one used before in this run, by whichever user. */
const keyChoice = fc.option(fc.nat(), { nil: undefined, freq: 3 });

/** Alone: the operation in its own statement. Pipeline: through the ledger pipeline. */
type Via = "alone" | "pipeline";
const via = fc.constantFrom<Via>("alone", "pipeline");

type Op =
  | { op: "grant"; u: number; bucket: "allowance" | "purchased"; amount: bigint; reuse?: number }
  | { op: "reserve"; u: number; amount: bigint; ttlMs: number; reuse?: number; via: Via }
  | { op: "burst"; calls: { u: number; amount: bigint }[] }
  | { op: "settle"; pick?: number; mode: "below" | "equal" | "above" | "zero"; delta: bigint; via: Via }
  | { op: "release"; pick?: number; via: Via }
  | { op: "startPeriod"; u: number; allowance: bigint; how: "next" | "retry" | "stale"; days: number; pick: number }
  | { op: "clawback"; u: number; amount: bigint; reuse?: number }
  | { op: "adjust"; u: number; amount: bigint; negative: boolean; reuse?: number }
  | { op: "sweep"; advanceMs: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("grant" as const),
      u: user,
      bucket: fc.constantFrom("allowance" as const, "purchased" as const),
      amount,
      reuse: keyChoice,
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant("reserve" as const),
      u: user,
      amount,
      ttlMs: fc.constantFrom(1_000, 5_000, 60_000),
      reuse: keyChoice,
      via,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("burst" as const),
      calls: fc.array(fc.record({ u: user, amount }), { minLength: 2, maxLength: 6 }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant("settle" as const),
      pick: fc.option(fc.nat(), { nil: undefined, freq: 12 }),
      mode: fc.constantFrom("below" as const, "equal" as const, "above" as const, "zero" as const),
      delta: fc.oneof(fc.constant(1n), fc.bigInt({ min: 1n, max: 300_000n })),
      via,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("release" as const),
      pick: fc.option(fc.nat(), { nil: undefined, freq: 12 }),
      via,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("startPeriod" as const),
      u: user,
      allowance: fc.oneof(fc.constant(0n), amount),
      how: fc.constantFrom("next" as const, "next" as const, "retry" as const, "stale" as const),
      days: fc.integer({ min: 1, max: 40 }),
      pick: fc.nat(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("clawback" as const), u: user, amount, reuse: keyChoice }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("adjust" as const),
      u: user,
      amount,
      negative: fc.boolean(),
      reuse: keyChoice,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("sweep" as const),
      advanceMs: fc.constantFrom(0, 999, 1_000, 5_000, 60_000, DAY),
    }),
  },
);

// ─── the model ─────────────────────────────────────────────────────────────────────────────────

type ResStatus = "held" | "settled" | "released" | "expired";
interface ModelReservation {
  id: string;
  requestId: string;
  user: number;
  amount: bigint;
  expiresAt: number;
  status: ResStatus;
  charge?: { charged: bigint; shortfall: bigint };
}

class Model {
  b: Buckets[];
  periods: { current: number; started: Map<number, bigint> }[];
  reservations: ModelReservation[] = [];
  /** key → owner and what the first call did. */
  keys = new Map<string, { user: number; result: unknown }>();
  grantKeys: string[] = [];
  clawKeys: string[] = [];
  adjustKeys: string[] = [];
  requestIds: string[] = [];
  clock: number;

  constructor(
    readonly n: number,
    readonly tag: string,
  ) {
    this.b = Array.from({ length: n }, () => ({ allowance: FREE_TIER, purchased: 0n, reserved: 0n }));
    // The sign-up's period is keyed per user (signupKeys), not by its start: a period starting at the
    // sign-up's instant is a new one.
    this.periods = Array.from({ length: n }, () => ({ current: SIGNUP.getTime(), started: new Map<number, bigint>() }));
    this.clock = Date.parse("2030-01-01T00:00:00.000Z");
  }

  available(u: number) {
    const b = this.b[u]!;
    return b.allowance + b.purchased - b.reserved;
  }
}

const pickFrom = <T>(list: T[], i: number | undefined): T | undefined =>
  i === undefined || list.length === 0 ? undefined : list[i % list.length];
const min = (a: bigint, b: bigint) => (a < b ? a : b);
const max = (a: bigint, b: bigint) => (a > b ? a : b);

let runs = 0;
/** Which outcome each operation had, over all runs (the generator must reach them all). */
const outcomes = new Map<string, number>();
const hit = (outcome: string) => outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);

async function runSequence(ops: Op[]) {
  const tag = `r${++runs}`;
  // The sweep works over the whole database: start each run with no hold of an earlier run left.
  await sweepExpiredReservations(f.t.db, END_OF_TIME);
  const nUsers = 2 + (runs % 2);
  const users: string[] = [];
  for (let i = 0; i < nUsers; i++) users.push(await f.newAccount());
  const m = new Model(nUsers, tag);
  const admin = users[0]!;
  const pipeline = new LedgerPipeline({ pool: f.t.pool, db: f.t.db });
  let seq = 0;

  const check = async (step: number, op: Op) => {
    const rows = await f.t.sql<{ user_id: string; allowance: string; purchased: string; reserved: string }>(
      "SELECT user_id, allowance::text, purchased::text, reserved::text FROM user_token_balance WHERE user_id = ANY($1)",
      [users],
    );
    const actual = users.map((id) => {
      const r = rows.find((x) => x.user_id === id)!;
      return { allowance: BigInt(r.allowance), purchased: BigInt(r.purchased), reserved: BigInt(r.reserved) };
    });
    const ctx = `step ${step} ${JSON.stringify(op, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))}`;
    expect(actual, ctx).toEqual(m.b);
    for (const b of actual) {
      expect(b.allowance >= 0n && b.purchased >= 0n && b.reserved >= 0n, ctx).toBe(true);
    }
    expect((await verifyLedger(f.t.db, { userIds: users })).mismatches, ctx).toEqual([]);
  };

  for (const [step, generated] of ops.entries()) {
    const op: Op = "u" in generated ? { ...generated, u: generated.u % nUsers } : generated;
    switch (op.op) {
      case "grant": {
        const key = pickFrom(m.grantKeys, op.reuse) ?? `grant:${tag}:${++seq}`;
        const r = await grant(f.t.db, {
          userId: users[op.u]!,
          bucket: op.bucket,
          kind: op.bucket === "allowance" ? "grant_allowance" : "grant_pack",
          amount: op.amount,
          idempotencyKey: key,
        });
        const seen = m.keys.get(key);
        if (seen && seen.user !== op.u) {
          hit("grant:keyReused");
          expect(r).toEqual({ ok: false, error: { type: "IdempotencyKeyReused", key, ownerUserId: users[seen.user] } });
        } else if (seen) {
          hit("grant:duplicate");
          expect(r.ok && r.duplicate && r.row.id).toBe(seen.result);
        } else {
          hit(`grant:${op.bucket}`);
          expect(r.ok && !r.duplicate).toBe(true);
          m.b[op.u]![op.bucket] += op.amount;
          m.keys.set(key, { user: op.u, result: r.ok && r.row.id });
          m.grantKeys.push(key);
        }
        break;
      }
      case "reserve": {
        const requestId = pickFrom(m.requestIds, op.reuse) ?? `req:${tag}:${++seq}`;
        const input = {
          userId: users[op.u]!,
          amount: op.amount,
          feature: "chat",
          requestId,
          ttlMs: op.ttlMs,
          now: new Date(m.clock),
        };
        const r = op.via === "pipeline" ? await pipeline.reserve(input) : await reserve(f.t.db, input);
        const existing = m.reservations.find((x) => x.requestId === requestId);
        if (existing && existing.user !== op.u) {
          hit("reserve:keyReused");
          expect(r).toEqual({
            ok: false,
            error: { type: "IdempotencyKeyReused", key: requestId, ownerUserId: users[existing.user] },
          });
        } else if (existing) {
          hit(`reserve:duplicate-${existing.status}`);
          expect(
            r.ok && [r.duplicate, r.reservation.id, r.reservation.status, r.reservation.amount, r.available],
          ).toEqual([true, existing.id, existing.status, existing.amount, m.available(op.u)]);
        } else if (op.amount > m.available(op.u)) {
          hit("reserve:insufficient");
          expect(r).toEqual({
            ok: false,
            error: { type: "InsufficientTokens", required: op.amount, available: m.available(op.u) },
          });
          // A refused request id may be tried again later, as a new call.
        } else {
          hit("reserve:held");
          expect(r.ok && !r.duplicate).toBe(true);
          if (!r.ok) break;
          m.b[op.u]!.reserved += op.amount;
          expect(r.available).toBe(m.available(op.u));
          m.reservations.push({
            id: r.reservation.id,
            requestId,
            user: op.u,
            amount: op.amount,
            expiresAt: m.clock + op.ttlMs,
            status: "held",
          });
          m.requestIds.push(requestId);
        }
        break;
      }
      case "burst": {
        // Made in one turn of the event loop: one batch, applied in user-id order (arrival order
        // within a user) — the model does the same.
        const calls = op.calls.map((c, i) => ({ ...c, u: c.u % nUsers, i, requestId: `burst:${tag}:${++seq}` }));
        const results = await Promise.all(
          calls.map((c) =>
            pipeline.reserve({
              userId: users[c.u]!,
              amount: c.amount,
              feature: "chat",
              requestId: c.requestId,
              ttlMs: 60_000,
              now: new Date(m.clock),
            }),
          ),
        );
        const order = [...calls].sort((a, b) =>
          users[a.u]! < users[b.u]! ? -1 : users[a.u]! > users[b.u]! ? 1 : a.i - b.i,
        );
        for (const c of order) {
          const r = results[c.i]!;
          if (c.amount > m.available(c.u)) {
            hit("burst:insufficient");
            expect(r).toEqual({
              ok: false,
              error: { type: "InsufficientTokens", required: c.amount, available: m.available(c.u) },
            });
          } else {
            hit("burst:held");
            m.b[c.u]!.reserved += c.amount;
            expect(r.ok && [r.duplicate, r.available]).toEqual([false, m.available(c.u)]);
            if (!r.ok) break;
            m.reservations.push({
              id: r.reservation.id,
              requestId: c.requestId,
              user: c.u,
              amount: c.amount,
              expiresAt: m.clock + 60_000,
              status: "held",
            });
            m.requestIds.push(c.requestId);
          }
        }
        break;
      }
      case "settle": {
        const res = pickFrom(m.reservations, op.pick);
        const reservationId = res?.id ?? "00000000-0000-4000-8000-000000000000";
        const cost =
          op.mode === "zero"
            ? 0n
            : !res
              ? op.delta
              : op.mode === "equal"
                ? res.amount
                : op.mode === "above"
                  ? res.amount + op.delta
                  : max(res.amount - op.delta, 0n);
        const input = { reservationId, cost, usage: { model: "m", outputTokens: 1 } };
        const r =
          op.via === "pipeline"
            ? await pipeline.settle({ ...input, userId: users[res?.user ?? 0]! })
            : await settle(f.t.db, input);
        if (!res) {
          hit("settle:notFound");
          expect(r).toEqual({ ok: false, error: { type: "ReservationNotFound", reservationId } });
        } else if (res.status === "released") {
          hit("settle:closed");
          expect(r).toEqual({ ok: false, error: { type: "ReservationClosed", reservationId, status: "released" } });
        } else if (res.status === "settled") {
          hit("settle:duplicate");
          expect(r.ok && { duplicate: r.duplicate, charged: r.charged, shortfall: r.shortfall }).toEqual({
            duplicate: true,
            ...res.charge,
          });
        } else {
          const b = m.b[res.user]!;
          const held = res.status === "held" ? res.amount : 0n;
          hit(`settle:${res.status}-${op.mode}`);
          const charged = min(cost, max(b.allowance + b.purchased - (b.reserved - held), 0n));
          const fromAllowance = min(charged, b.allowance);
          b.allowance -= fromAllowance;
          b.purchased -= charged - fromAllowance;
          b.reserved -= held;
          res.status = "settled";
          res.charge = { charged, shortfall: cost - charged };
          if (res.charge.shortfall > 0n) hit("settle:shortfall");
          expect(
            r.ok && {
              duplicate: r.duplicate,
              charged: r.charged,
              shortfall: r.shortfall,
              a: r.row.allowanceDelta,
              p: r.row.purchasedDelta,
            },
          ).toEqual({
            duplicate: false,
            ...res.charge,
            a: -fromAllowance,
            p: -(charged - fromAllowance),
          });
        }
        break;
      }
      case "release": {
        const res = pickFrom(m.reservations, op.pick);
        const reservationId = res?.id ?? "00000000-0000-4000-8000-000000000001";
        const r =
          op.via === "pipeline"
            ? await pipeline.release({ reservationId, userId: users[res?.user ?? 0]! })
            : await release(f.t.db, reservationId);
        if (!res) {
          hit("release:notFound");
          expect(r).toEqual({ ok: false, error: { type: "ReservationNotFound", reservationId } });
        } else if (res.status === "held") {
          hit("release:released");
          m.b[res.user]!.reserved -= res.amount;
          res.status = "released";
          expect(r.ok && r.released).toBe(true);
        } else {
          hit("release:noop");
          expect(r).toEqual({ ok: true, released: false, balance: null });
        }
        break;
      }
      case "startPeriod": {
        const p = m.periods[op.u]!;
        const started = [...p.started.keys()];
        const start =
          op.how === "next"
            ? p.current + op.days * DAY
            : op.how === "retry"
              ? (started[op.pick % started.length] ?? p.current)
              : p.current - op.days * DAY;
        const r = await startPeriod(f.t.db, {
          userId: users[op.u]!,
          periodStart: new Date(start),
          periodEnd: new Date(start + 30 * DAY),
          allowance: op.allowance,
        });
        const first = p.started.get(start);
        if (first !== undefined) {
          hit("startPeriod:duplicate");
          expect(r.ok && [r.duplicate, r.granted.allowanceDelta]).toEqual([true, first]);
        } else if (start < p.current) {
          hit("startPeriod:stale");
          expect(r).toEqual({
            ok: false,
            error: { type: "StalePeriod", periodStart: new Date(start), currentPeriodStart: new Date(p.current) },
          });
        } else {
          const b = m.b[op.u]!;
          hit("startPeriod:started");
          expect(
            r.ok && [r.duplicate, r.expired?.allowanceDelta, r.granted.allowanceAfter, r.granted.purchasedAfter],
          ).toEqual([false, -b.allowance, op.allowance, b.purchased]);
          b.allowance = op.allowance;
          p.current = start;
          p.started.set(start, op.allowance);
        }
        break;
      }
      case "clawback": {
        const key = pickFrom(m.clawKeys, op.reuse) ?? `claw:${tag}:${++seq}`;
        const r = await clawback(f.t.db, { userId: users[op.u]!, amount: op.amount, idempotencyKey: key });
        const seen = m.keys.get(key);
        if (seen && seen.user !== op.u) {
          hit(`${op.op}:keyReused`);
          expect(r).toEqual({ ok: false, error: { type: "IdempotencyKeyReused", key, ownerUserId: users[seen.user] } });
        } else if (seen) {
          hit("clawback:duplicate");
          expect(r.ok && { duplicate: r.duplicate, taken: r.taken, shortfall: r.shortfall }).toEqual({
            duplicate: true,
            ...(seen.result as object),
          });
        } else {
          const b = m.b[op.u]!;
          const taken = min(op.amount, b.purchased);
          hit(taken < op.amount ? "clawback:shortfall" : "clawback:full");
          b.purchased -= taken;
          const result = { taken, shortfall: op.amount - taken };
          expect(r.ok && { duplicate: r.duplicate, taken: r.taken, shortfall: r.shortfall }).toEqual({
            duplicate: false,
            ...result,
          });
          m.keys.set(key, { user: op.u, result });
          m.clawKeys.push(key);
        }
        break;
      }
      case "adjust": {
        const key = pickFrom(m.adjustKeys, op.reuse) ?? `adjust:${tag}:${++seq}`;
        const signed = op.negative ? -op.amount : op.amount;
        const r = await adjust(f.t.db, {
          userId: users[op.u]!,
          amount: signed,
          reason: "property",
          actorId: admin,
          idempotencyKey: key,
        });
        const seen = m.keys.get(key);
        if (seen && seen.user !== op.u) {
          hit(`${op.op}:keyReused`);
          expect(r).toEqual({ ok: false, error: { type: "IdempotencyKeyReused", key, ownerUserId: users[seen.user] } });
        } else if (seen) {
          hit("adjust:duplicate");
          expect(r.ok && [r.duplicate, r.row.id]).toEqual([true, seen.result]);
        } else if (op.negative && op.amount > m.available(op.u)) {
          hit("adjust:insufficient");
          expect(r).toEqual({
            ok: false,
            error: { type: "InsufficientTokens", required: op.amount, available: m.available(op.u) },
          });
        } else {
          hit(op.negative ? "adjust:take" : "adjust:add");
          const b = m.b[op.u]!;
          if (op.negative) {
            const fromAllowance = min(op.amount, b.allowance);
            b.allowance -= fromAllowance;
            b.purchased -= op.amount - fromAllowance;
          } else {
            b.purchased += op.amount;
          }
          expect(r.ok && !r.duplicate).toBe(true);
          m.keys.set(key, { user: op.u, result: r.ok && r.row.id });
          m.adjustKeys.push(key);
        }
        break;
      }
      case "sweep": {
        m.clock += op.advanceMs;
        const due = m.reservations.filter((x) => x.status === "held" && x.expiresAt <= m.clock);
        const r = await sweepExpiredReservations(f.t.db, new Date(m.clock), { batchSize: 3 });
        let total = 0n;
        for (const x of due) {
          x.status = "expired";
          m.b[x.user]!.reserved -= x.amount;
          total += x.amount;
        }
        hit(due.length > 0 ? "sweep:expired" : "sweep:nothing");
        expect(r).toEqual({ expired: due.length, amount: total, ran: true });
        break;
      }
    }
    await check(step, op);
  }
  // Sanity: the ledger rows of this run add up to the model too (verifyLedger compared them with the balances).
  return m;
}

describe("the ledger's invariant under random operation sequences", () => {
  it("holds after every step, and the database equals the model exactly", async () => {
    const stats = { ops: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 4, maxLength: 20, size: "max" }), async (ops) => {
        stats.ops += ops.length;
        await runSequence(ops);
      }),
      // A fixed seed by default: the coverage check below must not depend on the draw (an unseeded
      // run once drew no retried period start in 100 sequences). PROPERTY_SEED explores other draws.
      { numRuns: 100, seed: Number(process.env.PROPERTY_SEED ?? 20261203) },
    );
    expect(stats.ops).toBeGreaterThan(400);
    // The generator reached every operation's main outcomes, retries included (the rarer paths are
    // replayed deterministically below).
    for (const outcome of [
      "grant:allowance",
      "grant:purchased",
      "grant:duplicate",
      "grant:keyReused",
      "reserve:held",
      "reserve:insufficient",
      "reserve:keyReused",
      "burst:held",
      "burst:insufficient",
      "settle:held-below",
      "settle:held-equal",
      "settle:held-above",
      "settle:duplicate",
      "release:released",
      "release:noop",
      "startPeriod:started",
      "startPeriod:duplicate",
      "startPeriod:stale",
      "clawback:shortfall",
      "adjust:add",
      "adjust:take",
      "adjust:insufficient",
      "sweep:expired",
    ]) {
      expect(outcomes.get(outcome) ?? 0, outcome).toBeGreaterThan(0);
    }
    // A fixed amount of work (about 12 s on a quiet machine): the bound only catches a hang. A run
    // cut short would leave its sequence running into the replays below, on the same users.
  }, 300_000);

  it.each<Via>(["alone", "pipeline"])(
    "replays a sequence that exercises every retry path (reserve, settle and release %s)",
    async (v) => {
      const m = await runSequence([
        { op: "grant", u: 0, bucket: "purchased", amount: 300_000n },
        { op: "grant", u: 1, bucket: "purchased", amount: 5n, reuse: 0 }, // another user's key
        { op: "grant", u: 0, bucket: "allowance", amount: 7n, reuse: 0 }, // retry
        { op: "reserve", u: 0, amount: 400_000n, ttlMs: 1_000, via: v }, // exact fit
        { op: "reserve", u: 0, amount: 1n, ttlMs: 1_000, reuse: 0, via: v }, // retry while nothing is available
        { op: "reserve", u: 1, amount: 1n, ttlMs: 1_000, reuse: 0, via: v }, // another user's request id
        { op: "reserve", u: 1, amount: 60_000n, ttlMs: 60_000, via: v },
        { op: "sweep", advanceMs: 1_000 }, // expires the first hold only
        { op: "settle", pick: 0, mode: "above", delta: 50_000n, via: v }, // settle of an expired reservation
        { op: "settle", pick: 0, mode: "equal", delta: 1n, via: v }, // retry
        { op: "release", pick: 0, via: v },
        { op: "release", pick: 1, via: v },
        { op: "settle", pick: 1, mode: "equal", delta: 1n, via: v }, // closed
        { op: "startPeriod", u: 0, allowance: 1_000n, how: "next", days: 28, pick: 0 },
        { op: "startPeriod", u: 0, allowance: 9n, how: "retry", days: 1, pick: 1 },
        { op: "startPeriod", u: 0, allowance: 9n, how: "stale", days: 3, pick: 0 },
        { op: "clawback", u: 0, amount: 999_999n },
        { op: "clawback", u: 0, amount: 1n, reuse: 0 },
        { op: "clawback", u: 1, amount: 1n, reuse: 0 },
        { op: "adjust", u: 1, amount: 100_001n, negative: true },
        { op: "adjust", u: 1, amount: 40_000n, negative: true },
        { op: "adjust", u: 1, amount: 40_000n, negative: false, reuse: 0 },
        { op: "adjust", u: 0, amount: 40_000n, negative: false, reuse: 0 },
        { op: "settle", mode: "zero", delta: 1n, via: v }, // unknown reservation: picks nothing when pick is undefined
        // One batch: user 1 (60,000 left) holds 30,000 and is refused 50,000; user 0 (1,000) holds 600, is refused 500.
        {
          op: "burst",
          calls: [
            { u: 1, amount: 30_000n },
            { u: 0, amount: 600n },
            { u: 1, amount: 50_000n },
            { u: 0, amount: 500n },
          ],
        },
      ]);
      expect(m.reservations.map((r) => r.status)).toEqual(["settled", "released", "held", "held"]);
      expect(m.b[0]).toEqual({ allowance: 1_000n, purchased: 0n, reserved: 600n });
      expect(m.b[1]!.reserved).toBe(30_000n);
    },
  );
});

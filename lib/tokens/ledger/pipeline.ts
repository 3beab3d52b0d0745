// The ledger pipeline: reserve, settle and release for a server process, with group commit.
//
// A metered call costs two commits — the hold before the model call, the charge after it — and on a
// small machine a commit (its statement, its WAL flush, the wake-ups around it) costs far more than
// the rows it writes. So calls are not sent one by one: a lane has one statement in flight at a time,
// and the calls that arrive while it runs are sent together as the next one — `ledger_apply` over the
// list: one statement, one transaction, one commit. A batch leaves at the end of the event-loop turn
// that started it, so an idle lane adds no wait worth counting and a busy one sends as many calls as
// the load brings. There are `lanes` lanes (DEFAULT_LEDGER_LANES, LEDGER_LANES), so that PostgreSQL
// works on several statements at once, one per core; a user is pinned to one lane by a hash of its id.
//
// Durability — hold fast, charge durably. A hold is a lock on tokens, not a movement of money: a
// statement that carries only holds commits with synchronous_commit off (set by `ledger_apply` for
// that transaction only, `asyncHolds`), so it does not wait for the WAL flush. A statement with any
// settle or release in it commits durably, and so does everything else that writes the ledger
// (grants, periods, clawbacks, adjustments: they never go through here). What a crash of PostgreSQL
// may lose is therefore holds committed in its last ~3 × wal_writer_delay (0.6 s by default), never
// a charge, and that gives no money away:
// - a lost hold disappears with the `reserved` it added (one transaction), so the balance still
//   equals its ledger rows and no token moved;
// - WAL is flushed in order, so a durable settle also makes durable every hold committed before it:
//   only the holds of calls still in flight can be lost;
// - such a call still settles: a settle that carries `held` and finds no reservation charges its
//   exact cost from what is available (other calls' holds excepted) and records what that does not
//   cover as the row's shortfall — as for a hold the sweep expired, or allowance a new period expired
//   under a call in flight. The exposure is bounded by the holds in flight at the crash, and
//   recorded (lib/tokens/metering/with-tokens.crash.int.test.ts kills the postmaster to prove it);
// - a hold whose answer was lost with the connection (the call got 503, nothing ran) expires.
//
// What holds for every call is what holds for it alone (see apply.ts): it is applied after the calls
// before it in its batch, with its own conditional update and its own ledger row, and it is answered
// only after the batch committed. Within a batch, calls run in user-id order — the same lock order
// in every process, so batches of two processes wait for each other but never deadlock — and in
// arrival order for one user. A user's calls always go to the same lane.
//
// One user must never hold up everyone: a batch may wait at most `lockTimeoutMs` for a row lock that
// another transaction holds (say, a billing transaction on one of its users). A batch that fails —
// that, a deadlock with some other writer, a broken call, a lost connection — is not retried as a
// batch: each of its calls runs again on its own, beside the lane, waiting for its locks as long as
// they take, as it would have without a pipeline; while a user has such a call running, that user's
// new calls run on their own too. Every operation is idempotent by its request or reservation id,
// so a call that did take effect (its answer was lost with the connection) answers with its first
// result, and a call that fails fails alone.
import type pg from "pg";
import type { DbTx } from "../../db/client";
import { namedStatementsAllowed } from "../../db/connect";
import {
  releaseCall,
  reserveCall,
  settleCall,
  type LedgerCall,
  type ReleaseResult,
  type ReserveInput,
  type ReserveResult,
  type SettleInput,
  type SettleResult,
} from "./apply";
import { APPLY_SQL, toApplyRow, type ApplyOp, type ApplyRow, type RawApplyRow } from "./apply-function";

/** Lanes when the caller does not say (LEDGER_LANES): one statement in flight per core of a small server. */
export const DEFAULT_LEDGER_LANES = 2;

export interface LedgerPipelineOptions {
  /** node-postgres pool the statements run on (the app shares it with Prisma). */
  pool: pg.Pool;
  /** For the rare read-only follow-ups of a call (a repeated request id, a closed reservation). */
  db: DbTx;
  /** Statements in flight at once through the lanes (default 1; each takes a pool connection). */
  lanes?: number;
  /** Calls per statement, at most (default 64): bounds how long one batch holds its row locks. */
  maxBatch?: number;
  /** How long a batch may wait for a row lock before its calls run on their own (default 100 ms). */
  lockTimeoutMs?: number;
  /**
   * Commit a statement that carries only holds without waiting for the WAL flush (default true):
   * see "Durability" above. False: every statement is durable.
   */
  asyncHolds?: boolean;
}

export interface PipelineStats {
  /** Statements sent: batches, and calls run on their own. */
  statements: number;
  /** Calls applied. */
  calls: number;
  /** Batches that failed as a whole, whose calls then ran on their own. */
  failedBatches: number;
  /** Calls run on their own, beside the lanes. */
  callsAlone: number;
}

/** The hot-path operations the metering wrapper needs; LedgerPipeline is one. */
export interface HotLedger {
  reserve(input: ReserveInput): Promise<ReserveResult>;
  /** `userId`: the reservation's user (routes the call to that user's lane). */
  settle(input: SettleInput & { userId: string }): Promise<SettleResult>;
  release(input: { reservationId: string; userId: string }): Promise<ReleaseResult>;
}

interface Pending {
  call: LedgerCall<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

const STATEMENT_NAME = "tollgate_ledger_apply";

/** 32-bit FNV-1a of a string: a stable, even spread of user ids over lanes. */
function laneHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export class LedgerPipeline implements HotLedger {
  private readonly lanes: Lane[];
  private readonly lockTimeoutMs: number;
  private readonly asyncHolds: boolean;
  private readonly counters: PipelineStats = { statements: 0, calls: 0, failedBatches: 0, callsAlone: 0 };
  /** Users with calls running on their own, and how many. */
  private readonly alone = new Map<string, number>();

  constructor(private readonly options: LedgerPipelineOptions) {
    const lanes = options.lanes ?? DEFAULT_LEDGER_LANES;
    const maxBatch = options.maxBatch ?? 64;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 100;
    this.asyncHolds = options.asyncHolds ?? true;
    if (!Number.isInteger(lanes) || lanes < 1) throw new RangeError("lanes must be a positive integer");
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError("maxBatch must be a positive integer");
    if (!Number.isInteger(this.lockTimeoutMs) || this.lockTimeoutMs < 1)
      throw new RangeError("lockTimeoutMs must be a positive integer");
    this.lanes = Array.from({ length: lanes }, () => new Lane(this, maxBatch));
  }

  // async: a call's bad input (a LedgerUsageError) is a rejected promise, as with the operations alone.
  async reserve(input: ReserveInput): Promise<ReserveResult> {
    return this.enqueue(reserveCall(input, { asyncCommit: this.asyncHolds }));
  }

  async settle({ userId, ...input }: SettleInput & { userId: string }): Promise<SettleResult> {
    return this.enqueue(settleCall(input, userId));
  }

  async release({ reservationId, userId }: { reservationId: string; userId: string }): Promise<ReleaseResult> {
    return this.enqueue(releaseCall(reservationId, userId));
  }

  /** What the pipeline has done so far. */
  stats(): PipelineStats {
    return { ...this.counters };
  }

  private enqueue<R>(call: LedgerCall<R>): Promise<R> {
    const user = call.userId ?? "";
    if (this.alone.has(user)) return this.runAlone(call);
    const lane = this.lanes[laneHash(user) % this.lanes.length]!;
    return new Promise<R>((resolve, reject) =>
      lane.push({ call, resolve: resolve as (value: unknown) => void, reject }),
    );
  }

  /** One statement of `ops`, with the batch's lock timeout or none; throws what the database threw. */
  async execute(ops: ApplyOp[], lockTimeoutMs: number | null): Promise<ApplyRow[]> {
    this.counters.statements++;
    const { rows } = await this.options.pool.query<RawApplyRow>({
      // Unnamed on a pool that may not name statements (PgBouncer < 1.21 in transaction mode).
      name: namedStatementsAllowed(this.options.pool) ? STATEMENT_NAME : undefined,
      text: APPLY_SQL,
      values: [JSON.stringify(ops), lockTimeoutMs],
    });
    if (rows.length !== ops.length)
      throw new Error(`ledger_apply answered ${rows.length} rows for ${ops.length} operations`);
    this.counters.calls += ops.length;
    return rows.map(toApplyRow);
  }

  /** Sends a lane's batch and answers its calls; never throws (a failed batch's calls run alone). */
  async runBatch(batch: Pending[]): Promise<void> {
    let rows: ApplyRow[];
    try {
      rows = await this.execute(
        batch.map((p) => p.call.op),
        this.lockTimeoutMs,
      );
    } catch {
      this.counters.failedBatches++;
      for (const pending of batch) this.runAlone(pending.call).then(pending.resolve, pending.reject);
      return;
    }
    // The follow-ups of rare outcomes read the database: they run without holding up the lane.
    batch.forEach((pending, i) => {
      pending.call.finish(rows[i]!, this.options.db).then(pending.resolve, pending.reject);
    });
  }

  /** One call as its own statement, beside the lanes, waiting for its locks as long as they take. */
  private async runAlone<R>(call: LedgerCall<R>): Promise<R> {
    const user = call.userId ?? "";
    this.alone.set(user, (this.alone.get(user) ?? 0) + 1);
    this.counters.callsAlone++;
    try {
      const [row] = await this.execute([call.op], null);
      return await call.finish(row!, this.options.db);
    } finally {
      const left = this.alone.get(user)! - 1;
      if (left > 0) this.alone.set(user, left);
      else this.alone.delete(user);
    }
  }
}

/**
 * One statement in flight at a time; what arrives meanwhile is the next batch. A batch is sent at
 * the end of the event-loop turn it was started in (setImmediate), so every call made in that turn —
 * and, after a batch, every call its answers lead to — goes in it, rather than the first one alone.
 */
class Lane {
  private queue: Pending[] = [];
  private draining = false;

  constructor(
    private readonly pipeline: LedgerPipeline,
    private readonly maxBatch: number,
  ) {}

  push(pending: Pending): void {
    this.queue.push(pending);
    if (this.draining) return;
    this.draining = true;
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        // User-id order (stable: one user's calls keep their order) is the lock order of every batch.
        if (batch.length > 1) batch.sort((a, b) => compare(a.call.userId, b.call.userId));
        await this.pipeline.runBatch(batch);
        // Let the callers the batch answered make their next calls before the next batch leaves.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      this.draining = false;
    }
  }
}

function compare(a: string | null, b: string | null): number {
  const x = a ?? "";
  const y = b ?? "";
  return x < y ? -1 : x > y ? 1 : 0;
}

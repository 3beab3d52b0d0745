// The ledger pipeline: reserve, settle and release for a server process, with group commit.
//
// A metered call costs two durable commits — the hold before the model call, the charge after it —
// and on a small machine a commit (its statement, its WAL flush, the wake-ups around it) costs far
// more than the rows it writes. So calls are not sent one by one: each lane has at most one
// statement in flight, and the calls that arrive while it runs are sent together as the next one —
// `ledger_apply` over the list, one statement, one transaction, one commit. An idle lane sends a
// call at once (no timer, no added wait); under load a batch is as large as the load.
//
// What holds for every call is what holds for it alone (see apply.ts): it is applied after the calls
// before it in its batch, with its own conditional update and its own ledger row; its result is
// given only after the batch committed. A batch that fails as a whole (a deadlock with another
// process, a lost connection) is retried call by call, each on its own, so one call's failure is
// never another's: every operation is idempotent by its request or reservation id, so running one
// again after a commit whose answer was lost returns the first result.
//
// A user's calls always go to the same lane (by a hash of the user id), so no two batches of this
// process wait for the same balance row, and a hot user's calls are applied together instead of
// queueing for its row lock one transaction at a time. Within a batch, calls run in user-id order —
// the same lock order in every process — and in arrival order for one user.
import type pg from "pg";
import type { DbTx } from "../../db/client";
import {
  APPLY_SQL,
  releaseCall,
  reserveCall,
  settleCall,
  toApplyRow,
  type ApplyOp,
  type ApplyRow,
  type LedgerCall,
  type RawApplyRow,
  type ReleaseResult,
  type ReserveInput,
  type ReserveResult,
  type SettleInput,
  type SettleResult,
} from "./apply";

export interface LedgerPipelineOptions {
  /** node-postgres pool the batches run on (the app shares it with Prisma). */
  pool: pg.Pool;
  /** For the rare read-only follow-ups of a call (a repeated request id, a closed reservation). */
  db: DbTx;
  /** Statements in flight at once, at most (default 2). */
  lanes?: number;
  /** Calls per statement, at most (default 64): bounds how long one batch holds its row locks. */
  maxBatch?: number;
}

export interface PipelineStats {
  /** Statements sent (batches, and calls retried on their own). */
  statements: number;
  /** Calls applied. */
  calls: number;
  /** Batches that failed as a whole and were retried call by call. */
  retriedBatches: number;
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
  private readonly counters: PipelineStats = { statements: 0, calls: 0, retriedBatches: 0 };

  constructor(private readonly options: LedgerPipelineOptions) {
    const lanes = options.lanes ?? 2;
    const maxBatch = options.maxBatch ?? 64;
    if (!Number.isInteger(lanes) || lanes < 1) throw new RangeError("lanes must be a positive integer");
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError("maxBatch must be a positive integer");
    this.lanes = Array.from({ length: lanes }, () => new Lane(this, maxBatch));
  }

  // async: a call's bad input (a LedgerUsageError) is a rejected promise, as with the operations alone.
  async reserve(input: ReserveInput): Promise<ReserveResult> {
    return this.enqueue(reserveCall(input));
  }

  async settle({ userId, ...input }: SettleInput & { userId: string }): Promise<SettleResult> {
    return this.enqueue(settleCall(input, userId));
  }

  async release({ reservationId, userId }: { reservationId: string; userId: string }): Promise<ReleaseResult> {
    return this.enqueue(releaseCall(reservationId, userId));
  }

  /** What the pipeline has done so far (the bench reports the mean batch size from it). */
  stats(): PipelineStats {
    return { ...this.counters };
  }

  private enqueue<R>(call: LedgerCall<R>): Promise<R> {
    const lane = this.lanes[laneHash(call.userId ?? "") % this.lanes.length]!;
    return new Promise<R>((resolve, reject) => lane.push({ call, resolve: resolve as (value: unknown) => void, reject }));
  }

  /** Runs one statement of `ops`; throws what the database threw. */
  async execute(ops: ApplyOp[]): Promise<ApplyRow[]> {
    this.counters.statements++;
    const { rows } = await this.options.pool.query<RawApplyRow>({ name: STATEMENT_NAME, text: APPLY_SQL, values: [JSON.stringify(ops)] });
    if (rows.length !== ops.length) throw new Error(`ledger_apply answered ${rows.length} rows for ${ops.length} operations`);
    this.counters.calls += ops.length;
    return rows.map(toApplyRow);
  }

  /** Gives each call its result (the follow-ups of rare outcomes run without holding up the lane). */
  settleAll(batch: Pending[], rows: ApplyRow[]): void {
    batch.forEach((pending, i) => {
      pending.call.finish(rows[i]!, this.options.db).then(pending.resolve, pending.reject);
    });
  }

  noteRetry(): void {
    this.counters.retriedBatches++;
  }
}

/** One statement in flight at a time; what arrives meanwhile is the next batch. */
class Lane {
  private queue: Pending[] = [];
  private draining = false;

  constructor(
    private readonly pipeline: LedgerPipeline,
    private readonly maxBatch: number,
  ) {}

  push(pending: Pending): void {
    this.queue.push(pending);
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) await this.run(this.queue.splice(0, this.maxBatch));
    } finally {
      this.draining = false;
    }
  }

  private async run(arrived: Pending[]): Promise<void> {
    // User-id order (stable: one user's calls keep their order) is the lock order of every batch.
    const batch = arrived.length > 1 ? [...arrived].sort((a, b) => compare(a.call.userId, b.call.userId)) : arrived;
    try {
      this.pipeline.settleAll(batch, await this.pipeline.execute(batch.map((p) => p.call.op)));
      return;
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      this.pipeline.noteRetry();
    }
    // The batch failed as a whole and nothing of it was committed — or it was, and the answer was
    // lost: each call again, alone; a call that already took effect answers with its first result.
    for (const pending of batch) {
      try {
        this.pipeline.settleAll([pending], await this.pipeline.execute([pending.call.op]));
      } catch (error) {
        pending.reject(error);
      }
    }
  }
}

function compare(a: string | null, b: string | null): number {
  const x = a ?? "";
  const y = b ?? "";
  return x < y ? -1 : x > y ? 1 : 0;
}

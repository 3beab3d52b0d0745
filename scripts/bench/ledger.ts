// `npm run bench:ledger`: throughput and latency of the ledger's hot path — reserve then settle —
// on a fresh embedded PostgreSQL with its default, durable settings (fsync and synchronous commit
// on), through the ledger pipeline the app uses (lib/tokens/ledger/pipeline.ts: group commit over a
// node-postgres pool) with 32 concurrent clients, in several configurations side by side in one run
// (the machine's noise hits them alike: compare them with each other, not across runs):
//   • for each number of lanes (--lanes=1,2,4), and for the app's default lanes with durable holds
//     (asyncHolds off, as before issue 19): pairs/s spread over 10,000 users, and on one hot user;
//     p50/p99 of reserve and settle; the mean number of calls per statement (commit);
//   • the same pairs one call per statement (no group commit: a lane per client), spread, for scale;
//   • the raw floor: a single-statement conditional UPDATE … WHERE available >= x, through the same
//     pool, 32 at a time, spread and hot (2 × pairs/s is compared with it: a pair is two calls);
//   • correctness, for each configuration: 1,000 concurrent reserve+settle on a balance that covers
//     exactly 500; then the ledger invariant over the whole database.
// Ends with one line `BENCH {json}`. Exits 1 only when the ledger is wrong (overspend or a broken
// invariant); a missed performance target prints MISSED and still exits 0.
// Options: --seconds=N (measuring window per shape, default 5), --warmup=N (default 1), --lanes=1,2,4
// (the lane counts measured; the first of the BENCH figures is the app's default, DEFAULT_LEDGER_LANES).
import os from "node:os";
import pg from "pg";
import { createDb, createPool, type Db } from "../../lib/db/connect";
import { verifyLedger } from "../../lib/tokens/ledger";
import { releaseCall, reserveCall, settleCall, type LedgerCall } from "../../lib/tokens/ledger/apply";
import { DEFAULT_LEDGER_LANES, LedgerPipeline, type HotLedger } from "../../lib/tokens/ledger/pipeline";
import { prepareDatabase } from "../lib/database";
import {
  cpuSampler,
  exiting,
  numberArg,
  percentile,
  round,
  runLoad,
  startBenchServer,
  table,
  type CpuSnapshot,
  type LoadResult,
} from "./lib";

const USERS = 10_000;
const CLIENTS = 32;
const RESERVE = 2_000n; // millitokens held per call
const TTL_MS = 10 * 60_000;
/** Every bench account's purchased balance: far more than any run can spend. */
const BALANCE = 1_000_000_000_000n;
const CORRECT_CALLS = 1_000;
const CORRECT_COVERED = 500;
const CORRECT_AMOUNT = 1_000n;
const TARGETS = { pairsSpread: 3_000, pairsHot: 3_000, p99ReserveMs: 10, ratio: 0.5 };

const MEASURE_MS = numberArg("seconds", 5) * 1000;
const WARMUP_MS = numberArg("warmup", 1) * 1000;
const LANE_COUNTS = (process.argv.find((a) => a.startsWith("--lanes="))?.slice(8) ?? "1,2,4").split(",").map(Number);
if (!LANE_COUNTS.every((n) => Number.isInteger(n) && n >= 1 && n <= 32))
  throw new Error("--lanes must be a list of lane counts from 1 to 32, e.g. --lanes=1,2,4");

interface Config {
  name: string;
  lanes: number;
  asyncHolds: boolean;
}
const CONFIGS: Config[] = [
  ...LANE_COUNTS.map((lanes) => ({ name: `${lanes} lane${lanes > 1 ? "s" : ""}`, lanes, asyncHolds: true })),
  { name: `${DEFAULT_LEDGER_LANES} lanes, durable holds`, lanes: DEFAULT_LEDGER_LANES, asyncHolds: false },
];
const DEFAULT_CONFIG = CONFIGS.find((c) => c.lanes === DEFAULT_LEDGER_LANES && c.asyncHolds) ?? CONFIGS[0]!;

const spreadUser = (i: number) => `bench-user-${i}`;
const HOT_USER = "bench-hot";
const correctUser = (config: number) => `bench-correct-${config}`;
const randomSpreadUser = () => spreadUser(1 + Math.floor(Math.random() * USERS));
const log = (line: string) => console.log(`· ${line}`);

/** 10,000 spread accounts, the hot one and the correctness one, with a ledger row each. */
async function createAccounts(sql: pg.Client): Promise<void> {
  await sql.query("BEGIN");
  // (CREATE TABLE AS takes no bind parameters: the values are our own constants.)
  await sql.query(
    `CREATE TEMP TABLE bench_accounts ON COMMIT DROP AS
       SELECT 'bench-user-' || g AS id, ${BALANCE}::bigint AS balance FROM generate_series(1, ${USERS}) g
       UNION ALL SELECT '${HOT_USER}', ${BALANCE}::bigint
       UNION ALL SELECT 'bench-correct-' || g, ${BigInt(CORRECT_COVERED) * CORRECT_AMOUNT}::bigint
         FROM generate_series(0, ${CONFIGS.length - 1}) g`,
  );
  await sql.query(
    `INSERT INTO users (id, email, updated_at) SELECT id, id || '@bench.invalid', now() FROM bench_accounts`,
  );
  await sql.query(
    `INSERT INTO user_token_balance (user_id, allowance, purchased, reserved, period_start, next_reset_at, period_anchor)
     SELECT id, 0, balance, 0, now(), now() + interval '1 month', now() FROM bench_accounts`,
  );
  await sql.query(
    `INSERT INTO token_transactions (user_id, kind, allowance_delta, purchased_delta, allowance_after, purchased_after,
       source_type, source_ref, reason, idempotency_key)
     SELECT id, 'grant_pack', 0, balance, 0, balance, 'bench', 'bench-setup', 'bench:ledger set-up', 'bench:grant:' || id
     FROM bench_accounts`,
  );
  await sql.query("COMMIT");
  // Not token_reservations: analyzed while empty, it would be planned as empty — a sequential scan
  // cached per connection while the table grows, until autovacuum analyzes it again.
  await sql.query("ANALYZE users, user_token_balance, token_transactions");
}

// ─── the shapes ──────────────────────────────────────────────────────────────────────────────

let seq = 0;

interface Pairs extends LoadResult {
  /** Calls per statement (each statement is one transaction, one commit), over the measured window. */
  callsPerStatement: number;
}

/**
 * The hot path without group commit: each call its own statement (and commit) at once, on the same
 * pool — what a pair costs when calls are not sent together.
 */
function oneByOne(pipeline: LedgerPipeline, db: Db): HotLedger {
  const run = async <R>(call: LedgerCall<R>) => call.finish((await pipeline.execute([call.op], null))[0]!, db);
  return {
    reserve: (input) => run(reserveCall(input)),
    settle: ({ userId, ...input }) => run(settleCall(input, userId)),
    release: ({ reservationId, userId }) => run(releaseCall(reservationId, userId)),
  };
}

async function pairs(
  ledger: HotLedger,
  pipeline: LedgerPipeline,
  pickUser: () => string,
  shape: string,
  cpu: () => CpuSnapshot,
): Promise<Pairs> {
  const stats = () => pipeline.stats();
  let before = stats();
  const timer = setTimeout(() => (before = stats()), WARMUP_MS);
  const result = await runLoad({
    cpu,
    clients: CLIENTS,
    warmupMs: WARMUP_MS,
    measureMs: MEASURE_MS,
    unit: async (w, time) => {
      const userId = pickUser();
      const requestId = `bench-${shape}-${w}-${++seq}`;
      const held = await time("reserve", () =>
        ledger.reserve({ userId, amount: RESERVE, feature: "bench", requestId, ttlMs: TTL_MS }),
      );
      if (!held.ok) throw new Error(`reserve failed for ${userId}: ${held.error.type}`);
      const cost = 1_000n + BigInt(Math.floor(Math.random() * 1_001));
      const done = await time("settle", () => ledger.settle({ reservationId: held.reservation.id, userId, cost }));
      if (!done.ok) throw new Error(`settle failed for ${held.reservation.id}: ${done.error.type}`);
    },
  });
  clearTimeout(timer);
  const after = stats();
  // (The units finishing after the window still count here: a slight over-count of both.)
  return {
    ...result,
    callsPerStatement: (after.calls - before.calls) / Math.max(1, after.statements - before.statements),
  };
}

async function rawFloor(pool: pg.Pool, pickUser: () => string, cpu: () => CpuSnapshot): Promise<LoadResult> {
  return runLoad({
    cpu,
    clients: CLIENTS,
    warmupMs: WARMUP_MS,
    measureMs: MEASURE_MS,
    unit: async (_w, time) => {
      const userId = pickUser();
      const { rowCount } = await time("update", () =>
        pool.query({
          name: "bench_raw_floor",
          text: "UPDATE user_token_balance SET reserved = reserved + 0 WHERE user_id = $1 AND allowance + purchased - reserved >= $2",
          values: [userId, RESERVE.toString()],
        }),
      );
      if (rowCount !== 1) throw new Error(`the raw update changed ${rowCount} rows for ${userId}`);
    },
  });
}

interface Correctness {
  reserved: number;
  insufficient: number;
  otherFailures: number;
  settled: number;
  chargedMillitokens: bigint;
  shortfallMillitokens: bigint;
  initialMillitokens: bigint;
  final: { allowance: bigint; purchased: bigint; reserved: bigint };
  overspendTokens: number;
  correct500: boolean;
}

async function correctness(ledger: LedgerPipeline, sql: pg.Client, correctUserId: string): Promise<Correctness> {
  const initial = BigInt(CORRECT_COVERED) * CORRECT_AMOUNT;
  let reserved = 0;
  let insufficient = 0;
  let otherFailures = 0;
  let settled = 0;
  let charged = 0n;
  let shortfall = 0n;
  await Promise.all(
    Array.from({ length: CORRECT_CALLS }, async (_, i) => {
      try {
        const held = await ledger.reserve({
          userId: correctUserId,
          amount: CORRECT_AMOUNT,
          feature: "bench",
          requestId: `${correctUserId}-${i}`,
          ttlMs: TTL_MS,
        });
        if (!held.ok) {
          if (held.error.type === "InsufficientTokens") insufficient++;
          else otherFailures++;
          return;
        }
        reserved++;
        const done = await ledger.settle({
          reservationId: held.reservation.id,
          userId: correctUserId,
          cost: CORRECT_AMOUNT,
        });
        if (!done.ok) {
          otherFailures++;
          return;
        }
        settled++;
        charged += done.charged;
        shortfall += done.shortfall;
      } catch (error) {
        otherFailures++;
        console.error(`correctness call ${i} threw:`, error);
      }
    }),
  );
  const { rows } = await sql.query<{ allowance: string; purchased: string; reserved: string; charged: string }>(
    `SELECT b.allowance::text, b.purchased::text, b.reserved::text,
       (SELECT coalesce(-sum(allowance_delta + purchased_delta), 0) FROM token_transactions
        WHERE user_id = b.user_id AND kind = 'consume')::text AS charged
     FROM user_token_balance b WHERE b.user_id = $1`,
    [correctUserId],
  );
  const row = rows[0]!;
  const final = { allowance: BigInt(row.allowance), purchased: BigInt(row.purchased), reserved: BigInt(row.reserved) };
  // Spent as the ledger records it (not only what the callers were told).
  const spent = BigInt(row.charged) > charged ? BigInt(row.charged) : charged;
  const overspend = spent > initial ? spent - initial : 0n;
  const correct500 =
    reserved === CORRECT_COVERED &&
    settled === CORRECT_COVERED &&
    insufficient === CORRECT_CALLS - CORRECT_COVERED &&
    otherFailures === 0 &&
    charged === initial &&
    shortfall === 0n &&
    final.allowance === 0n &&
    final.purchased === 0n &&
    final.reserved === 0n;
  return {
    reserved,
    insufficient,
    otherFailures,
    settled,
    chargedMillitokens: charged,
    shortfallMillitokens: shortfall,
    initialMillitokens: initial,
    final,
    overspendTokens: Number(overspend) / 1000,
    correct500,
  };
}

// ─── the run ─────────────────────────────────────────────────────────────────────────────────

const ms = (v: number) => round(v, 2);
/** CPU per unit (client + server, ms) and cores used (client / server / everything else). */
const cpuCols = (r: LoadResult) =>
  r.cores
    ? [
        `${((r.cores.node * 1000) / r.perSecond).toFixed(2)}+${((r.cores.pg * 1000) / r.perSecond).toFixed(2)}`,
        `${r.cores.node.toFixed(2)}/${r.cores.pg.toFixed(2)}/${r.cores.other.toFixed(2)}`,
      ]
    : ["", ""];
const mark = (ok: boolean) => (ok ? "met" : "MISSED");

async function main(): Promise<number> {
  const started = Date.now();
  const load = os.loadavg()[0]!;
  console.log(
    `bench:ledger — ${os.cpus().length} CPUs (load average ${load.toFixed(2)} before the run), ${CLIENTS} clients, ` +
      `${WARMUP_MS / 1000} s warm-up + ${MEASURE_MS / 1000} s per shape`,
  );
  const server = await startBenchServer(`bench-ledger-${process.pid}`, log);
  let db: Db | null = null;
  let pool: pg.Pool | null = null;
  const sql = new pg.Client({ connectionString: server.url });
  // The server going away (Ctrl-C reaches it too) ends the run through the exit hook, not a crash.
  sql.on("error", (error) => {
    if (!exiting()) console.error("bench:ledger: connection error:", error.message);
  });
  try {
    await prepareDatabase(server.url, log);
    await sql.connect();
    const settings = await sql.query<{ name: string; setting: string }>(
      `SELECT name, setting FROM pg_settings
       WHERE name IN ('server_version', 'fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'shared_buffers')
       ORDER BY name`,
    );
    log(`postgres: ${settings.rows.map((r) => `${r.name}=${r.setting}`).join(", ")}`);
    const t = Date.now();
    await createAccounts(sql);
    log(`created ${USERS} spread accounts + hot + correctness account in ${Date.now() - t} ms`);
    await sql.query("CHECKPOINT");

    const cpu = cpuSampler(server.dataDir);
    pool = createPool(server.url, CLIENTS);
    db = createDb(pool);
    await db.$queryRaw`SELECT 1`;
    interface Measured {
      config: Config;
      spread: Pairs;
      hot: Pairs;
      correct: Correctness;
      failedBatches: number;
    }
    const measured: Measured[] = [];
    for (const [i, config] of CONFIGS.entries()) {
      const ledger = new LedgerPipeline({ pool, db, lanes: config.lanes, asyncHolds: config.asyncHolds });
      log(`pairs, spread (${config.name})…`);
      const spread = await pairs(ledger, ledger, randomSpreadUser, `spread-${i}`, cpu);
      log(`pairs, hot (${config.name})…`);
      const hot = await pairs(ledger, ledger, () => HOT_USER, `hot-${i}`, cpu);
      log(
        `correctness (${config.name}): ${CORRECT_CALLS} concurrent reserve+settle on a balance covering ${CORRECT_COVERED}…`,
      );
      const correct = await correctness(ledger, sql, correctUser(i));
      measured.push({ config, spread, hot, correct, failedBatches: ledger.stats().failedBatches });
      if (exiting()) return 130;
    }
    const base = new LedgerPipeline({ pool, db, lanes: 1 });
    log("pairs, spread, one call per statement…");
    const spreadAlone = await pairs(oneByOne(base, db), base, randomSpreadUser, "alone", cpu);
    log("raw floor, spread…");
    const rawSpread = await rawFloor(pool, randomSpreadUser, cpu);
    log("raw floor, hot…");
    const rawHot = await rawFloor(pool, () => HOT_USER, cpu);
    const t2 = Date.now();
    const verified = await verifyLedger(db);
    log(
      `verifyLedger: ${verified.usersChecked} balances, ${verified.mismatches.length} mismatches (${Date.now() - t2} ms)`,
    );
    for (const m of verified.mismatches.slice(0, 10))
      console.log(`  MISMATCH ${m.userId}: ${m.problem} expected ${m.expected} actual ${m.actual}`);

    if (exiting()) return 130;
    const loads: [string, LoadResult][] = [
      ...measured.flatMap((m): [string, LoadResult][] => [
        [`pairs spread, ${m.config.name}`, m.spread],
        [`pairs hot, ${m.config.name}`, m.hot],
      ]),
      ["pairs alone", spreadAlone],
      ["raw spread", rawSpread],
      ["raw hot", rawHot],
    ];
    const errors = loads.reduce((n, [, r]) => n + r.errors, 0);
    for (const [name, r] of loads) {
      if (r.errors)
        console.log(
          `  ${name}: ${r.errors} errors, first: ${String((r.firstError as Error)?.message ?? r.firstError)}`,
        );
    }

    const pairRow = (shape: string, r: Pairs) => [
      shape,
      round(r.perSecond),
      r.units,
      round(r.callsPerStatement, 1),
      ms(percentile(r.latencies.get("reserve"), 50)),
      ms(percentile(r.latencies.get("reserve"), 99)),
      ms(percentile(r.latencies.get("settle"), 50)),
      ms(percentile(r.latencies.get("settle"), 99)),
      ...cpuCols(r),
    ];
    const rawRow = (shape: string, r: LoadResult) => [
      shape,
      round(r.perSecond),
      r.units,
      1,
      ms(percentile(r.latencies.get("update"), 50)),
      ms(percentile(r.latencies.get("update"), 99)),
      "",
      "",
      ...cpuCols(r),
    ];
    console.log("");
    console.log(
      table(
        [
          "shape",
          "per s",
          "count",
          "calls/commit",
          "p50 ms",
          "p99 ms",
          "settle p50",
          "settle p99",
          "CPU ms/unit",
          "cores",
        ],
        [
          ...measured.flatMap((m) => [
            pairRow(`pairs, spread (10,000 users), ${m.config.name}`, m.spread),
            pairRow(`pairs, hot (1 user), ${m.config.name}`, m.hot),
          ]),
          pairRow("  pairs, spread, one call per statement", spreadAlone),
          rawRow("raw conditional UPDATE tx, spread", rawSpread),
          rawRow("raw conditional UPDATE tx, hot", rawHot),
        ],
      ),
    );
    console.log(
      `(calls/commit: calls per statement, each its own transaction. p50/p99 ms: reserve for pairs, the UPDATE for raw. ` +
        `CPU ms/unit: this process + PostgreSQL per pair or tx. ` +
        `cores: used by this process / PostgreSQL / anything else, of ${os.cpus().length})`,
    );
    const otherMax = Math.max(...loads.map(([, r]) => r.cores?.other ?? 0));
    if (otherMax > 0.25) {
      console.log(
        `WARNING: other programs used up to ${otherMax.toFixed(2)} cores while measuring: the figures above understate this code.`,
      );
    }

    const chosen = measured.find((m) => m.config === DEFAULT_CONFIG)!;
    const { spread, hot } = chosen;
    const p99Reserve = percentile(spread.latencies.get("reserve"), 99);
    const p99ReserveHot = percentile(hot.latencies.get("reserve"), 99);
    const ratioSpread = (2 * spread.perSecond) / rawSpread.perSecond;
    const ratioHot = (2 * hot.perSecond) / rawHot.perSecond;
    console.log("");
    console.log(`targets, for the app's default (${DEFAULT_CONFIG.name}):`);
    console.log(
      table(
        ["target", "value", "goal", "result"],
        [
          [
            "pairs/s spread",
            round(spread.perSecond),
            `≥ ${TARGETS.pairsSpread}`,
            mark(spread.perSecond >= TARGETS.pairsSpread),
          ],
          ["pairs/s hot", round(hot.perSecond), `≥ ${TARGETS.pairsHot}`, mark(hot.perSecond >= TARGETS.pairsHot)],
          [
            "p99 reserve ms (spread)",
            ms(p99Reserve),
            `≤ ${TARGETS.p99ReserveMs}`,
            mark(p99Reserve <= TARGETS.p99ReserveMs),
          ],
          [
            "p99 reserve ms (hot)",
            ms(p99ReserveHot),
            `≤ ${TARGETS.p99ReserveMs}`,
            mark(p99ReserveHot <= TARGETS.p99ReserveMs),
          ],
          ["2×pairs / raw, spread", round(ratioSpread, 3), `≥ ${TARGETS.ratio}`, mark(ratioSpread >= TARGETS.ratio)],
          ["2×pairs / raw, hot", round(ratioHot, 3), `≥ ${TARGETS.ratio}`, mark(ratioHot >= TARGETS.ratio)],
        ],
      ),
    );

    const invariantOk = verified.mismatches.length === 0;
    console.log("");
    for (const { config, correct, failedBatches } of measured) {
      console.log(
        `correctness (${config.name}): ${correct.reserved} reserved, ${correct.insufficient} InsufficientTokens, ${correct.otherFailures} other failures; ` +
          `charged ${correct.chargedMillitokens} of ${correct.initialMillitokens} millitokens, shortfall ${correct.shortfallMillitokens}; ` +
          `final allowance/purchased/reserved ${correct.final.allowance}/${correct.final.purchased}/${correct.final.reserved}; ` +
          `overspend ${correct.overspendTokens} tokens; failed batches ${failedBatches} — ${correct.correct500 ? "correct" : "WRONG"}`,
      );
    }
    console.log(
      `invariant: ${invariantOk ? "ok" : "BROKEN"} over ${verified.usersChecked} balances; load errors: ${errors}; total ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    const overspend = Math.max(...measured.map((m) => m.correct.overspendTokens));
    const figures = (m: Measured) => ({
      pairs_per_s_spread: round(m.spread.perSecond),
      pairs_per_s_hot: round(m.hot.perSecond),
      p50_reserve_ms: ms(percentile(m.spread.latencies.get("reserve"), 50)),
      p99_reserve_ms: ms(percentile(m.spread.latencies.get("reserve"), 99)),
      p99_reserve_hot_ms: ms(percentile(m.hot.latencies.get("reserve"), 99)),
      p99_settle_ms: ms(percentile(m.spread.latencies.get("settle"), 99)),
      calls_per_commit_spread: round(m.spread.callsPerStatement, 1),
      calls_per_commit_hot: round(m.hot.callsPerStatement, 1),
      pg_cores_spread: round(m.spread.cores?.pg ?? 0, 2),
    });
    const bench = {
      ...figures(chosen),
      p50_settle_ms: ms(percentile(spread.latencies.get("settle"), 50)),
      p50_reserve_hot_ms: ms(percentile(hot.latencies.get("reserve"), 50)),
      p50_settle_hot_ms: ms(percentile(hot.latencies.get("settle"), 50)),
      p99_settle_hot_ms: ms(percentile(hot.latencies.get("settle"), 99)),
      configs: Object.fromEntries(measured.map((m) => [m.config.name, figures(m)])),
      pairs_per_s_spread_one_per_statement: round(spreadAlone.perSecond),
      raw_tps_spread: round(rawSpread.perSecond),
      raw_tps_hot: round(rawHot.perSecond),
      ratio_spread: round(ratioSpread, 3),
      ratio_hot: round(ratioHot, 3),
      overspend,
      correct_500: measured.every((m) => m.correct.correct500),
      invariant_ok: invariantOk,
      load_errors: errors,
      clients: CLIENTS,
      lanes: DEFAULT_CONFIG.lanes,
      users: USERS,
      seconds: MEASURE_MS / 1000,
      loadavg_before: round(load, 2),
      other_cores_max: round(otherMax, 2),
    };
    console.log(`BENCH ${JSON.stringify(bench)}`);
    return overspend !== 0 || !invariantOk ? 1 : 0;
  } finally {
    await db?.$disconnect().catch(() => {});
    await pool?.end().catch(() => {});
    await sql.end().catch(() => {});
    await server.cleanup();
  }
}

let code = 1;
try {
  code = await main();
} catch (error) {
  if (!exiting()) console.error("bench:ledger failed:", error);
  code = exiting() ? 130 : 1;
}
process.exit(code);

// `npm run bench:prepared`: what DATABASE_PREPARED_STATEMENTS=off costs the ledger's hot path, side
// by side in one run (the machine is shared and noisy: compare the ratios, not the absolute figures).
// On a fresh embedded PostgreSQL with its durable defaults, 32 clients make reserve+settle pairs
// through the ledger pipeline over 10,000 users, then one call per statement (no group commit,
// where the planning of each statement counts most), each:
//   • direct, prepared (named statements: the default),
//   • direct, unnamed (DATABASE_PREPARED_STATEMENTS=off),
//   • through PgBouncer in transaction mode, unnamed (Debian's 1.18 cannot take named statements).
// Ends with one line `BENCH {json}`. Options: --seconds=N (default 5), --warmup=N (default 1).
import path from "node:path";
import pg from "pg";
import { createDb, createPool, type Db } from "../../lib/db/connect";
import { reserveCall, settleCall, type LedgerCall } from "../../lib/tokens/ledger/apply";
import { LedgerPipeline, type HotLedger } from "../../lib/tokens/ledger/pipeline";
import { prepareDatabase } from "../lib/database";
import { startPgBouncer } from "../lib/pgbouncer";
import { numberArg, percentile, round, runLoad, startBenchServer, table } from "./lib";

const USERS = 10_000;
const CLIENTS = 32;
const MEASURE_MS = numberArg("seconds", 5) * 1000;
const WARMUP_MS = numberArg("warmup", 1) * 1000;
const log = (line: string) => console.log(`· ${line}`);

async function createAccounts(sql: pg.Client): Promise<void> {
  await sql.query("BEGIN");
  await sql.query(
    `INSERT INTO users (id, email, updated_at) SELECT 'u-' || g, 'u-' || g || '@bench.invalid', now() FROM generate_series(1, ${USERS}) g`,
  );
  await sql.query(
    `INSERT INTO user_token_balance (user_id, allowance, purchased, reserved, period_start, next_reset_at, period_anchor)
     SELECT 'u-' || g, 0, 1000000000000, 0, now(), now() + interval '1 month', now() FROM generate_series(1, ${USERS}) g`,
  );
  await sql.query(
    `INSERT INTO token_transactions (user_id, kind, allowance_delta, purchased_delta, allowance_after, purchased_after,
       source_type, source_ref, reason, idempotency_key)
     SELECT 'u-' || g, 'grant_pack', 0, 1000000000000, 0, 1000000000000, 'bench', 'bench-setup', 'bench:prepared', 'bench:grant:' || g
     FROM generate_series(1, ${USERS}) g`,
  );
  await sql.query("COMMIT");
  await sql.query("ANALYZE users, user_token_balance, token_transactions");
}

/** Each call its own statement at once: no group commit. */
function oneByOne(pipeline: LedgerPipeline, db: Db): HotLedger {
  const run = async <R>(call: LedgerCall<R>) => call.finish((await pipeline.execute([call.op], null))[0]!, db);
  return {
    reserve: (input) => run(reserveCall(input)),
    settle: ({ userId, ...input }) => run(settleCall(input, userId)),
    release: () => Promise.reject(new Error("unused")),
  };
}

let seq = 0;
async function pairs(ledger: HotLedger, shape: string) {
  const result = await runLoad({
    clients: CLIENTS,
    warmupMs: WARMUP_MS,
    measureMs: MEASURE_MS,
    unit: async (w, time) => {
      const userId = `u-${1 + Math.floor(Math.random() * USERS)}`;
      const requestId = `bench-${shape}-${w}-${++seq}`;
      const held = await time("reserve", () =>
        ledger.reserve({ userId, amount: 2_000n, feature: "bench", requestId, ttlMs: 600_000 }),
      );
      if (!held.ok) throw new Error(`reserve failed: ${held.error.type}`);
      const done = await time("settle", () =>
        ledger.settle({ reservationId: held.reservation.id, userId, cost: 1_500n }),
      );
      if (!done.ok) throw new Error(`settle failed: ${done.error.type}`);
    },
  });
  if (result.errors > 0) throw new Error(`${shape}: ${result.errors} errors, first: ${String(result.firstError)}`);
  return {
    pairsPerSecond: round(result.perSecond),
    p99ReserveMs: round(percentile(result.latencies.get("reserve"), 99), 1),
  };
}

const server = await startBenchServer(`bench-prepared-${process.pid}`, log);
await prepareDatabase(server.url, log);
const sql = new pg.Client({ connectionString: server.url });
await sql.connect();
await createAccounts(sql);
await sql.query("CHECKPOINT");
const bouncer = await startPgBouncer({
  serverUrl: server.url,
  dir: path.join(server.dataDir, "..", `pgbouncer-${process.pid}`),
});
log(`${bouncer.version} in transaction mode on port ${bouncer.port}`);

const modes = [
  { mode: "direct, prepared", url: server.url, preparedStatements: true },
  { mode: "direct, unnamed", url: server.url, preparedStatements: false },
  { mode: "pgbouncer, unnamed", url: bouncer.url(new URL(server.url).pathname.slice(1)), preparedStatements: false },
];
const results: Record<string, { batched: unknown; alone: unknown }> = {};
try {
  for (const { mode, url, preparedStatements } of modes) {
    const pool = createPool(url, CLIENTS, undefined, { preparedStatements });
    const db = createDb(pool);
    try {
      const pipeline = new LedgerPipeline({ pool, db });
      log(`${mode}: pipeline…`);
      const batched = await pairs(pipeline, "batched");
      log(`${mode}: one call per statement…`);
      const alone = await pairs(oneByOne(pipeline, db), "alone");
      results[mode] = { batched, alone };
    } finally {
      await db.$disconnect();
      await pool.end();
    }
  }
} finally {
  await sql.end();
  await bouncer.close();
}
type Figures = { pairsPerSecond: number; p99ReserveMs: number };
const base = results["direct, prepared"]!;
console.log(
  table(
    ["mode", "pipeline pairs/s", "p99 reserve ms", "vs prepared", "alone pairs/s", "p99 reserve ms", "vs prepared"],
    Object.entries(results).map(([mode, r]) => {
      const b = r.batched as Figures;
      const a = r.alone as Figures;
      const ratio = (x: Figures, y: Figures) => `${round(x.pairsPerSecond / y.pairsPerSecond, 2)}×`;
      return [
        mode,
        b.pairsPerSecond,
        b.p99ReserveMs,
        ratio(b, base.batched as Figures),
        a.pairsPerSecond,
        a.p99ReserveMs,
        ratio(a, base.alone as Figures),
      ];
    }),
  ),
);
console.log(
  `BENCH ${JSON.stringify({ bench: "prepared-statements", clients: CLIENTS, seconds: MEASURE_MS / 1000, results })}`,
);
process.exit(0);

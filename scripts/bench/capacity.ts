// `npm run bench:capacity`: what one metered call costs the database, for docs/SCALING.md. A metered
// call is, in the database, one reserve and one settle through the ledger pipeline
// (lib/tokens/ledger/pipeline.ts) — bench:meter counts 2 round trips per request, nothing else —
// so this drives reserve+settle pairs, spread over 10,000 users, on a fresh embedded PostgreSQL with
// its default, durable settings, at two loads: 32 concurrent clients (calls grouped into shared
// statements and commits, as under load) and 1 client (each call its own commit, as when idle).
// Measured per call (a call = one reserve + one settle):
//   • PostgreSQL CPU: utime+stime of the postmaster and all its children (/proc/<pid>/stat) over
//     the window ÷ calls — µs of one core; cores for N calls/s = N × that ÷ 1e6;
//   • WAL: pg_current_wal_insert_lsn() difference ÷ calls, and pg_stat_wal's records and
//     full-page images (the first change of a page after a checkpoint logs the whole 8 KiB page);
//   • storage: what the loads added to token_transactions and token_reservations, heap + TOAST +
//     indexes (pg_total_relation_size, after a VACUUM) ÷ the rows they added, each consume row
//     carrying a real usage breakdown of the cost engine; and whether pg_stat_statements could be used here (it needs
//     shared_preload_libraries, which the embedded server does not set).
// Ends with one line `BENCH {json}`. Options: --seconds=N (window per load, default 10), --warmup=N
// (default 2), --clients=N (default 32).
import os from "node:os";
import pg from "pg";
import { createDb, createPool, type Db } from "../../lib/db/connect";
import { costEngine } from "../../lib/tokens/cost";
import { verifyLedger } from "../../lib/tokens/ledger";
import { LedgerPipeline } from "../../lib/tokens/ledger/pipeline";
import { prepareDatabase } from "../lib/database";
import { cpuSampler, exiting, numberArg, round, runLoad, startBenchServer, table, type CpuSnapshot } from "./lib";

const USERS = 10_000;
const BALANCE = 1_000_000_000_000n;
const RESERVE = 6_000n;
const MEASURE_MS = numberArg("seconds", 10) * 1000;
const WARMUP_MS = numberArg("warmup", 2) * 1000;
const CLIENTS = numberArg("clients", 32, { integer: true });

const log = (line: string) => console.log(`· ${line}`);
const engine = costEngine({ version: 1 });
const MODEL = "gpt-5-mini";
/** A typical text call: the usage record every consume row carries (what the chat route writes). */
const usageOf = (outputTokens: number) => {
  const usage = engine.textUsage({ inputTokens: 850, cachedInputTokens: 0, outputTokens, reasoningTokens: 128 });
  const cost = engine.costOf(MODEL, usage);
  return { cost, usage: engine.breakdown(MODEL, usage, cost) };
};

async function createAccounts(sql: pg.Client): Promise<void> {
  await sql.query("BEGIN");
  await sql.query(
    `CREATE TEMP TABLE bench_accounts ON COMMIT DROP AS
       SELECT 'cap-user-' || g AS id, ${BALANCE}::bigint AS balance FROM generate_series(1, ${USERS}) g`,
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
     SELECT id, 'grant_pack', 0, balance, 0, balance, 'bench', 'bench-setup', 'bench:capacity set-up', 'cap:grant:' || id
     FROM bench_accounts`,
  );
  await sql.query("COMMIT");
  await sql.query("ANALYZE users, user_token_balance, token_transactions");
}

interface Wal {
  lsn: string;
  records: number;
  fpi: number;
}
const walNow = async (sql: pg.Client): Promise<Wal> => {
  const { rows } = await sql.query<{ lsn: string; records: string; fpi: string }>(
    "SELECT pg_current_wal_insert_lsn()::text AS lsn, wal_records::text AS records, wal_fpi::text AS fpi FROM pg_stat_wal",
  );
  return { lsn: rows[0]!.lsn, records: Number(rows[0]!.records), fpi: Number(rows[0]!.fpi) };
};
const walBytes = async (sql: pg.Client, a: Wal, b: Wal) =>
  Number((await sql.query<{ d: string }>("SELECT pg_wal_lsn_diff($1, $2)::text AS d", [b.lsn, a.lsn])).rows[0]!.d);

let seq = 0;

/** One load: pairs for the window; the database's CPU and WAL per call over exactly that window. */
async function measure(ledger: LedgerPipeline, sql: pg.Client, cpu: () => CpuSnapshot, clients: number) {
  await sql.query("CHECKPOINT"); // every load starts with the same full-page-image debt
  let cpu0: CpuSnapshot | null = null;
  let wal0: Wal | null = null;
  let calls0 = 0;
  let calls = 0;
  const started = setTimeout(() => {
    cpu0 = cpu();
    calls0 = calls;
    void walNow(sql).then((w) => (wal0 = w));
  }, WARMUP_MS);
  const result = await runLoad({
    clients,
    warmupMs: WARMUP_MS,
    measureMs: MEASURE_MS,
    unit: async (w) => {
      const userId = `cap-user-${1 + Math.floor(Math.random() * USERS)}`;
      const held = await ledger.reserve({
        userId,
        amount: RESERVE,
        feature: "chat",
        requestId: `cap-${clients}-${w}-${++seq}`,
        ttlMs: 600_000,
        pricingVersion: 1,
      });
      if (!held.ok) throw new Error(`reserve failed: ${held.error.type}`);
      const { cost, usage } = usageOf(200 + Math.floor(Math.random() * 400));
      const done = await ledger.settle({ reservationId: held.reservation.id, userId, cost, usage, pricingVersion: 1 });
      if (!done.ok) throw new Error(`settle failed: ${done.error.type}`);
      calls++;
    },
  });
  clearTimeout(started);
  const cpu1 = cpu();
  const wal1 = await walNow(sql);
  const n = calls - calls0;
  const pgCpuUs = ((cpu1.pgMs - cpu0!.pgMs) * 1000) / n;
  const bytes = await walBytes(sql, wal0!, wal1);
  return {
    clients,
    callsPerSecond: round(n / ((cpu1.at - cpu0!.at) / 1000)),
    pgCpuUsPerCall: round(pgCpuUs, 1),
    nodeCpuUsPerCall: round(((cpu1.nodeMs - cpu0!.nodeMs) * 1000) / n, 1),
    walBytesPerCall: round(bytes / n),
    walRecordsPerCall: round((wal1.records - wal0!.records) / n, 2),
    fullPageImagesPerCall: round((wal1.fpi - wal0!.fpi) / n, 3),
    errors: result.errors,
  };
}

interface Sizes {
  [table: string]: { rows: number; total: number; heap: number; indexes: number };
}

/** Rows (exact) and bytes of the ledger's two growing tables, after a VACUUM (the free space map settled). */
async function sizes(sql: pg.Client): Promise<Sizes> {
  await sql.query("VACUUM ANALYZE token_transactions, token_reservations");
  const { rows } = await sql.query<{ table: string; rows: string; total: string; heap: string; indexes: string }>(
    `SELECT 'token_transactions' AS table, (SELECT count(*) FROM token_transactions)::text AS rows,
            pg_total_relation_size('token_transactions')::text AS total,
            pg_relation_size('token_transactions')::text AS heap, pg_indexes_size('token_transactions')::text AS indexes
     UNION ALL
     SELECT 'token_reservations', (SELECT count(*) FROM token_reservations)::text,
            pg_total_relation_size('token_reservations')::text,
            pg_relation_size('token_reservations')::text, pg_indexes_size('token_reservations')::text`,
  );
  return Object.fromEntries(
    rows.map((r) => [
      r.table,
      { rows: Number(r.rows), total: Number(r.total), heap: Number(r.heap), indexes: Number(r.indexes) },
    ]),
  );
}

/** Bytes per row the loads added (their consume rows and reservations, not the set-up's grants). */
function growth(before: Sizes, after: Sizes) {
  return Object.fromEntries(
    Object.keys(after).map((table) => {
      const a = before[table]!;
      const b = after[table]!;
      const rows = b.rows - a.rows;
      return [
        table,
        {
          rowsAdded: rows,
          bytesPerRow: round((b.total - a.total) / rows),
          heapBytesPerRow: round((b.heap - a.heap) / rows),
          indexBytesPerRow: round((b.indexes - a.indexes) / rows),
        },
      ];
    }),
  );
}

async function main(): Promise<number> {
  const load = os.loadavg()[0]!;
  console.log(
    `bench:capacity — ${os.cpus().length} CPUs (load average ${load.toFixed(2)} before the run), ` +
      `${WARMUP_MS / 1000} s warm-up + ${MEASURE_MS / 1000} s per load`,
  );
  const server = await startBenchServer(`bench-capacity-${process.pid}`, log);
  const sql = new pg.Client({ connectionString: server.url });
  sql.on("error", (error) => {
    if (!exiting()) console.error("bench:capacity: connection error:", error.message);
  });
  let pool: pg.Pool | null = null;
  let db: Db | null = null;
  try {
    await prepareDatabase(server.url, log);
    await sql.connect();
    const statements = await sql.query<{ available: boolean; preloaded: string }>(
      `SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements') AS available,
              current_setting('shared_preload_libraries') AS preloaded`,
    );
    const pgStatStatements =
      statements.rows[0]!.available && statements.rows[0]!.preloaded.includes("pg_stat_statements");
    log(
      `pg_stat_statements: ${statements.rows[0]!.available ? "shipped" : "not shipped"}, ` +
        `${pgStatStatements ? "preloaded" : "not preloaded"} → CPU from /proc`,
    );
    await createAccounts(sql);
    const sizesBefore = await sizes(sql);
    const cpu = cpuSampler(server.dataDir);
    pool = createPool(server.url, Math.max(CLIENTS, 2));
    db = createDb(pool);
    const ledger = new LedgerPipeline({ pool, db });
    log(`${CLIENTS} clients…`);
    const busy = await measure(ledger, sql, cpu, CLIENTS);
    log("1 client…");
    const idle = await measure(ledger, sql, cpu, 1);
    const stored = growth(sizesBefore, await sizes(sql));
    const verified = await verifyLedger(db);
    if (exiting()) return 130;
    console.log(
      table(
        ["load", "calls/s", "pg CPU µs/call", "node CPU µs/call", "WAL B/call", "WAL records/call", "FPI/call"],
        [busy, idle].map((r) => [
          `${r.clients} clients`,
          r.callsPerSecond,
          r.pgCpuUsPerCall,
          r.nodeCpuUsPerCall,
          r.walBytesPerCall,
          r.walRecordsPerCall,
          r.fullPageImagesPerCall,
        ]),
      ),
    );
    console.log(
      table(
        ["table", "rows added", "B/row (all)", "heap B/row", "index B/row"],
        Object.entries(stored).map(([name, s]) => [
          name,
          s.rowsAdded,
          s.bytesPerRow,
          s.heapBytesPerRow,
          s.indexBytesPerRow,
        ]),
      ),
    );
    const ok = busy.errors === 0 && idle.errors === 0 && verified.mismatches.length === 0;
    console.log(
      `BENCH ${JSON.stringify({
        bench: "capacity",
        cpus: os.cpus().length,
        loadAverageBefore: round(load, 2),
        pgStatStatements,
        busy,
        idle,
        storage: stored,
        ledgerMismatches: verified.mismatches.length,
      })}`,
    );
    return ok ? 0 : 1;
  } finally {
    await db?.$disconnect().catch(() => {});
    await pool?.end().catch(() => {});
    await sql.end().catch(() => {});
    await server.cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

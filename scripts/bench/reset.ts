// `npm run bench:reset`: the monthly reset over 100,000 due accounts on a fresh embedded PostgreSQL
// with its default, durable settings. The accounts are mixed: free ones anchored on every day of the
// month (the 29th–31st included) and paid ones on each plan whose new period has been synced; 5,000
// past_due ones on top are examined and left alone. Measures the full run and the no-op rerun, then checks that no
// period was granted twice and that the ledger invariant holds over the whole database.
// Ends with one line `BENCH {json}`. Exits 1 when something was granted twice or the ledger is
// wrong; a missed time target prints MISSED and still exits 0. The target follows the size: 5 s for
// 100,000 accounts, 60 s for the documented 1,000,000-account run (`runTarget`).
// Linearity shows within one run: the wall time per account of each tenth of the run, and the
// server's WAL bytes, full-page images, checkpoints and buffer reads per account (a cost that grows
// with the database shows up as later tenths slower and more full-page images per account).
// Also prints the CPU the run cost PostgreSQL and the bench process, and the cores the rest of the
// machine kept busy meanwhile: on a shared machine the wall time follows the neighbours, the CPU
// time per account much less.
// Options: --users=N (default 100000), --batch=N (accounts per statement, default 5000),
// --concurrency=N (batches in flight at once, default 2), --statements (pg_stat_statements: the run's
// costliest statements, triggers' and foreign-key checks' included).
import { createDb, type Db } from "../../lib/db/connect";
import { verifyLedger } from "../../lib/tokens/ledger";
import { getActivePricing } from "../../lib/tokens/pricing-config";
import { resetMonthlyTokens } from "../../lib/tokens/reset/monthly-reset";
import { resetLogLine } from "../../lib/tokens/reset/report";
import { prepareDatabase } from "../lib/database";
import { coresUsed, cpuSampler, exiting, numberArg, round, startBenchServer } from "./lib";

/** A `--name=value` (or `--name value`) argument, checked as a PostgreSQL size like 2GB; null when absent. */
function stringArg(name: string): string | null {
  const args = process.argv.slice(2);
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return null;
  const value = args[i]!.includes("=") ? args[i]!.slice(name.length + 3) : args[i + 1];
  if (!value || !/^\d+(kB|MB|GB)$/.test(value)) throw new Error(`--${name} takes a size such as 2GB, not ${value}`);
  return value;
}

const NOW = new Date("2026-11-24T12:00:00.000Z");

const USERS = numberArg("users", 100_000, { integer: true });
/**
 * The time targets for USERS accounts: issue 19's two goals, 5 s for 100,000 and 60 s for
 * 1,000,000 (the documented run), a straight line between them, 5 s below and 60 s a million above.
 */
function runTarget(users: number): number {
  if (users <= 100_000) return 5;
  if (users >= 1_000_000) return (60 * users) / 1_000_000;
  return 5 + ((users - 100_000) * (60 - 5)) / (1_000_000 - 100_000);
}
const TARGETS = { seconds: round(runTarget(USERS), 1), rerunSeconds: 2 };
const BATCH = numberArg("batch", 5_000, { integer: true });
const CONCURRENCY = numberArg("concurrency", 2, { integer: true });
/** Due accounts with a past_due subscription on top of USERS: examined, left alone. */
const PAST_DUE = Math.round(USERS / 20);
const log = (line: string) => console.log(`· ${line}`);
/**
 * --shared-buffers=SIZE (e.g. 2GB) and --max-wal-size=SIZE: the server's memory and checkpoint
 * spacing, for a run the size of a production database (the embedded default is 128MB and 1GB).
 */
const SETTINGS: Record<string, string> = Object.fromEntries(
  [
    ["shared_buffers", stringArg("shared-buffers")],
    ["max_wal_size", stringArg("max-wal-size")],
  ].filter((entry): entry is [string, string] => entry[1] !== null),
);
/** --statements: load pg_stat_statements and print the run's costliest statements (nested ones too). */
const STATEMENTS = process.argv.includes("--statements");
if (STATEMENTS)
  Object.assign(SETTINGS, { shared_preload_libraries: "pg_stat_statements", "pg_stat_statements.track": "all" });

/** Server-wide counters read before and after the run: WAL, checkpoints, autovacuum, buffer reads. */
interface ServerCounters {
  walBytes: number;
  walFpi: number;
  walRecords: number;
  checkpoints: number;
  autovacuums: number;
  blocksRead: number;
  blocksHit: number;
}

async function serverCounters(db: Db): Promise<ServerCounters> {
  const [row] = await db.$queryRawUnsafe<Record<keyof ServerCounters, number>[]>(`
    SELECT (SELECT wal_bytes FROM pg_stat_wal)::float8 AS "walBytes",
           (SELECT wal_fpi FROM pg_stat_wal)::float8 AS "walFpi",
           (SELECT wal_records FROM pg_stat_wal)::float8 AS "walRecords",
           (SELECT num_timed + num_requested FROM pg_stat_checkpointer)::float8 AS checkpoints,
           (SELECT coalesce(sum(autovacuum_count + autoanalyze_count), 0) FROM pg_stat_user_tables)::float8 AS autovacuums,
           (SELECT blks_read FROM pg_stat_database WHERE datname = current_database())::float8 AS "blocksRead",
           (SELECT blks_hit FROM pg_stat_database WHERE datname = current_database())::float8 AS "blocksHit"`);
  return row!;
}

/**
 * USERS accounts whose period ended before NOW (60% free, 40% paid with a synced new period) and
 * PAST_DUE more with a past_due subscription, each with its sign-up grant in the ledger (so the
 * invariant holds before the run).
 */
async function createDueAccounts(db: Db): Promise<{ free: number; paid: number; pastDue: number }> {
  const plans = (await getActivePricing(db)).plans.map((p) => p.id);
  await db.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`
        CREATE TEMP TABLE bench_due ON COMMIT DROP AS
        SELECT 'bench-' || g AS id, g,
               CASE WHEN g > ${USERS} THEN 'past_due' WHEN g % 5 < 2 THEN 'paid' ELSE 'free' END AS shape,
               -- sign-ups on every day of July (the 29th to 31st included), at varied times of day
               (timestamptz '2026-07-01 00:00:00+00' + make_interval(days => g % 31, mins => g % 1440)) AS anchor
        FROM generate_series(1, ${USERS + PAST_DUE}) g`);
      await tx.$executeRawUnsafe(
        `INSERT INTO users (id, email, updated_at) SELECT id, id || '@bench.invalid', now() FROM bench_due`,
      );
      // The current period is the third month from sign-up (Sep–Oct): it ended before NOW.
      await tx.$executeRawUnsafe(`
        INSERT INTO user_token_balance (user_id, allowance, purchased, reserved, period_start, next_reset_at, period_anchor)
        SELECT id, 100000, (g % 3) * 1000000, 0, anchor + interval '2 months', anchor + interval '3 months', anchor
        FROM bench_due`);
      await tx.$executeRawUnsafe(`
        INSERT INTO token_transactions (user_id, kind, allowance_delta, purchased_delta, allowance_after, purchased_after,
          source_type, idempotency_key, created_at)
        SELECT id, 'grant_free', 100000, (g % 3) * 1000000, 100000, (g % 3) * 1000000, 'bench', 'bench:setup:' || id, anchor
        FROM bench_due`);
      await tx.$executeRawUnsafe(
        `INSERT INTO user_subscriptions (user_id, stripe_customer_id, stripe_subscription_id, plan_id, status,
           current_period_start, current_period_end, current_period_invoice_id, current_period_paid_at, updated_at)
         SELECT id, 'cus_' || id, 'sub_' || id, ($1::text[])[1 + g % ${plans.length}],
           (CASE WHEN shape = 'paid' THEN 'active' ELSE 'past_due' END)::"SubscriptionStatus",
           -- paid: renewed 1 to 21 days ago (synced from Stripe); past_due: still the old period
           CASE WHEN shape = 'paid' THEN $2::timestamptz - make_interval(days => 1 + g % 20, mins => g % 1440) ELSE anchor + interval '2 months' END,
           CASE WHEN shape = 'paid' THEN $2::timestamptz - make_interval(days => 1 + g % 20, mins => g % 1440) + interval '1 month'
                ELSE anchor + interval '3 months' END,
           -- paid: the renewal's invoice is paid (the sync recorded it); past_due: not
           CASE WHEN shape = 'paid' THEN 'in_' || id END,
           CASE WHEN shape = 'paid' THEN $2::timestamptz - make_interval(days => 1 + g % 20, mins => g % 1440) END, now()
         FROM bench_due WHERE shape <> 'free'`,
        plans,
        NOW,
      );
    },
    { timeout: 3_600_000 }, // a million accounts on a busy machine took longer than 10 min
  );
  await db.$executeRawUnsafe("ANALYZE users, user_token_balance, user_subscriptions, token_transactions");
  const [counts] = await db.$queryRawUnsafe<{ free: number; paid: number; past_due: number }[]>(
    `
    SELECT count(*) FILTER (WHERE s.user_id IS NULL)::int AS free,
           count(*) FILTER (WHERE s.status = 'active')::int AS paid,
           count(*) FILTER (WHERE s.status = 'past_due')::int AS past_due
    FROM user_token_balance b LEFT JOIN user_subscriptions s ON s.user_id = b.user_id
    WHERE b.next_reset_at <= $1`,
    NOW,
  );
  return { free: counts!.free, paid: counts!.paid, pastDue: counts!.past_due };
}

/** Wall µs per account started over each tenth of the run's batches (from the run's start). */
function perTenth(startedAt: number, progress: { at: number; started: number }[]): number[] {
  const out: number[] = [];
  let from = { at: startedAt, started: 0 };
  for (let tenth = 1; tenth <= 10; tenth++) {
    const to = progress[Math.ceil((progress.length * tenth) / 10) - 1];
    if (!to || to.started === from.started) continue;
    out.push(round(((to.at - from.at) * 1000) / (to.started - from.started)));
    from = to;
  }
  return out;
}

async function main(): Promise<number> {
  const server = await startBenchServer(`bench-reset-${process.pid}`, log, SETTINGS);
  let db: Db | undefined;
  try {
    await prepareDatabase(server.url, log);
    db = createDb(server.url, 4);
    const setupStarted = performance.now();
    const shapes = await createDueAccounts(db);
    log(
      `${USERS + PAST_DUE} due accounts (${shapes.free} free, ${shapes.paid} paid and renewed, ${shapes.pastDue} past_due) in ${round((performance.now() - setupStarted) / 1000, 1)} s`,
    );

    if (STATEMENTS) {
      await db.$executeRawUnsafe("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      await db.$executeRawUnsafe("SELECT pg_stat_statements_reset()");
    }
    // The run's progress, batch by batch: the wall time per account of each tenth of the run, so a
    // cost that grows as the run advances (something scanned or cached that grows) shows up.
    const progress: { at: number; started: number }[] = [];
    const options = {
      now: NOW,
      batchSize: BATCH,
      concurrency: CONCURRENCY,
      afterBatch: ({ periodsStarted }: { periodsStarted: number }) => {
        progress.push({ at: performance.now(), started: periodsStarted });
      },
    };
    const cpu = cpuSampler(server.dataDir);
    const countersBefore = await serverCounters(db);
    const before = cpu();
    const run = await resetMonthlyTokens(db, { connectionString: server.url }, options);
    const after = cpu();
    const countersAfter = await serverCounters(db);
    const cores = coresUsed(before, after);
    log(`run:   ${resetLogLine(run)}`);
    const tenths = perTenth(before.at, progress);
    log(`wall µs an account, by tenth of the run: ${tenths.join(" ")}`);
    const delta = (key: keyof ServerCounters) => countersAfter[key] - countersBefore[key];
    log(
      `server: WAL ${round(delta("walBytes") / run.periodsStarted)} B and ${round(delta("walRecords") / run.periodsStarted, 1)} records an account ` +
        `(${round(delta("walFpi") / run.periodsStarted, 2)} full-page images), ${delta("checkpoints")} checkpoints, ` +
        `${delta("autovacuums")} autovacuum/analyze runs, ${round(delta("blocksRead") / run.periodsStarted, 2)} blocks read ` +
        `and ${round(delta("blocksHit") / run.periodsStarted, 1)} hit an account`,
    );
    if (STATEMENTS) {
      const top = await db.$queryRawUnsafe<{ ms: number; calls: number; query: string }[]>(`
        SELECT round(total_exec_time)::float8 AS ms, calls::float8 AS calls, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query
        FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT 12`);
      for (const t of top) log(`statement ${t.ms} ms, ${t.calls} calls: ${t.query}`);
    }
    const rerun = await resetMonthlyTokens(db, { connectionString: server.url }, { ...options, afterBatch: undefined });
    log(`rerun: ${resetLogLine(rerun)}`);

    // Granted twice = more than one grant row for the same account and period start.
    const [doubles] = await db.$queryRawUnsafe<{ n: number }[]>(`
      SELECT count(*)::int AS n FROM (
        SELECT user_id, split_part(idempotency_key, ':', 3) FROM token_transactions
        WHERE kind IN ('grant_free', 'grant_allowance') AND idempotency_key LIKE 'allowance:%'
        GROUP BY 1, 2 HAVING count(*) > 1) d`);
    const [grants] = await db.$queryRawUnsafe<{ n: number }[]>(
      "SELECT count(*)::int AS n FROM token_transactions WHERE source_type = 'cron' AND kind IN ('grant_free', 'grant_allowance')",
    );
    const verifyStarted = performance.now();
    const { mismatches, usersChecked } = await verifyLedger(db);
    log(
      `ledger invariant over ${usersChecked} accounts: ${mismatches.length} mismatches (${round(performance.now() - verifyStarted)} ms)`,
    );

    const seconds = run.durationMs / 1000;
    const rerunSeconds = rerun.durationMs / 1000;
    const expected = shapes.free + shapes.paid;
    const pgCpuSeconds = (after.pgMs - before.pgMs) / 1000;
    const nodeCpuSeconds = (after.nodeMs - before.nodeMs) / 1000;
    const ok = doubles!.n === 0 && mismatches.length === 0 && run.errors.length === 0 && grants!.n === expected;
    console.log("");
    console.log(
      `full run  ${round(seconds, 2)} s for ${USERS} accounts (${round(USERS / seconds)} accounts/s, ${run.batches} batches of ≤ ${BATCH}, ${CONCURRENCY} at once)  target ≤ ${TARGETS.seconds} s  ${seconds <= TARGETS.seconds ? "met" : "MISSED"}`,
    );
    console.log(
      `cpu  PostgreSQL ${round(pgCpuSeconds, 2)} s (${round((pgCpuSeconds * 1e6) / USERS)} µs an account, ${round(cores.pg, 2)} cores), bench ${round(nodeCpuSeconds, 2)} s; other programs kept ${round(cores.other, 2)} of the cores busy`,
    );
    console.log(
      `no-op rerun  ${round(rerunSeconds, 3)} s  target ≤ ${TARGETS.rerunSeconds} s  ${rerunSeconds <= TARGETS.rerunSeconds ? "met" : "MISSED"}`,
    );
    console.log(
      `grants ${grants!.n} (expected ${expected}: free + paid; ${shapes.pastDue} past_due held back: ${run.heldBack}), double grants ${doubles!.n}, rerun grants ${rerun.periodsStarted}`,
    );
    const bench = {
      users: USERS,
      seconds: round(seconds, 2),
      rerun_seconds: round(rerunSeconds, 3),
      grants: grants!.n,
      double_grants: doubles!.n,
      rerun_grants: rerun.periodsStarted,
      paid: run.paidPeriods,
      free: run.freePeriods,
      held_back: run.heldBack,
      errors: run.errors.length,
      batch: BATCH,
      concurrency: CONCURRENCY,
      pg_cpu_seconds: round(pgCpuSeconds, 2),
      pg_cpu_us_per_account: round((pgCpuSeconds * 1e6) / USERS),
      other_cores: round(cores.other, 2),
      invariant_ok: mismatches.length === 0,
    };
    console.log(`BENCH ${JSON.stringify(bench)}`);
    return ok ? 0 : 1;
  } finally {
    await db?.$disconnect().catch(() => {});
    await server.cleanup();
  }
}

let code = 1;
try {
  code = await main();
} catch (error) {
  if (!exiting()) console.error("bench:reset failed:", error);
  code = exiting() ? 130 : 1;
}
process.exit(code);

// `npm run bench:meter`: what `withTokens` adds to a request. The same trivial route handler —
// parse `{ "text": "…" }`, answer its length — without (/api/bench/bare) and with the metering
// wrapper (/api/bench/metered: session → rate limit → parse → estimate → reserve → handler →
// settle), served by `next start` (a production build) on a fresh embedded PostgreSQL with its
// default, durable settings, loaded with autocannon in the same run:
//   • saturation: warm-up of each route, then bare, metered, bare again with 32 connections as fast
//     as the server answers (the two bare runs are averaged; their difference is the drift of the
//     machine): the req/s of each, and their p50/p99 — at saturation a latency is mostly queueing
//     (connections × CPU per request), so it tells capacity, not what the wrapper adds;
//   • the added latency: bare, metered, bare again at one fixed request rate both routes sustain —
//     half the metered route's capacity just measured — with the same 32 connections: p50 and p99
//     of each; added = metered − bare (the targets); and the floor under it, two durable commits
//     one after the other on the same database (a metered call needs two: the hold, the charge);
//   • where the sequential added latency goes: the product's LedgerPipeline doing a call's hold and
//     settle from the bench process (ledger_apply and its triggers, two round trips), and the rest —
//     the wrapper's own work in the server (session, rate limit, parse, estimate, response);
//   • database round trips per metered request, counted: transactions of the bench database
//     (pg_stat_database, made exact by closing the app's idle connections between runs — see
//     quiesce(); the app's statements are autocommit, one transaction each, and each new
//     connection's start-up is one more, subtracted) over the metered run ÷ the requests it
//     completed, and the same for the bare run (0); cross-checked by 100 sequential requests, and on
//     the wire: a second server whose database connections go through a relay that counts the
//     PostgreSQL protocol's Sync/Query messages — also for a sparse user (requests 1.1 s apart, so
//     no per-user cache of a second hides a round trip);
//   • correctness: every response 2xx, one `consume` ledger row per metered request, no hold left,
//     and the ledger invariant (verifyLedger) at the end.
// Ends with one line `BENCH {json}`. Exits 1 on an error (a non-2xx answer, a ledger mismatch);
// a missed performance target prints MISSED and still exits 0.
// Options: --no-build (reuse the build in .data/next-bench when there is one), --seconds=N
// (measured run length, default 10), --warmup=N (default 3), --connections=N (default 32),
// --load=F (the fixed rate as a share of the metered route's capacity, default 0.5).
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { encode } from "next-auth/jwt";
import pg from "pg";
import { createUserWithAccount } from "../../lib/auth/users";
import { createDb, type Db } from "../../lib/db/connect";
import { findFreePort } from "../../lib/db/embedded";
import { SIMULATOR_API_KEY } from "../../lib/env";
import { grant, LedgerPipeline, verifyLedger } from "../../lib/tokens/ledger";
import { prepareDatabase } from "../lib/database";
import { startDevMail } from "../lib/mail-server";
import { cpuSampler, numberArg, percentile, round, startBenchServer, table, type CpuSnapshot } from "./lib";
import {
  buildNext,
  openLoop,
  processTreeCpuMs,
  startNext,
  startWireCounter,
  type NextServer,
  type WireCounter,
} from "./meter-lib";

const DIST_DIR = ".data/next-bench"; // under .data/: ignored by git and eslint
const BENCH_DB = "tollgate_bench"; // the database startBenchServer creates
const SESSION_COOKIE = "authjs.session-token"; // next-auth's cookie name on http
const EMAIL = "bench-meter@bench.invalid";
/** The user's purchased balance: far more than any run can spend. */
const BALANCE = 1_000_000_000_000n;
const PROBE_REQUESTS = 100;
/** The sparse user's probe: requests, and the pause between two (longer than any per-second cache). */
const SPARSE_REQUESTS = 10;
const SPARSE_GAP_MS = 1_100;
const BODY = JSON.stringify({ text: "How many tokens does a trivial request cost to meter?" });
const TARGETS = { p50AddedMs: 2, p99AddedMs: 10, roundTrips: 2 };

const SECONDS = numberArg("seconds", 10);
const WARMUP_SECONDS = numberArg("warmup", 3);
const CONNECTIONS = Math.round(numberArg("connections", 32));
const LOAD = numberArg("load", 0.5);
if (LOAD >= 1) throw new Error("--load must be below 1 (a share of the metered route's capacity)");
const NO_BUILD = process.argv.includes("--no-build");

const log = (line: string) => console.log(`· ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ms = (value: number) => round(value, 2);

// ─── database counters ───────────────────────────────────────────────────────────────────────

interface Counters {
  /** Transactions committed + rolled back in the bench database. */
  transactions: number;
  /** Connections opened to it (each one's start-up counts one transaction). */
  sessions: number;
}

/**
 * The bench database's counters, exact. A backend publishes its statistics when it goes idle at
 * most once a second, and an idle backend that has just published keeps the rest pending for up to
 * 10 s (PGSTAT_IDLE_INTERVAL) — so reading pg_stat_database after "waiting for the flush" misses a
 * varying share. A backend that exits publishes everything at once: between two runs, when the
 * app's connections are idle, they are closed (pg_terminate_backend, as a pooler or a restarted
 * database would) and the app's pool opens new ones on demand; the run after it starts with a
 * priming step. The counters are read over a connection to another database (`postgres`), so
 * reading them adds nothing to them.
 */
async function quiesce(admin: pg.Client): Promise<Counters> {
  for (let i = 0; ; i++) {
    const { rows } = await admin.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend' AND state <> 'idle'",
      [BENCH_DB],
    );
    if (rows[0]!.n === 0) break;
    if (i === 200) throw new Error("the bench database never went idle between runs");
    await sleep(50);
  }
  const { rows: ended } = await admin.query<{ ok: boolean }>(
    "SELECT pg_terminate_backend(pid, 5000) AS ok FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'",
    [BENCH_DB],
  );
  if (ended.some((r) => !r.ok)) throw new Error("a connection to the bench database did not close within 5 s");
  const { rows } = await admin.query<{ transactions: string; sessions: string }>(
    "SELECT (xact_commit + xact_rollback)::text AS transactions, sessions::text AS sessions FROM pg_stat_database WHERE datname = $1",
    [BENCH_DB],
  );
  return { transactions: Number(rows[0]!.transactions), sessions: Number(rows[0]!.sessions) };
}

/** Statements run between two readings: transactions less the connections' start-ups. */
function statements(a: Counters, b: Counters): { statements: number; connections: number } {
  return {
    statements: b.transactions - a.transactions - (b.sessions - a.sessions),
    connections: b.sessions - a.sessions,
  };
}

async function consumeRows(db: Db, userId: string): Promise<number> {
  const [row] = await db.$queryRaw<{ n: bigint }[]>`
    SELECT count(*)::bigint AS n FROM token_transactions WHERE user_id = ${userId} AND kind = 'consume'`;
  return Number(row?.n ?? 0n);
}

// ─── load ────────────────────────────────────────────────────────────────────────────────────

interface Cores {
  next: number;
  pg: number;
  client: number;
  other: number;
}

interface Run {
  label: string;
  /** The fastest one-second sample of the run, req/s (sizes the measured runs). */
  bestSecond: number;
  ok: number;
  non2xx: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  /** autocannon's own percentiles (its histogram has 1 ms resolution). */
  acP50: number;
  acP99: number;
  cores: Cores;
  /** CPU time of the next server per 2xx request, ms (its event loop: the ceiling of req/s). */
  nextCpuMs: number;
  /** Latencies of the 2xx answers, ms. */
  latencies: number[];
  /** autocannon runs it was made of. */
  parts: number;
}

interface Sampler {
  snapshot(): CpuSnapshot & { nextMs: number };
}

function cores(a: CpuSnapshot & { nextMs: number }, b: CpuSnapshot & { nextMs: number }): Cores {
  const wall = b.at - a.at;
  const next = (b.nextMs - a.nextMs) / wall;
  const pgCores = (b.pgMs - a.pgMs) / wall;
  const client = (b.nodeMs - a.nodeMs) / wall;
  return { next, pg: pgCores, client, other: Math.max(0, (b.allMs - a.allMs) / wall - next - pgCores - client) };
}

/** One autocannon run: `amount` requests, or for `seconds` when no amount is given. */
function load(
  label: string,
  url: string,
  cookie: string,
  sampler: Sampler,
  { amount, seconds }: { amount?: number; seconds?: number },
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const before = sampler.snapshot();
    const started = performance.now();
    const instance = autocannon(
      {
        url,
        method: "POST",
        headers: { "content-type": "application/json", cookie },
        body: BODY,
        connections: CONNECTIONS,
        pipelining: 1,
        timeout: 30,
        ...(amount ? { amount } : { duration: seconds }),
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) return reject(error);
        const after = sampler.snapshot();
        const elapsed = (performance.now() - started) / 1000;
        const wall = amount ? elapsed : result.duration;
        resolve({
          label,
          bestSecond: result.requests.max,
          ok: result["2xx"],
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
          seconds: wall,
          rps: result["2xx"] / wall,
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
          acP50: result.latency.p50,
          acP99: result.latency.p99,
          cores: cores(before, after),
          nextCpuMs: (after.nextMs - before.nextMs) / result["2xx"],
          latencies,
          parts: 1,
        });
      },
    );
    instance.on("response", (_client, status, _bytes, responseTime) => {
      if (status >= 200 && status < 300) latencies.push(responseTime);
    });
  });
}

/** An open-loop run at a fixed rate (meter-lib's openLoop), as a Run (autocannon's columns empty). */
async function atRate(
  label: string,
  url: string,
  cookie: string,
  sampler: Sampler,
  rate: number,
  count: number,
): Promise<Run> {
  const before = sampler.snapshot();
  const r = await openLoop(url, {
    rate,
    count,
    connections: CONNECTIONS,
    headers: { "content-type": "application/json", cookie },
    body: BODY,
  });
  const after = sampler.snapshot();
  return {
    label,
    bestSecond: 0,
    ok: r.ok,
    non2xx: r.non2xx,
    errors: r.errors,
    seconds: r.seconds,
    rps: r.ok / r.seconds,
    p50: percentile(r.latencies, 50),
    p99: percentile(r.latencies, 99),
    acP50: Number.NaN,
    acP99: Number.NaN,
    cores: cores(before, after),
    nextCpuMs: (after.nextMs - before.nextMs) / r.ok,
    latencies: r.latencies,
    parts: 1,
  };
}

const amountFor = (rps: number, seconds: number) =>
  Math.max(CONNECTIONS * 10, Math.round((rps * seconds) / CONNECTIONS) * CONNECTIONS);

/**
 * A measured run of about --seconds made of fixed amounts of requests: sized from `rps` (the
 * warm-up's rate), topped up with further parts, sized from the rate just seen, while it is short
 * (a warm-up slowed by another program would otherwise make a short run). Nothing is in flight
 * between parts.
 */
async function measure(label: string, url: string, cookie: string, sampler: Sampler, rps: number): Promise<Run> {
  const parts: Run[] = [];
  let seconds = 0;
  let rate = rps;
  while (seconds < SECONDS * 0.9 && parts.length < 5) {
    const part = await load(label, url, cookie, sampler, { amount: amountFor(rate, SECONDS - seconds) });
    parts.push(part);
    seconds += part.seconds;
    rate = part.rps;
  }
  if (parts.length === 1) return parts[0]!;
  const sum = (f: (r: Run) => number) => parts.reduce((n, r) => n + f(r), 0);
  const ok = sum((r) => r.ok);
  const latencies = parts.flatMap((r) => r.latencies);
  const weighted = (f: (c: Cores) => number) => sum((r) => f(r.cores) * r.seconds) / seconds;
  return {
    label,
    bestSecond: Math.max(...parts.map((r) => r.bestSecond)),
    ok,
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    seconds,
    rps: ok / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    acP50: parts[0]!.acP50,
    acP99: parts[0]!.acP99,
    cores: {
      next: weighted((c) => c.next),
      pg: weighted((c) => c.pg),
      client: weighted((c) => c.client),
      other: weighted((c) => c.other),
    },
    nextCpuMs: sum((r) => r.nextCpuMs * r.ok) / ok,
    latencies,
    parts: parts.length,
  };
}

/** `count` requests one after the other: latencies (ms) and how many answered 2xx. */
async function sequential(
  url: string,
  cookie: string,
  count: number,
  gapMs = 0,
): Promise<{ latencies: number[]; ok: number; statuses: Set<number> }> {
  const latencies: number[] = [];
  const statuses = new Set<number>();
  let ok = 0;
  for (let i = 0; i < count; i++) {
    if (gapMs > 0 && i > 0) await sleep(gapMs);
    const started = performance.now();
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: BODY,
    });
    await response.arrayBuffer();
    latencies.push(performance.now() - started);
    statuses.add(response.status);
    if (response.ok) ok++;
  }
  return { latencies, ok, statuses };
}

/**
 * Checkpoints the server has made so far (timed and requested). A checkpoint's writes and fsyncs
 * share the disk with the WAL flush every durable commit waits for: one during a run shows in its tail.
 */
async function checkpoints(admin: pg.Client): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    "SELECT (num_timed + num_requested)::int AS n FROM pg_stat_checkpointer",
  );
  return rows[0]!.n;
}

/**
 * `count` pairs of durable commits, one after the other, on the bench database: a single-statement
 * conditional UPDATE of the user's balance each (changing nothing), autocommit — the least a metered
 * call's two ledger statements can cost. Latencies of the pairs, ms.
 */
async function commitFloor(url: string, userId: string, count: number): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const commit = () =>
      client.query({
        name: "floor",
        text: "UPDATE user_token_balance SET reserved = reserved + 0 WHERE user_id = $1 AND allowance + purchased - reserved >= 0",
        values: [userId],
      });
    for (let i = 0; i < 10; i++) await commit(); // prepares the statement, warms the connection
    const latencies: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      await commit();
      await commit();
      latencies.push(performance.now() - started);
    }
    return latencies;
  } finally {
    await client.end();
  }
}

/**
 * `count` metered calls' ledger work alone, one after the other, from this process: the product's
 * LedgerPipeline (the app's, on its own pool) reserves and settles like the wrapper does — a hold,
 * then a charge with a usage breakdown shaped like the bench route's. Latencies of each, ms: what the
 * two ledger round trips cost, `ledger_apply` and its triggers included, so that the sequential
 * added latency splits into the ledger's share and the wrapper's own (session, parse, estimate,
 * response).
 */
async function ledgerPairs(
  url: string,
  db: Db,
  userId: string,
  count: number,
): Promise<{ hold: number[]; settle: number[] }> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const ledger = new LedgerPipeline({ pool, db });
  const usage = {
    model: "gpt-5-mini",
    pricedAs: "gpt-5-mini",
    priceSource: "catalogue",
    costMicroUsd: "19",
    inputTokens: 12,
    cachedInputTokens: 0,
    outputTokens: 8,
    reasoningTokens: 0,
  };
  const pair = async (i: number) => {
    const t0 = performance.now();
    const held = await ledger.reserve({
      userId,
      amount: 100n,
      feature: "bench",
      requestId: `bench-ledger-pair-${process.pid}-${i}`,
      ttlMs: 60_000,
      pricingVersion: 1,
    });
    const t1 = performance.now();
    if (!held.ok) throw new Error(`ledger pair: the hold was refused (${held.error.type})`);
    const settled = await ledger.settle({ userId, reservationId: held.reservation.id, cost: 19n, usage });
    if (!settled.ok) throw new Error(`ledger pair: the settle failed (${settled.error.type})`);
    return [t1 - t0, performance.now() - t1] as const;
  };
  try {
    for (let i = 0; i < 10; i++) await pair(-1 - i); // prepares the statement, warms the connections
    const hold: number[] = [];
    const settle: number[] = [];
    for (let i = 0; i < count; i++) {
      const [h, s] = await pair(i);
      hold.push(h);
      settle.push(s);
    }
    return { hold, settle };
  } finally {
    await pool.end();
  }
}

// ─── the run ─────────────────────────────────────────────────────────────────────────────────

const mark = (ok: boolean) => (ok ? "met" : "MISSED");

async function main(): Promise<number> {
  const started = Date.now();
  const loadavg = os.loadavg()[0]!;
  const problems: string[] = [];

  if (NO_BUILD && existsSync(path.join(DIST_DIR, "BUILD_ID"))) {
    log(`--no-build: reusing the build in ${DIST_DIR}`);
  } else {
    log(`next build into ${DIST_DIR} (about a minute)…`);
    buildNext(DIST_DIR, log);
  }

  const server = await startBenchServer(`bench-meter-${process.pid}`, log);
  let db: Db | null = null;
  const admin = new pg.Client({ connectionString: server.url.replace(/\/[^/]+$/, "/postgres") });
  // The server going away (Ctrl-C reaches it too) must not crash the clean-up; queries still fail.
  admin.on("error", () => {});
  const servers: NextServer[] = [];
  let relay: WireCounter | null = null;
  let mail: Awaited<ReturnType<typeof startDevMail>> | null = null;
  let aborted = 0;
  const onLine = (line: string) => {
    // Requests cut off when a timed warm-up ends: expected, counted, not shown.
    if (/Error: aborted/.test(line)) aborted++;
    else log(line);
  };
  try {
    await prepareDatabase(server.url, () => {});
    await admin.connect();
    db = createDb(server.url, 2);

    // ── one user with a large purchased balance ──
    const user = await createUserWithAccount(db, { email: EMAIL, name: "Bench" });
    const granted = await grant(db, {
      userId: user.id,
      bucket: "purchased",
      kind: "grant_pack",
      amount: BALANCE,
      idempotencyKey: `bench-meter:grant:${user.id}`,
      sourceType: "bench",
      reason: "bench:meter set-up",
    });
    if (!granted.ok) throw new Error(`granting the bench balance failed: ${granted.error.type}`);

    // ── next start ──
    mail = await startDevMail(); // production requires SMTP_URL and MAIL_FROM
    const mailEnv = mail.env;
    const secret = randomBytes(32).toString("base64url");
    const appEnv = (databaseUrl: string, port: number) => ({
      ...mailEnv,
      TOLLGATE_BENCH_ROUTES: "1",
      // next start on this machine with the simulator: lifts lib/env.ts's production refusals.
      TOLLGATE_LOOPBACK_RUN: "1",
      METER_RATE_LIMIT_PER_MINUTE: "0",
      OPENAI_API_KEY: SIMULATOR_API_KEY,
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: secret,
      AUTH_TRUST_HOST: "true",
      APP_URL: `http://127.0.0.1:${port}`,
    });
    const port = await findFreePort(3400);
    const next = await startNext({ port, distDir: DIST_DIR, env: appEnv(server.url, port), label: "next", onLine });
    servers.push(next);
    log(`next start on ${next.url} (pid ${next.pid})`);

    // ── a session cookie, and proof that it works ──
    const token = await encode({
      token: { sub: user.id, role: "user", email: EMAIL, name: "Bench" },
      secret,
      salt: SESSION_COOKIE,
    });
    const cookie = `${SESSION_COOKIE}=${token}`;
    const bareUrl = `${next.url}/api/bench/bare`;
    const meteredUrl = `${next.url}/api/bench/metered`;
    const post = (url: string, withCookie: boolean) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(withCookie ? { cookie } : {}) },
        body: BODY,
      });
    const anonymous = await post(meteredUrl, false);
    if (anonymous.status !== 401)
      throw new Error(`the metered route answered ${anonymous.status} without a session (expected 401)`);
    const checked = await post(meteredUrl, true);
    const checkedBody = (await checked.json().catch(() => null)) as {
      ok?: boolean;
      tokens?: { charged?: number };
    } | null;
    if (checked.status !== 200 || checkedBody?.ok !== true || !(Number(checkedBody.tokens?.charged) > 0)) {
      throw new Error(
        `the metered route answered ${checked.status} ${JSON.stringify(checkedBody)} with the session (expected 200 and a charge)`,
      );
    }
    const bareChecked = await post(bareUrl, false);
    if (bareChecked.status !== 200) throw new Error(`the bare route answered ${bareChecked.status} (expected 200)`);
    log(
      `session cookie accepted: metered 200 (charged ${checkedBody.tokens?.charged} tokens), 401 without it; bare 200`,
    );

    const pgCpu = cpuSampler(server.dataDir);
    const sampler: Sampler = { snapshot: () => ({ ...pgCpu(), nextMs: processTreeCpuMs(next.pid) }) };

    // ── warm-up ──
    log(`warm-up: ${WARMUP_SECONDS} s each route, ${CONNECTIONS} connections`);
    const warmBare = await load("warm-up bare", bareUrl, cookie, sampler, { seconds: WARMUP_SECONDS });
    const warmMetered = await load("warm-up metered", meteredUrl, cookie, sampler, { seconds: WARMUP_SECONDS });
    await sleep(1_000); // requests cut off by the end of the warm-up finish on the server
    // Measured runs make fixed numbers of requests (about --seconds at the warm-up rate) rather
    // than run for a fixed time: then none is in flight when a run ends, and the ledger rows of a
    // run match its 2xx count exactly.
    const bareRate = Math.max(warmBare.rps, warmBare.bestSecond);
    const meteredRate = Math.max(warmMetered.rps, warmMetered.bestSecond);
    const primeAmount = CONNECTIONS * 4;
    log(
      `measured: bare, then ${primeAmount} metered requests priming the pool, metered, bare again: about ${SECONDS} s each`,
    );

    // ── bare, metered, bare; the database counted around the first two ──
    const consumeBefore = await consumeRows(db, user.id);
    const c0 = await quiesce(admin);
    const bareA = await measure("bare", bareUrl, cookie, sampler, bareRate);
    const c1 = await quiesce(admin);
    // Priming reopens the app's connection pool, so the measured run does not pay for it; its
    // requests are counted with the run's.
    const prime = await load("priming metered", meteredUrl, cookie, sampler, { amount: primeAmount });
    const metered = await measure("metered", meteredUrl, cookie, sampler, meteredRate);
    const c2 = await quiesce(admin);
    const consumeAfter = await consumeRows(db, user.id);
    const bareB = await measure("bare again", bareUrl, cookie, sampler, bareA.rps);

    // ── the same fixed rate on both routes: the latency the wrapper adds ──
    const rate = Math.max(10, Math.floor((metered.rps * LOAD) / 10) * 10);
    const perRun = Math.round(rate * SECONDS);
    log(
      `fixed rate: ${rate} req/s on each route (${LOAD} × the metered route's ${round(metered.rps)} req/s), ${perRun} requests a run`,
    );
    const consumeBeforeRate = await consumeRows(db, user.id);
    const rateBareA = await atRate("bare at the rate", bareUrl, cookie, sampler, rate, perRun);
    const checkpointsBefore = await checkpoints(admin);
    const rateMetered = await atRate("metered at the rate", meteredUrl, cookie, sampler, rate, perRun);
    const checkpointsDuring = (await checkpoints(admin)) - checkpointsBefore;
    const rateBareB = await atRate("bare at the rate again", bareUrl, cookie, sampler, rate, perRun);
    const consumedAtRate = (await consumeRows(db, user.id)) - consumeBeforeRate;

    // ── the floor under it: two durable commits, one after the other ──
    const floor = await commitFloor(server.url, user.id, PROBE_REQUESTS);
    const pairs = await ledgerPairs(server.url, db, user.id, PROBE_REQUESTS);

    // ── sequential requests (concurrency 1): latency without queueing, and an exact count ──
    const c3 = await quiesce(admin);
    const seqBare = await sequential(bareUrl, cookie, PROBE_REQUESTS);
    const c4 = await quiesce(admin);
    const seqOpen = await sequential(meteredUrl, cookie, 1); // reopens a connection
    const seqMetered = await sequential(meteredUrl, cookie, PROBE_REQUESTS);
    const c5 = await quiesce(admin);

    // ── on the wire: a second server whose database connections go through a counting relay ──
    relay = await startWireCounter({ host: "127.0.0.1", port: Number(new URL(server.url).port) });
    const relayUrl = new URL(server.url);
    relayUrl.port = String(relay.port);
    const probePort = await findFreePort(port + 1);
    const probe = await startNext({
      port: probePort,
      distDir: DIST_DIR,
      env: appEnv(relayUrl.toString(), probePort),
      label: "next-probe",
      onLine,
    });
    servers.push(probe);
    const probeUrl = `${probe.url}/api/bench/metered`;
    const probeWarm = await sequential(probeUrl, cookie, 10); // loads the route, caches the pricing version
    const c6 = await quiesce(admin);
    const probeOpen = await sequential(probeUrl, cookie, 1); // reopens a connection
    const wire0 = relay.roundTrips();
    const seqWire = await sequential(probeUrl, cookie, PROBE_REQUESTS);
    const wireRoundTrips = relay.roundTrips() - wire0;
    const c7 = await quiesce(admin);
    // A user calling less than once a second: every per-user cache of a second (the session
    // version's) has expired at each call, so nothing cached hides a round trip.
    // The server's own background work (the live balance's queue, sweeps) talks to the database on
    // its clock, not the requests': counted over an idle stretch as long, and subtracted.
    const sparse0 = relay.roundTrips();
    const seqSparse = await sequential(probeUrl, cookie, SPARSE_REQUESTS, SPARSE_GAP_MS);
    const sparse1 = relay.roundTrips();
    await sleep(SPARSE_REQUESTS * SPARSE_GAP_MS);
    const idleRoundTrips = relay.roundTrips() - sparse1;
    const sparseRoundTrips = sparse1 - sparse0 - idleRoundTrips;
    await probe.stop();
    await next.stop();

    // ── correctness ──
    const runs = [warmBare, warmMetered, bareA, prime, metered, bareB, rateBareA, rateMetered, rateBareB];
    for (const run of runs) {
      if (run.non2xx > 0 || run.errors > 0)
        problems.push(`${run.label}: ${run.non2xx} non-2xx answers, ${run.errors} errors/timeouts`);
    }
    const probes = [
      ["sequential bare", seqBare, PROBE_REQUESTS],
      ["sequential metered", seqMetered, PROBE_REQUESTS],
      ["sequential metered (first)", seqOpen, 1],
      ["wire probe warm-up", probeWarm, 10],
      ["wire probe (first)", probeOpen, 1],
      ["wire probe", seqWire, PROBE_REQUESTS],
      ["wire probe, sparse user", seqSparse, SPARSE_REQUESTS],
    ] as const;
    for (const [label, run, expected] of probes) {
      if (run.ok !== expected)
        problems.push(`${label}: ${expected - run.ok} non-2xx answers (${[...run.statuses].join(", ")})`);
    }
    const meteredRequests = prime.ok + metered.ok;
    const consumed = consumeAfter - consumeBefore;
    if (consumed !== meteredRequests)
      problems.push(
        `the metered run answered ${meteredRequests} requests (priming included) but wrote ${consumed} consume rows`,
      );
    if (consumedAtRate !== rateMetered.ok)
      problems.push(
        `the metered run at the fixed rate answered ${rateMetered.ok} requests but wrote ${consumedAtRate} consume rows`,
      );
    const [held] = await db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*)::bigint AS n FROM token_reservations WHERE user_id = ${user.id} AND status = 'held'`;
    if (Number(held?.n ?? 0n) !== 0) problems.push(`${held?.n} reservations still held after every request answered`);
    const verified = await verifyLedger(db);
    if (verified.mismatches.length > 0) {
      problems.push(
        `ledger invariant broken: ${JSON.stringify(verified.mismatches, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`,
      );
    }

    // ── figures ──
    const bareRps = (bareA.rps + bareB.rps) / 2;
    const bareP50 = (bareA.p50 + bareB.p50) / 2;
    const bareP99 = (bareA.p99 + bareB.p99) / 2;
    const saturatedP50Added = metered.p50 - bareP50;
    const saturatedP99Added = metered.p99 - bareP99;
    const rateBareP50 = (rateBareA.p50 + rateBareB.p50) / 2;
    const rateBareP99 = (rateBareA.p99 + rateBareB.p99) / 2;
    const p50Added = rateMetered.p50 - rateBareP50;
    const p99Added = rateMetered.p99 - rateBareP99;
    const loadCount = statements(c1, c2);
    const bareCount = statements(c0, c1);
    const seqBareCount = statements(c3, c4);
    const seqCount = statements(c4, c5);
    const wireTxCount = statements(c6, c7);
    // Under load the ledger pipeline commits many requests' calls in one statement: fewer statements
    // than requests. What one request makes and waits for is counted one request at a time, on the wire.
    const statementsLoaded = loadCount.statements / meteredRequests;
    const roundTrips = wireRoundTrips / PROBE_REQUESTS;
    const seqRequests = PROBE_REQUESTS + 1;
    const seqAddedP50 = percentile(seqMetered.latencies, 50) - percentile(seqBare.latencies, 50);
    const seqAddedP99 = percentile(seqMetered.latencies, 99) - percentile(seqBare.latencies, 99);
    const pairTotals = pairs.hold.map((h, i) => h + pairs.settle[i]!);
    const ledgerP50 = percentile(pairTotals, 50);
    const drift = (bareB.rps - bareA.rps) / bareA.rps;

    const row = (run: Run) => [
      run.label,
      round(run.rps),
      ms(run.p50),
      ms(run.p99),
      Number.isNaN(run.acP50) ? "" : `${run.acP50}/${run.acP99}${run.parts > 1 ? "*" : ""}`,
      run.ok,
      run.non2xx + run.errors,
      round(run.seconds, 1),
      ms(run.nextCpuMs),
      `${round(run.cores.next, 2)}/${round(run.cores.pg, 2)}/${round(run.cores.client, 2)}/${round(run.cores.other, 2)}`,
    ];
    console.log("");
    console.log(
      `withTokens overhead — next start (production build), embedded PostgreSQL (durable), ${CONNECTIONS} connections, ` +
        `${os.cpus().length} cores, load average before ${round(loadavg, 2)}`,
    );
    console.log("");
    const header = [
      "run",
      "req/s",
      "p50 ms",
      "p99 ms",
      "autocannon p50/p99",
      "2xx",
      "non-2xx",
      "s",
      "next CPU ms/req",
      "cores next/pg/client/other",
    ];
    console.log(`saturation: ${CONNECTIONS} connections, each sending its next request when the last is answered`);
    console.log(
      table(header, [
        row(warmBare),
        row(warmMetered),
        row(bareA),
        row(prime),
        row(metered),
        row(bareB),
        [
          "bare (mean of both)",
          round(bareRps),
          ms(bareP50),
          ms(bareP99),
          "",
          bareA.ok + bareB.ok,
          bareA.non2xx + bareB.non2xx,
          "",
          "",
          "",
        ],
        [
          "metered − bare",
          round(metered.rps - bareRps),
          ms(saturatedP50Added),
          ms(saturatedP99Added),
          "",
          "",
          "",
          "",
          "",
          "",
        ],
      ]),
    );
    console.log(
      `(at saturation a request waits for the ${CONNECTIONS - 1} others: latency ≈ connections × CPU per request, so metered − bare ` +
        `≈ ${CONNECTIONS} × ${ms(metered.nextCpuMs - (bareA.nextCpuMs + bareB.nextCpuMs) / 2)} ms of extra CPU — capacity, not the wrapper's latency)`,
    );
    console.log(
      `drift: the second bare run did ${round(Math.abs(drift) * 100, 1)}% ${drift >= 0 ? "more" : "fewer"} req/s than the first ` +
        `(p50 ${ms(bareA.p50)} → ${ms(bareB.p50)} ms)${Math.abs(drift) > 0.1 ? " — a noisy machine: read the figures with care" : ""}`,
    );
    if ([bareA, metered, bareB].some((run) => run.parts > 1)) {
      console.log(
        "* autocannon's figures of the first part of a run made of several (sized again after a slow warm-up)",
      );
    }
    console.log("");
    console.log(
      `the same fixed rate on both routes: ${rate} req/s (${LOAD} × the metered route's capacity), requests evenly spaced ` +
        `whatever the answers (open loop), at most ${CONNECTIONS} connections; latency from when each request was due`,
    );
    console.log(
      table(header, [
        row(rateBareA),
        row(rateMetered),
        row(rateBareB),
        [
          "bare (mean of both)",
          round((rateBareA.rps + rateBareB.rps) / 2),
          ms(rateBareP50),
          ms(rateBareP99),
          "",
          rateBareA.ok + rateBareB.ok,
          "",
          "",
          "",
          "",
        ],
        ["added (metered − bare)", "", ms(p50Added), ms(p99Added), "", "", "", "", "", ""],
      ]),
    );
    console.log(
      `checkpoints during the metered run at the rate: ${checkpointsDuring} (each one's writes share the disk with the WAL flush a charge waits for)`,
    );
    console.log(
      `floor: two durable commits one after the other (a single-statement UPDATE each, autocommit) from this process: ` +
        `p50 ${ms(percentile(floor, 50))} ms, p99 ${ms(percentile(floor, 99))} ms over ${floor.length} pairs — a metered call waits for two (the hold, the charge)`,
    );
    const otherMax = Math.max(
      ...[bareA, metered, bareB, rateBareA, rateMetered, rateBareB].map((run) => run.cores.other),
    );
    if (otherMax > 0.3) {
      console.log(
        `other programs used up to ${round(otherMax, 2)} cores of ${os.cpus().length} during the measured runs: the figures are skewed by them`,
      );
    }
    if (aborted > 0)
      log(`${aborted} requests were cut off by the end of the timed warm-ups (expected; not in any figure)`);
    console.log("");
    console.log(
      table(
        [`sequential, ${PROBE_REQUESTS} requests each (concurrency 1)`, "p50 ms", "p99 ms"],
        [
          ["bare", ms(percentile(seqBare.latencies, 50)), ms(percentile(seqBare.latencies, 99))],
          ["metered", ms(percentile(seqMetered.latencies, 50)), ms(percentile(seqMetered.latencies, 99))],
          ["added", ms(seqAddedP50), ms(seqAddedP99)],
          [
            "… of it, the ledger alone: hold (asynchronous commit)",
            ms(percentile(pairs.hold, 50)),
            ms(percentile(pairs.hold, 99)),
          ],
          [
            "… of it, the ledger alone: settle (durable commit)",
            ms(percentile(pairs.settle, 50)),
            ms(percentile(pairs.settle, 99)),
          ],
          ["… of it, the ledger alone: hold + settle", ms(ledgerP50), ms(percentile(pairTotals, 99))],
          ["… the rest: the wrapper's own work in the server", ms(seqAddedP50 - ledgerP50), ""],
        ],
      ),
    );
    console.log(
      `(the ledger alone: ${PROBE_REQUESTS} reserve → settle pairs through the product's LedgerPipeline from this process, on the same database; ` +
        `the floor under them, two single-row UPDATEs: p50 ${ms(percentile(floor, 50))} ms)`,
    );
    console.log("");
    console.log(
      table(
        [
          "database round trips (statements; connection start-ups not counted)",
          "requests",
          "counted",
          "per request",
          "new conns",
        ],
        [
          [
            "saturated metered run + priming: transactions (pg_stat_database)",
            meteredRequests,
            loadCount.statements,
            round(statementsLoaded, 3),
            loadCount.connections,
          ],
          [
            "bare run: transactions",
            bareA.ok,
            bareCount.statements,
            round(bareCount.statements / bareA.ok, 3),
            bareCount.connections,
          ],
          [
            "sequential metered: transactions",
            seqRequests,
            seqCount.statements,
            round(seqCount.statements / seqRequests, 3),
            seqCount.connections,
          ],
          [
            "sequential bare: transactions",
            PROBE_REQUESTS,
            seqBareCount.statements,
            round(seqBareCount.statements / PROBE_REQUESTS, 3),
            seqBareCount.connections,
          ],
          [
            "second server, sequential metered: Sync/Query on the wire",
            PROBE_REQUESTS,
            wireRoundTrips,
            round(wireRoundTrips / PROBE_REQUESTS, 3),
            0,
          ],
          [
            `second server, a sparse user (${SPARSE_REQUESTS} requests ${SPARSE_GAP_MS / 1000} s apart): Sync/Query on the wire, less ${idleRoundTrips} of an idle stretch as long`,
            SPARSE_REQUESTS,
            sparseRoundTrips,
            round(sparseRoundTrips / SPARSE_REQUESTS, 3),
            0,
          ],
          [
            "  … its transactions (one more request)",
            seqRequests,
            wireTxCount.statements,
            round(wireTxCount.statements / seqRequests, 3),
            wireTxCount.connections,
          ],
        ],
      ),
    );
    console.log(
      `ledger: ${consumed + consumedAtRate} consume rows for ${meteredRequests + rateMetered.ok} metered requests; ${held?.n ?? 0} holds left; ` +
        `invariant ${verified.mismatches.length === 0 ? "ok" : "BROKEN"} over ${verified.usersChecked} balance(s)`,
    );
    console.log("");
    console.log(
      table(
        ["target", "value", "goal", "result"],
        [
          [
            `added p50 ms at ${rate} req/s`,
            ms(p50Added),
            `≤ ${TARGETS.p50AddedMs}`,
            mark(p50Added <= TARGETS.p50AddedMs),
          ],
          [
            `added p99 ms at ${rate} req/s`,
            ms(p99Added),
            `≤ ${TARGETS.p99AddedMs}`,
            mark(p99Added <= TARGETS.p99AddedMs),
          ],
          [
            "db round trips / metered request (on the wire)",
            round(roundTrips, 2),
            `≤ ${TARGETS.roundTrips}`,
            mark(round(roundTrips, 2) <= TARGETS.roundTrips),
          ],
          [
            "db round trips / metered request, a sparse user (on the wire)",
            round(sparseRoundTrips / SPARSE_REQUESTS, 2),
            `≤ ${TARGETS.roundTrips}`,
            mark(round(sparseRoundTrips / SPARSE_REQUESTS, 2) <= TARGETS.roundTrips),
          ],
        ],
      ),
    );
    console.log("");
    for (const problem of problems) console.log(`ERROR: ${problem}`);
    console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const bench = {
      rps_bare: round(bareRps),
      rps_metered: round(metered.rps),
      p50_added_ms: ms(p50Added),
      p99_added_ms: ms(p99Added),
      db_round_trips: round(roundTrips, 2),
      db_round_trips_sparse: round(sparseRoundTrips / SPARSE_REQUESTS, 2),
      rate_rps: rate,
      p50_bare_ms: ms(rateBareP50),
      p99_bare_ms: ms(rateBareP99),
      p50_metered_ms: ms(rateMetered.p50),
      p99_metered_ms: ms(rateMetered.p99),
      floor_two_commits_p50_ms: ms(percentile(floor, 50)),
      floor_two_commits_p99_ms: ms(percentile(floor, 99)),
      saturated_p50_added_ms: ms(saturatedP50Added),
      saturated_p99_added_ms: ms(saturatedP99Added),
      next_cpu_ms_bare: ms((bareA.nextCpuMs + bareB.nextCpuMs) / 2),
      next_cpu_ms_metered: ms(metered.nextCpuMs),
      seq_p50_added_ms: ms(seqAddedP50),
      checkpoints_during_rate_run: checkpointsDuring,
      seq_ledger_hold_p50_ms: ms(percentile(pairs.hold, 50)),
      seq_ledger_settle_p50_ms: ms(percentile(pairs.settle, 50)),
      seq_wrapper_own_p50_ms: ms(seqAddedP50 - ledgerP50),
      seq_p99_added_ms: ms(seqAddedP99),
      db_statements_per_request_saturated: round(statementsLoaded, 3),
      bare_drift_pct: round(drift * 100, 1),
      non2xx: runs.reduce((n, run) => n + run.non2xx + run.errors, 0),
      requests_metered: metered.ok + rateMetered.ok,
      connections: CONNECTIONS,
      loadavg_before: round(loadavg, 2),
      other_cores_max: round(otherMax, 2),
      ok: problems.length === 0,
    };
    console.log(`BENCH ${JSON.stringify(bench)}`);
    return problems.length === 0 ? 0 : 1;
  } catch (error) {
    for (const s of servers) {
      const tail = s.tail().slice(-15);
      if (tail.length) console.error(`last lines of next (pid ${s.pid}):\n${tail.join("\n")}`);
    }
    throw error;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await relay?.close().catch(() => {});
    await mail?.close().catch(() => {});
    await db?.$disconnect().catch(() => {});
    await admin.end().catch(() => {});
    await server.cleanup();
  }
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error("bench:meter failed:", error);
  code = 1;
}
process.exit(code);

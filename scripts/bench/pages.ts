// `npm run bench:pages`: the server render time of the signed-in pages that read a user's ledger,
// for a user with 100,000 ledger rows in a ledger of 2,000,000 (scripts/bench/pages-seed.ts), on a
// production build served by `next start` against a fresh embedded PostgreSQL (durable defaults) and
// the loopback Stripe simulator, signed in through next-auth's own credentials endpoint (a real
// session cookie). Each page is fetched sequentially N times after a warm-up; a sample is the time
// from sending the request to the last byte of the body (TTFB through the full body). Pages: the
// subscription settings (balance, plan, the first history page), its history filtered to a rare
// kind, an older history page (a cursor from the page before), the usage page (30 and 90 days).
// Then the CSV export: its time to first byte and in total, for 100,000 and for 10,000 rows, and the
// server's peak resident memory growth during each (Linux: VmHWM reset through /proc/<pid>/clear_refs).
// Ends with one line `BENCH {json}`. Exits 1 when a page does not answer 200 or an export is not
// complete; a missed target (a page's p95, the export's memory flat in its rows) prints MISSED and
// still exits 0.
// Options: --no-build (reuse the build in .data/next-bench when there is one), --requests=N (per
// page, default 50), --explain (print EXPLAIN ANALYZE of the pages' ledger queries for the user).
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { hashPassword } from "../../lib/auth/password";
import { createUserWithAccount } from "../../lib/auth/users";
import { createDb, type Db } from "../../lib/db/connect";
import { findFreePort } from "../../lib/db/embedded";
import { SIMULATOR_API_KEY } from "../../lib/env";
import { Prisma } from "../../lib/db/generated/client";
import { historyView } from "../../lib/history/view";
import { verifyLedger } from "../../lib/tokens/ledger";
import { dailyUsage, periodUsage } from "../../lib/tokens/usage";
import { prepareDatabase } from "../lib/database";
import { startDevMail } from "../lib/mail-server";
import { startDevStripe, type DevStripe } from "../lib/stripe-simulator";
import { exiting, numberArg, percentile, round, startBenchServer, table } from "./lib";
import { buildNext, startNext, type NextServer } from "./meter-lib";
import { seedLedger, type SeededUser } from "./pages-seed";

const DIST_DIR = ".data/next-bench"; // shared with bench:meter: the same production build
const NO_BUILD = process.argv.includes("--no-build");
const EXPLAIN = process.argv.includes("--explain");
const REQUESTS = numberArg("requests", 50, { integer: true });
const WARMUP = 5;
const TARGET_P95_MS = 100;
// "Memory flat in the number of rows": the server's peak RSS growth exporting 100,000 rows is at most
// this much above its growth exporting 10,000 (the larger of the two 10k runs). Ten times the rows
// must not cost ten times the memory; a few MB of noise (allocator, young generation) is allowed.
const FLAT_MARGIN_MB = 16;
const PASSWORD = "bench-pages-password";
const log = (line: string) => console.log(`· ${line}`);

/** Signs in through next-auth's credentials endpoint, as the sign-in form does; returns the cookies. */
async function signIn(base: string, email: string): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie },
    body: new URLSearchParams({ csrfToken, email, password: PASSWORD, callbackUrl: `${base}/usage` }),
  });
  const session = response.headers.getSetCookie().find((c) => c.startsWith("authjs.session-token="));
  if (!session) throw new Error(`sign-in failed: ${response.status} ${response.headers.get("location")}`);
  return session.split(";")[0]!;
}

/** One request: ms to the first byte and to the end of the body, the status and the body. */
async function timed(
  url: string,
  cookie: string,
): Promise<{ ttfb: number; total: number; status: number; body: string }> {
  const started = performance.now();
  const response = await fetch(url, { headers: { cookie }, redirect: "manual" });
  const reader = response.body!.getReader();
  const chunks: Uint8Array[] = [];
  let ttfb = Number.NaN;
  for (;;) {
    const { done, value } = await reader.read();
    if (Number.isNaN(ttfb)) ttfb = performance.now() - started;
    if (done) break;
    chunks.push(value);
  }
  const total = performance.now() - started;
  return { ttfb, total, status: response.status, body: Buffer.concat(chunks).toString("utf8") };
}

/** Resident memory (kB) of a process now and at its peak since the last reset; null off Linux. */
function memory(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(status)?.[1]);
    return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
  } catch {
    return null;
  }
}

function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

async function createUser(db: Db, email: string, rows: number): Promise<SeededUser> {
  const passwordHash = await hashPassword(PASSWORD);
  const user = await createUserWithAccount(db, {
    email,
    name: email.split("@")[0]!,
    passwordHash,
    emailVerified: new Date(),
  });
  return { id: user.id, email, rows };
}

/** Runs the pages' ledger reads for `userId` on a client that prints EXPLAIN ANALYZE of each raw query. */
async function explainPages(db: Db, userId: string): Promise<void> {
  const explaining = new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== "$queryRaw") return Reflect.get(target, prop, receiver);
      return async (strings: TemplateStringsArray, ...values: unknown[]) => {
        const query = Prisma.sql(strings, ...values);
        const plan = await target.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
          `EXPLAIN (ANALYZE, BUFFERS) ${query.text}`,
          ...query.values,
        );
        console.log(`\n${query.text.replace(/\s+/g, " ").slice(0, 160)}…`);
        console.log(plan.map((r) => `  ${r["QUERY PLAN"]}`).join("\n"));
        return target.$queryRawUnsafe(query.text, ...query.values);
      };
    },
  });
  const view = await historyView(explaining, userId, {});
  await historyView(explaining, userId, { kind: "grant_pack" });
  await historyView(explaining, userId, { cursor: view.nextCursor ?? undefined });
  await periodUsage(explaining, userId);
  await dailyUsage(explaining, userId, { days: 90 });
}

interface PageResult {
  name: string;
  p50: number;
  p95: number;
  ttfbP50: number;
  bytes: number;
}

async function measurePage(name: string, url: string, cookie: string, problems: string[]): Promise<PageResult> {
  for (let i = 0; i < WARMUP; i++) await timed(url, cookie);
  const totals: number[] = [];
  const ttfbs: number[] = [];
  let bytes = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const r = await timed(url, cookie);
    if (r.status !== 200) problems.push(`${name}: status ${r.status}`);
    totals.push(r.total);
    ttfbs.push(r.ttfb);
    bytes = r.body.length;
  }
  return { name, p50: percentile(totals, 50), p95: percentile(totals, 95), ttfbP50: percentile(ttfbs, 50), bytes };
}

async function measureExport(
  label: string,
  base: string,
  cookie: string,
  pid: number,
  rows: number,
  problems: string[],
) {
  const before = memory(pid);
  const peakReset = resetPeak(pid);
  const r = await timed(`${base}/api/tokens/history/export`, cookie);
  const after = memory(pid);
  const lines = r.body.split("\r\n").filter(Boolean).length - 1; // minus the header
  // The user's visible rows: the seeded ones plus the sign-up grant.
  if (r.status !== 200 || lines !== rows + 1) problems.push(`${label} export: status ${r.status}, ${lines} rows`);
  const growthMb = before && after && peakReset ? (after.hwm - before.rss) / 1024 : Number.NaN;
  return { label, rows: lines, ttfb: r.ttfb, total: r.total, mb: r.body.length / 1e6, growthMb };
}

async function main(): Promise<number> {
  const loadavg = os.loadavg()[0]!;
  const problems: string[] = [];
  if (NO_BUILD && existsSync(path.join(DIST_DIR, "BUILD_ID"))) log(`--no-build: reusing the build in ${DIST_DIR}`);
  else {
    log(`next build into ${DIST_DIR} (about a minute)…`);
    buildNext(DIST_DIR, log);
  }
  const server = await startBenchServer(`bench-pages-${process.pid}`, log);
  let db: Db | null = null;
  let next: NextServer | null = null;
  let stripe: DevStripe | null = null;
  let mail: Awaited<ReturnType<typeof startDevMail>> | null = null;
  try {
    await prepareDatabase(server.url, () => {});
    db = createDb(server.url, 2);
    const now = new Date();
    const heavy = await createUser(db, "heavy@bench.invalid", 100_000);
    const ten = await createUser(db, "ten@bench.invalid", 10_000);
    const seedStarted = performance.now();
    await seedLedger(db, { users: [heavy, ten], others: 18_900, otherRows: 100, days: 365, now });
    const n = (await db.$queryRawUnsafe<{ n: number }[]>("SELECT count(*)::int AS n FROM token_transactions"))[0]!.n;
    log(
      `seeded ${n} ledger rows (heavy: 100,001, ten: 10,001) in ${round((performance.now() - seedStarted) / 1000, 1)} s`,
    );

    if (EXPLAIN) await explainPages(db, heavy.id);

    const port = await findFreePort(3460);
    const appUrl = `http://127.0.0.1:${port}`;
    stripe = await startDevStripe({ appUrl, databaseUrl: server.url, log: () => {} });
    mail = await startDevMail(); // production requires SMTP_URL and MAIL_FROM
    next = await startNext({
      port,
      distDir: DIST_DIR,
      label: "next",
      onLine: log,
      env: {
        TOLLGATE_LOOPBACK_RUN: "1",
        DATABASE_URL: server.url,
        AUTH_SECRET: randomBytes(32).toString("base64url"),
        AUTH_TRUST_HOST: "true",
        APP_URL: appUrl,
        OPENAI_API_KEY: SIMULATOR_API_KEY,
        SIGNIN_LIMIT_PER_IP_PER_15_MIN: "0",
        ...stripe.env,
        ...mail.env,
      },
    });
    log(`next start on ${next.url} (pid ${next.pid})`);
    const cookie = await signIn(next.url, heavy.email);
    const tenCookie = await signIn(next.url, ten.email);
    log("signed in through /api/auth/callback/credentials (session cookies for heavy and ten)");

    const settings = `${next.url}/settings/subscription`;
    const first = await timed(settings, cookie);
    const cursor = /cursor=([A-Za-z0-9_-]+)/.exec(first.body)?.[1];
    if (first.status !== 200 || !cursor) problems.push(`settings: status ${first.status}, no "Older" link`);
    if (!first.body.includes('data-testid="history-row"')) problems.push("settings: no history rows");
    const pages = [
      await measurePage("settings/subscription", settings, cookie, problems),
      await measurePage("settings, history ?kind=grant_pack", `${settings}?kind=grant_pack`, cookie, problems),
      await measurePage("settings, older history page", `${settings}?cursor=${cursor}`, cookie, problems),
      await measurePage("usage (30 days)", `${next.url}/usage`, cookie, problems),
      await measurePage("usage ?range=90", `${next.url}/usage?range=90`, cookie, problems),
    ];
    await timed(`${next.url}/api/tokens/history/export`, tenCookie); // loads the route once
    const exports = [
      await measureExport("10,000 rows", next.url, tenCookie, next.pid, 10_000, problems),
      await measureExport("100,000 rows", next.url, cookie, next.pid, 100_000, problems),
      await measureExport("10,000 rows again", next.url, tenCookie, next.pid, 10_000, problems),
    ];
    const { mismatches } = await verifyLedger(db);
    if (mismatches.length) problems.push(`ledger: ${mismatches.length} mismatches`);

    console.log("");
    console.log(
      `bench:pages — next start, ${n} ledger rows, ${REQUESTS} sequential requests a page, load average ${round(loadavg, 1)}`,
    );
    console.log(
      table(
        ["page", "p50 ms", "p95 ms", "TTFB p50 ms", "KB", `p95 ≤ ${TARGET_P95_MS} ms`],
        pages.map((p) => [
          p.name,
          round(p.p50, 1),
          round(p.p95, 1),
          round(p.ttfbP50, 1),
          round(p.bytes / 1000),
          p.p95 <= TARGET_P95_MS ? "met" : "MISSED",
        ]),
      ),
    );
    console.log(
      table(
        ["export", "rows", "TTFB ms", "total ms", "MB", "peak RSS growth MB"],
        exports.map((e) => [e.label, e.rows, round(e.ttfb, 1), round(e.total), round(e.mb, 1), round(e.growthMb, 1)]),
      ),
    );
    const tenGrowth = Math.max(exports[0]!.growthMb, exports[2]!.growthMb);
    const excessMb = exports[1]!.growthMb - tenGrowth;
    const flat = excessMb <= FLAT_MARGIN_MB;
    console.log(
      `export memory flat in rows (100k growth − 10k growth ≤ ${FLAT_MARGIN_MB} MB): ${round(excessMb, 1)} MB — ${Number.isNaN(excessMb) ? "not measured" : flat ? "met" : "MISSED"}`,
    );
    for (const p of problems) console.log(`PROBLEM ${p}`);
    const bench = {
      ledger_rows: n,
      requests: REQUESTS,
      pages: Object.fromEntries(pages.map((p) => [p.name, { p50: round(p.p50, 1), p95: round(p.p95, 1) }])),
      p95_max: round(Math.max(...pages.map((p) => p.p95)), 1),
      export_100k: {
        ttfb_ms: round(exports[1]!.ttfb, 1),
        ms: round(exports[1]!.total),
        rss_growth_mb: round(exports[1]!.growthMb, 1),
      },
      export_10k: {
        ttfb_ms: round(exports[0]!.ttfb, 1),
        ms: round(exports[0]!.total),
        rss_growth_mb: round(exports[0]!.growthMb, 1),
      },
      export_memory_flat: Number.isNaN(excessMb) ? null : flat,
      loadavg: round(loadavg, 1),
      ok: problems.length === 0,
    };
    console.log(`BENCH ${JSON.stringify(bench)}`);
    return problems.length ? 1 : 0;
  } finally {
    await next?.stop();
    await stripe?.close();
    await mail?.close();
    await db?.$disconnect().catch(() => {});
    await server.cleanup();
  }
}

let code = 1;
try {
  code = await main();
} catch (error) {
  if (!exiting()) console.error("bench:pages failed:", error);
  code = exiting() ? 130 : 1;
}
process.exit(code);

// `npm run test:pgbouncer [-- <vitest filters>]`: the integration tests (*.int.test.ts) behind
// PgBouncer in transaction mode, as the app runs behind a managed pooler. Starts an embedded
// PostgreSQL (EMBEDDED_PG_PORT) and Debian's pgbouncer (1.18: no prepared statements) in front of
// it, then runs Vitest with TEST_DATABASE_URL at PgBouncer, TEST_DIRECT_DATABASE_URL at PostgreSQL
// (the template's migration, CREATE/DROP DATABASE, and what needs a session: LISTEN, session
// advisory locks — DIRECT_DATABASE_URL in the app) and DATABASE_PREPARED_STATEMENTS=off. Filters
// narrow the run (default: every integration test). Ends with `N passed, N failed`; exit 1 on a failure.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { startEmbeddedPostgres } from "../lib/db/embedded";
import { toolingEnv } from "../lib/env";
import { startPgBouncer } from "./lib/pgbouncer";

const log = (line: string) => console.log(`[test:pgbouncer] ${line}`);
const filters = process.argv.slice(2);
const dir = path.join(process.cwd(), ".data", `pgbouncer-${process.pid}`);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const started = Date.now();
const server = await startEmbeddedPostgres({
  dataDir: path.join(dir, "pg"),
  database: "postgres",
  port: toolingEnv().EMBEDDED_PG_PORT,
  ephemeral: true,
  log,
});
let status = 1;
let summary = "0 passed, 1 failed";
try {
  const bouncer = await startPgBouncer({ serverUrl: server.url, dir: path.join(dir, "pgbouncer") });
  log(`${bouncer.version} (transaction mode) on port ${bouncer.port}, in front of PostgreSQL on ${server.port}`);
  try {
    const report = path.join(dir, "vitest.json");
    const run = spawnSync(
      "npx",
      [
        "vitest",
        "run",
        ...(filters.length > 0 ? filters : [".int.test."]),
        "--reporter=default",
        "--reporter=json",
        `--outputFile.json=${report}`,
      ],
      {
        stdio: "inherit",
        env: {
          ...process.env,
          TEST_DATABASE_URL: bouncer.url("postgres"),
          TEST_DIRECT_DATABASE_URL: server.url,
          DATABASE_PREPARED_STATEMENTS: "off",
        },
      },
    );
    let passed = 0;
    let failed = 0;
    try {
      const json = JSON.parse(readFileSync(report, "utf8")) as { numPassedTests: number; numFailedTests: number };
      passed = json.numPassedTests;
      failed = json.numFailedTests;
    } catch {
      // No report: Vitest itself failed (global set-up, an import).
    }
    if (run.status !== 0 && failed === 0) failed = 1;
    status = failed === 0 ? 0 : 1;
    summary = `${passed} passed, ${failed} failed`;
  } finally {
    await bouncer.close();
  }
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
log(`behind PgBouncer in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(summary);
process.exit(status);

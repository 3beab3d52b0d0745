// `npm test`: every check of the project, in order — typecheck, lint, format (Prettier), Vitest
// (unit + integration on real PostgreSQL), the production build, and Playwright end-to-end tests
// in Chromium against it.
// A failing step does not stop the later ones (each tells something); the last line is
// `N passed, N failed` over every runner, and the exit code is non-zero when anything failed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { E2E_DIST_DIR } from "../test/support/e2e-paths";

const reports = path.join(process.cwd(), ".data", "test-reports");
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

interface Outcome {
  step: string;
  passed: number;
  failed: number;
  seconds: number;
}
const outcomes: Outcome[] = [];

/** Runs one step with its output streamed; returns its exit status and duration. */
function run(step: string, command: string, args: string[], env: Record<string, string> = {}) {
  console.log(`\n▶ ${step}: ${command} ${args.join(" ")}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  return { status: result.status ?? 1, seconds: (Date.now() - started) / 1000 };
}

/** A step that counts as one check: passed when it exits 0. */
function check(step: string, command: string, args: string[], env?: Record<string, string>): boolean {
  const { status, seconds } = run(step, command, args, env);
  outcomes.push({ step, passed: status === 0 ? 1 : 0, failed: status === 0 ? 0 : 1, seconds });
  return status === 0;
}

function readJson(file: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

const npx = "npx";

check("typecheck", npx, ["tsc", "--noEmit"]);
check("lint", npx, ["eslint", "--max-warnings=0", "."]);
check("format", npx, ["prettier", "--check", "."]);

{
  const file = path.join(reports, "vitest.json");
  const { status, seconds } = run("vitest", npx, [
    "vitest",
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${file}`,
  ]);
  const report = readJson(file) as { numPassedTests?: number; numFailedTests?: number } | null;
  const passed = report?.numPassedTests ?? 0;
  // A crash (global setup, a file that fails to import) fails the run without failing a test.
  const failed = (report?.numFailedTests ?? 0) || (status === 0 ? 0 : 1);
  outcomes.push({ step: "vitest", passed, failed, seconds });
}

rmSync(E2E_DIST_DIR, { recursive: true, force: true });
const built = check("build", npx, ["next", "build"], { NEXT_DIST_DIR: E2E_DIST_DIR, NEXT_TELEMETRY_DISABLED: "1" });

if (built) {
  const file = path.join(reports, "playwright.json");
  const { status, seconds } = run(
    "e2e",
    npx,
    ["playwright", "test", "--tsconfig", "tsconfig.scripts.json", "--reporter=list,json"],
    { PLAYWRIGHT_JSON_OUTPUT_NAME: file },
  );
  const report = existsSync(file)
    ? (readJson(file) as { stats?: { expected?: number; unexpected?: number; flaky?: number } } | null)
    : null;
  const passed = (report?.stats?.expected ?? 0) + (report?.stats?.flaky ?? 0);
  const failed = (report?.stats?.unexpected ?? 0) || (status === 0 ? 0 : 1);
  outcomes.push({ step: "e2e", passed, failed, seconds });
} else {
  console.log("\n▶ e2e: skipped, the build failed");
  outcomes.push({ step: "e2e", passed: 0, failed: 1, seconds: 0 });
}

console.log("\nSummary");
for (const o of outcomes) {
  console.log(
    `  ${o.step.padEnd(10)} ${String(o.passed).padStart(4)} passed ${String(o.failed).padStart(3)} failed  ${o.seconds.toFixed(1)} s`,
  );
}
const passed = outcomes.reduce((sum, o) => sum + o.passed, 0);
const failed = outcomes.reduce((sum, o) => sum + o.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

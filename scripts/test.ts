// `npm test`: every check of the project — typecheck, lint, format (Prettier), Vitest (unit +
// integration on real PostgreSQL), the production build, and Playwright end-to-end tests in
// Chromium against it.
//
// Vitest runs one test file at a time (its default on 2 cores) and spends much of its time waiting
// on PostgreSQL and timers, so the static checks and the build run beside it, one after another:
// the run takes about as long as Vitest plus the end-to-end tests, not the sum of every step. Their
// output is kept in .data/test-reports/<step>.log and printed whole once Vitest is done, so the
// logs do not interleave. The end-to-end tests start when both are done.
// A failing step does not stop the later ones (each tells something); the last line is
// `N passed, N failed` over every runner, and the exit code is non-zero when anything failed.
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
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

interface Run {
  status: number;
  seconds: number;
  /** The file holding the step's output, when it was not streamed. */
  log?: string;
}

/**
 * Runs one step and resolves with its exit status and duration. Streamed to this terminal, or,
 * with `quiet`, written to .data/test-reports/<step>.log (stdout and stderr in order).
 */
function run(step: string, command: string, args: string[], env: Record<string, string> = {}, quiet = false) {
  const started = Date.now();
  const log = quiet ? path.join(reports, `${step}.log`) : undefined;
  const line = `▶ ${step}: ${command} ${args.join(" ")}`;
  console.log(quiet ? `\n${line} (output in ${path.relative(process.cwd(), log!)})` : `\n${line}`);
  return new Promise<Run>((resolve) => {
    const child = spawn(command, args, {
      stdio: quiet ? ["ignore", "pipe", "pipe"] : "inherit",
      env: { ...process.env, ...env },
    });
    if (log) {
      const file = createWriteStream(log);
      child.stdout!.pipe(file, { end: false });
      child.stderr!.pipe(file, { end: false });
      child.once("close", () => file.end());
    }
    const done = (status: number) => resolve({ status, seconds: (Date.now() - started) / 1000, log });
    child.once("error", (err) => {
      console.error(`${step}: ${err.message}`);
      done(1);
    });
    child.once("close", (code) => done(code ?? 1));
  });
}

function readJson(file: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

const npx = "npx";
const passFail = (step: string, r: Run): Outcome => ({
  step,
  passed: r.status === 0 ? 1 : 0,
  failed: r.status === 0 ? 0 : 1,
  seconds: r.seconds,
});

/** The static checks, then the production build the end-to-end tests run against. */
async function checksAndBuild(): Promise<{ outcomes: Outcome[]; runs: Run[]; built: boolean }> {
  const outcomes: Outcome[] = [];
  const runs: Run[] = [];
  const step = async (name: string, command: string, args: string[], env?: Record<string, string>) => {
    const r = await run(name, command, args, env, true);
    runs.push(r);
    outcomes.push(passFail(name, r));
    return r.status === 0;
  };
  await step("typecheck", npx, ["tsc", "--noEmit"]);
  await step("lint", npx, ["eslint", "--max-warnings=0", "."]);
  await step("format", npx, ["prettier", "--check", "."]);
  rmSync(E2E_DIST_DIR, { recursive: true, force: true });
  const built = await step("build", npx, ["next", "build"], {
    NEXT_DIST_DIR: E2E_DIST_DIR,
    NEXT_TELEMETRY_DISABLED: "1",
  });
  return { outcomes, runs, built };
}

async function vitest(): Promise<Outcome> {
  const file = path.join(reports, "vitest.json");
  const { status, seconds } = await run("vitest", npx, [
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
  return { step: "vitest", passed, failed, seconds };
}

async function e2e(): Promise<Outcome> {
  const file = path.join(reports, "playwright.json");
  const { status, seconds } = await run(
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
  return { step: "e2e", passed, failed, seconds };
}

const started = Date.now();
const [side, tests] = await Promise.all([checksAndBuild(), vitest()]);
for (const r of side.runs) {
  console.log(`\n▼ ${path.relative(process.cwd(), r.log!)} (exit ${r.status}, ${r.seconds.toFixed(1)} s)`);
  process.stdout.write(readFileSync(r.log!, "utf8"));
}
const outcomes: Outcome[] = [...side.outcomes, tests];
if (side.built) {
  outcomes.push(await e2e());
} else {
  console.log("\n▶ e2e: skipped, the build failed");
  outcomes.push({ step: "e2e", passed: 0, failed: 1, seconds: 0 });
}

console.log("\nSummary (typecheck, lint, format and build ran beside vitest)");
for (const o of outcomes) {
  console.log(
    `  ${o.step.padEnd(10)} ${String(o.passed).padStart(4)} passed ${String(o.failed).padStart(3)} failed  ${o.seconds.toFixed(1)} s`,
  );
}
console.log(`  total      ${((Date.now() - started) / 1000).toFixed(1)} s`);
const passed = outcomes.reduce((sum, o) => sum + o.passed, 0);
const failed = outcomes.reduce((sum, o) => sum + o.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

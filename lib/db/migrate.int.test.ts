import { createHash, randomBytes } from "node:crypto";
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { withDatabaseName } from "./embedded";
import { MIGRATIONS_DIR, applyMigrations, readMigrations } from "./migrate";

const INIT = "20261124000000_init";
/** Every checked-in migration, in order (the tests must not need editing when one is added). */
const ALL = readdirSync(MIGRATIONS_DIR)
  .filter((name) => existsSync(path.join(MIGRATIONS_DIR, name, "migration.sql")))
  .sort();
const serverUrl = inject("testServerUrl");
const created: string[] = [];
let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "tollgate-migrate-"));
});

afterAll(async () => {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    for (const name of created) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  rmSync(tmp, { recursive: true, force: true });
});

/** A new, empty database (no template): its connection string. */
async function emptyDatabase(): Promise<string> {
  const name = `${inject("testDatabasePrefix")}migrate_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  created.push(name);
  return withDatabaseName(serverUrl, name);
}

async function query<T extends pg.QueryResultRow>(url: string, text: string, params?: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

const recorded = (url: string) =>
  query<{
    migration_name: string;
    checksum: string;
    finished: boolean;
    rolled_back: boolean;
    applied_steps_count: number;
  }>(
    url,
    `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back,
            applied_steps_count
     FROM "_prisma_migrations" ORDER BY migration_name`,
  );

const tableExists = async (url: string, table: string) =>
  (await query<{ t: string | null }>(url, "SELECT to_regclass($1)::text AS t", [table]))[0]!.t !== null;

/** A copy of prisma/migrations in a temporary folder, to edit. */
function copyOfMigrations(): string {
  const dir = mkdtempSync(path.join(tmp, "migrations-"));
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("readMigrations", () => {
  it("reads the migration folders in order, with the sha256 of each file", () => {
    const migrations = readMigrations();
    expect(ALL[0]).toBe(INIT);
    expect(migrations.map((m) => [m.name, m.checksum])).toEqual(
      ALL.map((name) => [name, sha256(path.join(MIGRATIONS_DIR, name, "migration.sql"))]),
    );
    expect(migrations[0]!.sql).toContain('CREATE TABLE "token_transactions"');
  });

  it("skips folders without a migration.sql and sorts by name", () => {
    const dir = copyOfMigrations();
    mkdirSync(path.join(dir, "20991201000000_later"));
    writeFileSync(path.join(dir, "20991201000000_later", "migration.sql"), "SELECT 1;");
    mkdirSync(path.join(dir, "20261130000000_empty"));
    mkdirSync(path.join(dir, "20200101000000_earlier"));
    writeFileSync(path.join(dir, "20200101000000_earlier", "migration.sql"), "SELECT 2;");
    expect(readMigrations(dir).map((m) => m.name)).toEqual(["20200101000000_earlier", ...ALL, "20991201000000_later"]);
  });

  it("names a missing folder", () => {
    expect(() => readMigrations(path.join(tmp, "nowhere"))).toThrow(
      `No migrations folder at ${path.join(tmp, "nowhere")}`,
    );
  });
});

describe("applyMigrations", () => {
  it("applies every migration to an empty database and records it as Prisma does", async () => {
    const url = await emptyDatabase();
    const lines: string[] = [];
    expect(await applyMigrations(url, { log: (line) => lines.push(line) })).toEqual({
      applied: ALL,
      alreadyApplied: 0,
    });
    expect(lines).toEqual(ALL.map((name) => `applied migration ${name}`));
    expect(await recorded(url)).toEqual(
      ALL.map((name) => ({
        migration_name: name,
        checksum: sha256(path.join(MIGRATIONS_DIR, name, "migration.sql")),
        finished: true,
        rolled_back: false,
        applied_steps_count: 1,
      })),
    );
    for (const table of [
      "users",
      "user_token_balance",
      "token_transactions",
      "token_pricing_config",
      "auth_throttle",
    ]) {
      expect(await tableExists(url, table)).toBe(true);
    }
    // The hand-written part ran too.
    const triggers = await query(
      url,
      "SELECT tgname FROM pg_trigger WHERE tgrelid = 'token_transactions'::regclass AND NOT tgisinternal ORDER BY tgname",
    );
    expect(triggers).toEqual([
      { tgname: "token_transactions_append_only" },
      { tgname: "token_transactions_period_started" },
      { tgname: "token_transactions_usage_daily" },
    ]);

    // A second run has nothing to do.
    expect(await applyMigrations(url)).toEqual({ applied: [], alreadyApplied: ALL.length });
    expect(await recorded(url)).toHaveLength(ALL.length);
  });

  it("applies each migration once when two runners start at once", async () => {
    const url = await emptyDatabase();
    const results = await Promise.all([applyMigrations(url), applyMigrations(url)]);
    expect(results.map((r) => r.applied).sort((a, b) => b.length - a.length)).toEqual([ALL, []]);
    expect(results.map((r) => r.alreadyApplied).sort()).toEqual([0, ALL.length]);
    expect((await recorded(url)).map((r) => r.migration_name)).toEqual(ALL);
  });

  it("applies only the new migration when one is added", async () => {
    const url = await emptyDatabase();
    const dir = copyOfMigrations();
    await applyMigrations(url, { dir });
    mkdirSync(path.join(dir, "20991201000000_add_probe"));
    writeFileSync(path.join(dir, "20991201000000_add_probe", "migration.sql"), "CREATE TABLE probe (id int);\n");
    expect(await applyMigrations(url, { dir })).toEqual({
      applied: ["20991201000000_add_probe"],
      alreadyApplied: ALL.length,
    });
    expect(await tableExists(url, "probe")).toBe(true);
    expect((await recorded(url)).map((r) => r.migration_name)).toEqual([...ALL, "20991201000000_add_probe"]);
  });

  it("stops with an error naming a migration edited after it was applied", async () => {
    const url = await emptyDatabase();
    const dir = copyOfMigrations();
    await applyMigrations(url, { dir });
    appendFileSync(path.join(dir, INIT, "migration.sql"), "\n-- an afterthought\n");
    mkdirSync(path.join(dir, "20991201000000_after_edit"));
    writeFileSync(path.join(dir, "20991201000000_after_edit", "migration.sql"), "CREATE TABLE after_edit (id int);\n");
    await expect(applyMigrations(url, { dir })).rejects.toThrow(
      `Migration ${INIT} was edited after it was applied. Revert the edit and add a new migration instead.`,
    );
    // The run stopped there: nothing after the edited migration was applied.
    expect(await tableExists(url, "after_edit")).toBe(false);
    expect((await recorded(url)).map((r) => r.migration_name)).toEqual(ALL);
  });

  it("rolls back a broken migration entirely, names it, and does not record it", async () => {
    const url = await emptyDatabase();
    const dir = copyOfMigrations();
    const broken = "20991201000000_broken";
    mkdirSync(path.join(dir, broken));
    writeFileSync(
      path.join(dir, broken, "migration.sql"),
      "CREATE TABLE half_done (id int);\nALTER TABLE users ADD COLUMN nickname text;\nSELECT * FROM no_such_table;\n",
    );
    await expect(applyMigrations(url, { dir })).rejects.toThrow(
      `Migration ${broken} failed: relation "no_such_table" does not exist`,
    );
    // The migrations before it stay applied; nothing of the broken one is left.
    expect((await recorded(url)).map((r) => r.migration_name)).toEqual(ALL);
    expect(await tableExists(url, "half_done")).toBe(false);
    const columns = await query(
      url,
      "SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'nickname'",
    );
    expect(columns).toEqual([]);

    // Once fixed, it applies.
    writeFileSync(path.join(dir, broken, "migration.sql"), "CREATE TABLE half_done (id int);\n");
    expect(await applyMigrations(url, { dir })).toEqual({ applied: [broken], alreadyApplied: ALL.length });
    expect(await tableExists(url, "half_done")).toBe(true);
  });

  it("refuses to run over a migration that failed half-way earlier", async () => {
    const url = await emptyDatabase();
    await applyMigrations(url);
    // What `prisma migrate deploy` leaves behind when a migration fails: a row without finished_at.
    await query(url, `UPDATE "_prisma_migrations" SET finished_at = NULL WHERE migration_name = $1`, [INIT]);
    await expect(applyMigrations(url)).rejects.toThrow(
      `Migration ${INIT} failed earlier and was not rolled back; fix the database by hand.`,
    );
  });

  it("ignores a migration that was rolled back, and applies it again", async () => {
    const url = await emptyDatabase();
    const dir = copyOfMigrations();
    const extra = "20991201000000_extra";
    mkdirSync(path.join(dir, extra));
    writeFileSync(path.join(dir, extra, "migration.sql"), "CREATE TABLE extra (id int);\n");
    await applyMigrations(url, { dir });
    await query(
      url,
      `DROP TABLE extra; UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '${extra}'`,
    );
    expect(await applyMigrations(url, { dir })).toEqual({ applied: [extra], alreadyApplied: ALL.length });
    expect(await tableExists(url, "extra")).toBe(true);
  });
});

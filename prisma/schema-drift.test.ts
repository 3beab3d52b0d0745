// prisma/schema.prisma and prisma/migrations must describe the same database. The diff runs
// Prisma's WASM schema engine against an in-memory PGlite (scripts/lib/schema-diff.ts), so this
// needs neither a database server nor network access.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { diffSchemaAgainstMigrations } from "../scripts/lib/schema-diff";

const REPO_ROOT = path.resolve(import.meta.dirname, "..");
const SCHEMA_PATH = path.join(REPO_ROOT, "prisma", "schema.prisma");
const MIGRATIONS_DIR = path.join(REPO_ROOT, "prisma", "migrations");
// Each diff starts Prisma's schema engine on a shadow database: ~8 s on a quiet machine, far more
// beside a build. The bound only catches a hang.
const TIMEOUT_MS = 240_000;

describe("schema drift", () => {
  it(
    "prisma/migrations produce exactly what prisma/schema.prisma describes",
    async () => {
      const sql = await diffSchemaAgainstMigrations({
        schemaPath: SCHEMA_PATH,
        migrationsDir: MIGRATIONS_DIR,
      });
      expect(
        sql,
        "prisma/schema.prisma has changes that no migration applies. Create one with\n" +
          "  npm run db:migration:new -- <name>\n" +
          "(then review it and commit it with the schema change). Missing SQL:\n\n" +
          sql,
      ).toBe("");
    },
    TIMEOUT_MS,
  );

  it(
    "detects a field that exists only in the schema",
    async () => {
      const schema = await readFile(SCHEMA_PATH, "utf8");
      const anchor = /model AuthThrottle \{\n/;
      expect(schema, "model AuthThrottle not found; update this probe").toMatch(anchor);
      const drifted = schema.replace(anchor, (m) => `${m}  driftProbe String? @map("drift_probe")\n`);

      const dir = await mkdtemp(path.join(os.tmpdir(), "tollgate-schema-drift-"));
      try {
        const schemaPath = path.join(dir, "schema.prisma");
        await writeFile(schemaPath, drifted);
        const sql = await diffSchemaAgainstMigrations({ schemaPath, migrationsDir: MIGRATIONS_DIR });
        // (Prisma pads the column name: `ADD COLUMN     "drift_probe"`.)
        expect(sql).toMatch(/ALTER TABLE "auth_throttle" ADD COLUMN\s+"drift_probe" TEXT/);
        // Nothing else differs.
        expect(sql.match(/^(ALTER|CREATE|DROP)\b/gm)).toHaveLength(1);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    TIMEOUT_MS,
  );
});

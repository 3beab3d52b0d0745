// For integration tests: a fresh database cloned from the migrated, seeded template, private to the
// calling test file. Usage: `const t = await createTestDatabase(); … t.db …; await t.drop()`.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createDb, createPool, type Db } from "../../lib/db/connect";
import { withDatabaseName } from "../../lib/db/embedded";

export interface TestDatabase {
  url: string;
  db: Db;
  /** The node-postgres pool `db` runs on (the ledger pipeline's batches use it directly). */
  pool: pg.Pool;
  /** Runs raw SQL on this database (test set-up and assertions). */
  sql<T extends pg.QueryResultRow = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export async function createTestDatabase({ poolMax = 20 }: { poolMax?: number } = {}): Promise<TestDatabase> {
  const serverUrl = inject("testServerUrl");
  const name = `${inject("testDatabasePrefix")}${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${inject("testTemplateDatabase")}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabaseName(serverUrl, name);
  const pool = createPool(url, poolMax);
  const db = createDb(pool);
  return {
    url,
    db,
    pool,
    sql: async (text, params) => (await pool.query(text, params)).rows,
    drop: async () => {
      await db.$disconnect();
      await pool.end();
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      try {
        // Prisma's $disconnect can resolve before its connections are closed; forcing the drop
        // while one is still closing makes the server kill it and pg raise an unhandled error.
        for (let i = 0; i < 40; i++) {
          const { rows } = await dropper.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [
            name,
          ]);
          if (rows[0].n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

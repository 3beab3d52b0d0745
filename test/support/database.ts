// For integration tests: a fresh database cloned from the migrated, seeded template, private to the
// calling test file. Usage: `const t = await createTestDatabase(); … t.db …; await t.drop()`.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createDb, createPool, type Db } from "../../lib/db/connect";
import { withDatabaseName } from "../../lib/db/embedded";
import { toolingEnv } from "../../lib/env";

export interface TestDatabase {
  /** The database's URL; behind a pooler under `npm run test:pgbouncer`. */
  url: string;
  /**
   * The same database on the server itself, never through a pooler: for what needs a session of
   * its own (LISTEN, session advisory locks: DIRECT_DATABASE_URL in the app) or a server-side fact.
   */
  directUrl: string;
  db: Db;
  /** The node-postgres pool `db` runs on (the ledger pipeline's batches use it directly). */
  pool: pg.Pool;
  /** Runs raw SQL on this database (test set-up and assertions). */
  sql<T extends pg.QueryResultRow = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export async function createTestDatabase({ poolMax = 20 }: { poolMax?: number } = {}): Promise<TestDatabase> {
  const serverUrl = inject("testServerUrl");
  const directServerUrl = inject("testDirectServerUrl");
  const pooled = serverUrl !== directServerUrl;
  const name = `${inject("testDatabasePrefix")}${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: directServerUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${inject("testTemplateDatabase")}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabaseName(serverUrl, name);
  const preparedStatements = toolingEnv().DATABASE_PREPARED_STATEMENTS === "on";
  const pool = createPool(url, poolMax, undefined, { preparedStatements });
  const db = createDb(pool);
  return {
    url,
    directUrl: withDatabaseName(directServerUrl, name),
    db,
    pool,
    sql: async (text, params) => (await pool.query(text, params)).rows,
    drop: async () => {
      await db.$disconnect();
      await pool.end();
      const dropper = new pg.Client({ connectionString: directServerUrl });
      await dropper.connect();
      try {
        // Behind a pooler the server connections are the pooler's (idle, kept): forced at once,
        // which none of ours can notice.
        if (pooled) return void (await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
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

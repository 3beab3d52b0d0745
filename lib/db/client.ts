// The app's process-wide node-postgres pool (which the ledger pipeline's batches use directly) and
// the Prisma client over it, for DATABASE_URL: one of each per server process; in development they
// survive hot reloads on globalThis. Server only: it holds the database.
import "server-only";
import type pg from "pg";
import type { PrismaClient } from "./generated/client";
import { createDb, createPool } from "./connect";
import { env } from "../env";
import { logger } from "../log";

const log = logger("db");

export * from "./connect";

const globalForDb = globalThis as unknown as { tollgatePool?: pg.Pool; tollgateDb?: PrismaClient };

/** The process-wide pool for DATABASE_URL (DATABASE_POOL_MAX connections). */
export function pool(): pg.Pool {
  if (!globalForDb.tollgatePool) {
    const e = env();
    globalForDb.tollgatePool = createPool(
      e.DATABASE_URL,
      e.DATABASE_POOL_MAX,
      (error) => log.warn({ event: "idle_connection_failed", message: error.message }),
      { preparedStatements: e.DATABASE_PREPARED_STATEMENTS === "on" },
    );
  }
  return globalForDb.tollgatePool;
}

/** The process-wide client for DATABASE_URL, on the process-wide pool. */
export function db(): PrismaClient {
  globalForDb.tollgateDb ??= createDb(pool());
  return globalForDb.tollgateDb;
}

/** Whether the database answers (for /api/health): one trivial round trip, never throws. */
export async function databaseReachable(client: Pick<PrismaClient, "$queryRaw"> = db()): Promise<boolean> {
  try {
    await client.$queryRaw`SELECT 1`;
    return true;
  } catch {
    return false;
  }
}

// The Prisma client, over node-postgres (Prisma 7 needs a driver adapter), and the node-postgres
// pool beneath it, which the ledger pipeline's batches use directly. One of each per server process;
// in development they survive hot reloads on globalThis.
import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/client";
import { env } from "../env";
import { logger } from "../log";

const log = logger("db");

export type Db = PrismaClient;
/** A client or an interactive transaction: what ledger operations accept. */
export type DbTx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

/**
 * Statements whose SQL contains this marker are prepared once per connection and their plan reused:
 * the ledger's hot statements (the call of ledger_apply, grant's CTE) cost as much to plan as to run
 * (bench:ledger measured +67% pairs/s with cached plans). Only marked statements
 * are named, so ORM queries of varying shapes never pile up as cached statements. Behind a pooler in
 * transaction mode this needs prepared-statement support (PgBouncer ≥ 1.21, max_prepared_statements).
 */
export const PREPARED = "/* tollgate:prepared */";

const statementNames = new Map<string, string>();

function statementName(query: { sql: string }): string {
  if (!query.sql.includes(PREPARED)) return undefined as unknown as string; // unnamed: not cached
  let name = statementNames.get(query.sql);
  if (!name) {
    name = `tg_${createHash("sha256").update(query.sql).digest("hex").slice(0, 24)}`;
    statementNames.set(query.sql, name);
  }
  return name;
}

/**
 * A node-postgres pool. An idle connection's error (the server restarted) is logged, not thrown. A
 * connection that cannot be had in 10 s fails (as unavailable: lib/db/unavailable.ts) instead of
 * waiting for the operating system's TCP timeout, so a server that vanished without a reset is a 503
 * in seconds, not a request hanging for minutes.
 */
export function createPool(connectionString: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 10_000 });
  pool.on("error", (error) => log.warn({ event: "idle_connection_failed", message: error.message }));
  return pool;
}

/**
 * A Prisma client on its own pool of `poolMax` connections, or on `pool` (which it then shares and
 * does not close on $disconnect).
 */
export function createDb(connection: string | pg.Pool, poolMax = 10): PrismaClient {
  const adapter =
    typeof connection === "string"
      ? new PrismaPg({ connectionString: connection, max: poolMax }, { statementNameGenerator: statementName })
      : new PrismaPg(connection, { statementNameGenerator: statementName });
  return new PrismaClient({ adapter });
}

const globalForDb = globalThis as unknown as { tollgatePool?: pg.Pool; tollgateDb?: PrismaClient };

/** The process-wide pool for DATABASE_URL (DATABASE_POOL_MAX connections). */
export function pool(): pg.Pool {
  if (!globalForDb.tollgatePool) {
    const e = env();
    globalForDb.tollgatePool = createPool(e.DATABASE_URL, e.DATABASE_POOL_MAX);
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

// The Prisma client, over node-postgres (Prisma 7 needs a driver adapter). One instance per
// server process; in development the instance survives hot reloads on globalThis.
import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";
import { env } from "../env";

export type Db = PrismaClient;
/** A client or an interactive transaction: what ledger operations accept. */
export type DbTx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

/**
 * Statements whose SQL contains this marker are prepared once per connection and their plan reused:
 * the ledger's hot statements (reserve, settle, release, grant) are CTEs whose planning cost as much
 * as their execution (bench:ledger measured +67% pairs/s with cached plans). Only marked statements
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

export function createDb(connectionString: string, poolMax = 10): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max: poolMax }, { statementNameGenerator: statementName }) });
}

const globalForDb = globalThis as unknown as { tollgateDb?: PrismaClient };

/** The process-wide client for DATABASE_URL. */
export function db(): PrismaClient {
  if (!globalForDb.tollgateDb) {
    const e = env();
    globalForDb.tollgateDb = createDb(e.DATABASE_URL, e.DATABASE_POOL_MAX);
  }
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

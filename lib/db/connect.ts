// Building a database connection: a node-postgres pool and the Prisma client over it (Prisma 7
// needs a driver adapter), from a connection string the caller gives. It reads no environment and
// keeps nothing, so scripts and test set-ups use it directly; the app's process-wide pool and client,
// built from DATABASE_URL, are in ./client.ts (server only).
import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/client";

export type Db = PrismaClient;
/** A client or an interactive transaction: what ledger operations accept. */
export type DbTx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

/**
 * Statements whose SQL contains this marker are prepared once per connection and their plan reused:
 * the ledger's hot statements (the call of ledger_apply, grant's CTE) cost as much to plan as to run
 * (bench:ledger measured +67% pairs/s with cached plans). Only marked statements
 * are named, so ORM queries of varying shapes never pile up as cached statements. Behind a pooler in
 * transaction mode this needs prepared-statement support (PgBouncer ≥ 1.21, max_prepared_statements);
 * a pool made with `preparedStatements: false` (DATABASE_PREPARED_STATEMENTS=off, for PgBouncer
 * < 1.21) names nothing: every statement is then unnamed, planned each time it runs.
 */
export const PREPARED = "/* tollgate:prepared */";

const stderrLine = (error: Error) =>
  void process.stderr.write(`database: an idle connection failed: ${error.message}\n`);

const statementNames = new Map<string, string>();

/** Pools made with `preparedStatements: false`: nothing sent on them may be a named statement. */
const unnamedOnly = new WeakSet<pg.Pool>();

/**
 * Whether statements sent on `pool` may be named (prepared once per connection): false for a pool
 * made with `preparedStatements: false`. The ledger pipeline asks it for its own statement.
 */
export function namedStatementsAllowed(pool: pg.Pool): boolean {
  return !unnamedOnly.has(pool);
}

const unnamed = () => undefined as unknown as string;

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
 * A node-postgres pool. An idle connection's error (the server restarted) goes to `onIdleError` (the
 * app's pool logs it through lib/log.ts; scripts get a line on stderr), never thrown. A
 * connection that cannot be had in 10 s fails (as unavailable: lib/db/unavailable.ts) instead of
 * waiting for the operating system's TCP timeout, so a server that vanished without a reset is a 503
 * in seconds, not a request hanging for minutes.
 */
export function createPool(
  connectionString: string,
  max = 10,
  onIdleError: (error: Error) => void = stderrLine,
  { preparedStatements = true }: { preparedStatements?: boolean } = {},
): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 10_000 });
  pool.on("error", onIdleError);
  if (!preparedStatements) unnamedOnly.add(pool);
  return pool;
}

/**
 * A Prisma client on its own pool of `poolMax` connections, or on `pool` (which it then shares and
 * does not close on $disconnect). On a shared pool it follows the pool's `preparedStatements`; on
 * its own, `options.preparedStatements` (default true).
 */
export function createDb(
  connection: string | pg.Pool,
  poolMax = 10,
  { preparedStatements = true }: { preparedStatements?: boolean } = {},
): PrismaClient {
  const named = typeof connection === "string" ? preparedStatements : namedStatementsAllowed(connection);
  const options = { statementNameGenerator: named ? statementName : unnamed };
  const adapter =
    typeof connection === "string"
      ? new PrismaPg({ connectionString: connection, max: poolMax }, options)
      : new PrismaPg(connection, options);
  return new PrismaClient({ adapter });
}

// The Prisma client, over node-postgres (Prisma 7 needs a driver adapter). One instance per
// server process; in development the instance survives hot reloads on globalThis.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";
import { env } from "../env";

export type Db = PrismaClient;
/** A client or an interactive transaction: what ledger operations accept. */
export type DbTx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

export function createDb(connectionString: string, poolMax = 10): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max: poolMax }) });
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

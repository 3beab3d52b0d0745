// The database the dev tooling works on: DATABASE_URL when it is set, otherwise the embedded
// PostgreSQL whose data lives in .data/pg. Also: bringing a database up to date (migrations + seed).
import path from "node:path";
import { createDb } from "../../lib/db/connect";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../lib/db/embedded";
import { applyMigrations } from "../../lib/db/migrate";
import { seedPricing } from "../../lib/tokens/pricing-config";
import { toolingEnv } from "../../lib/env";

export const DEV_DATA_DIR = path.join(process.cwd(), ".data", "pg");

export interface ResolvedDatabase {
  url: string;
  embedded: EmbeddedDatabase | null;
  stop(): Promise<void>;
}

export async function resolveDatabase(log: (line: string) => void = console.log): Promise<ResolvedDatabase> {
  const { DATABASE_URL, EMBEDDED_PG_PORT } = toolingEnv();
  if (DATABASE_URL) {
    log(`using DATABASE_URL (${new URL(DATABASE_URL).host})`);
    return { url: DATABASE_URL, embedded: null, stop: async () => {} };
  }
  const embedded = await startEmbeddedPostgres({ dataDir: DEV_DATA_DIR, port: EMBEDDED_PG_PORT, log });
  return { url: embedded.url, embedded, stop: () => embedded.stop() };
}

/** Applies pending migrations and seeds the pricing config. Safe to run any number of times. */
export async function prepareDatabase(url: string, log: (line: string) => void = console.log): Promise<void> {
  const { applied, alreadyApplied } = await applyMigrations(url, { log });
  log(`migrations: ${applied.length} applied, ${alreadyApplied} already applied`);
  const db = createDb(url, 2);
  try {
    const { created } = await seedPricing(db);
    if (created) log("seeded pricing version 1");
  } finally {
    await db.$disconnect();
  }
}

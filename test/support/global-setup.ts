// Vitest global setup: one PostgreSQL for the whole run (embedded, in .data/test-<pid>, unless
// TEST_DATABASE_URL names a server), holding a template database that is migrated and seeded once.
// Each test file then clones the template (test/support/database.ts), so files are isolated from
// each other and run in parallel. With TEST_DIRECT_DATABASE_URL too (`npm run test:pgbouncer`),
// TEST_DATABASE_URL is a pooler the tests' queries go through, and the template's migration and
// every CREATE/DROP DATABASE go to the server directly: a pooler keeps server connections open,
// and a database with connections cannot be a template or be dropped politely.
import { rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, withDatabaseName as withDatabase } from "../../lib/db/embedded";
import { toolingEnv } from "../../lib/env";
import { prepareDatabase } from "../../scripts/lib/database";

declare module "vitest" {
  export interface ProvidedContext {
    testServerUrl: string;
    /** The server itself (the same as testServerUrl unless the tests run behind a pooler). */
    testDirectServerUrl: string;
    testTemplateDatabase: string;
    testDatabasePrefix: string;
  }
}

export default async function setup(project: TestProject) {
  const { TEST_DATABASE_URL: given, TEST_DIRECT_DATABASE_URL } = toolingEnv();
  const dataDir = path.join(process.cwd(), ".data", `test-${process.pid}`);
  const embedded = given
    ? null
    : await startEmbeddedPostgres({
        dataDir: path.join(dataDir, "pg"),
        database: "postgres",
        port: 55400,
        ephemeral: true,
      });
  const serverUrl = given ?? embedded!.url;
  const directUrl = (given && TEST_DIRECT_DATABASE_URL) || serverUrl;

  const prefix = `tollgate_test_${process.pid}_`;
  const template = `${prefix}template`;
  const admin = new pg.Client({ connectionString: withDatabase(directUrl, "postgres") });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${template}"`);
  await admin.query(`CREATE DATABASE "${template}"`);
  await prepareDatabase(withDatabase(directUrl, template), () => {});

  project.provide("testServerUrl", withDatabase(serverUrl, "postgres"));
  project.provide("testDirectServerUrl", withDatabase(directUrl, "postgres"));
  project.provide("testTemplateDatabase", template);
  project.provide("testDatabasePrefix", prefix);

  return async () => {
    const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [
      `${prefix}%`,
    ]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await admin.end();
    if (embedded) {
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
}

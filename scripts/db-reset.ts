// `npm run db:reset`: wipes the embedded development database (.data/pg) and creates it anew,
// migrated and seeded. It never touches a database given by DATABASE_URL.
import { rmSync } from "node:fs";
import nextEnv from "@next/env";
import { runningServerPort } from "../lib/db/embedded";
import { toolingEnv } from "../lib/env";
import { DEV_DATA_DIR, prepareDatabase, resolveDatabase } from "./lib/database";

nextEnv.loadEnvConfig(process.cwd(), true);
if (toolingEnv().DATABASE_URL) {
  console.error("db:reset only wipes the embedded database in .data/pg; DATABASE_URL is set, so it does nothing.");
  process.exit(1);
}
const port = runningServerPort(DEV_DATA_DIR);
if (port !== null) {
  console.error(`The embedded database is in use (a server is running on port ${port}): stop \`npm run dev\` first.`);
  process.exit(1);
}
rmSync(DEV_DATA_DIR, { recursive: true, force: true });
console.log("wiped .data/pg");
const database = await resolveDatabase();
try {
  await prepareDatabase(database.url);
} finally {
  await database.stop();
}

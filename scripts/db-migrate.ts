// `npm run db:migrate`: applies pending migrations and seeds the pricing config.
import nextEnv from "@next/env";
import { prepareDatabase, resolveDatabase } from "./lib/database";

nextEnv.loadEnvConfig(process.cwd(), true);
const database = await resolveDatabase();
try {
  await prepareDatabase(database.url);
} finally {
  await database.stop();
}

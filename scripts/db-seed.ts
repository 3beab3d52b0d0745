// `npm run db:seed`: seeds the pricing config (after applying any pending migration it needs).
import nextEnv from "@next/env";
import { prepareDatabase, resolveDatabase } from "./lib/database";

nextEnv.loadEnvConfig(process.cwd(), true);
const database = await resolveDatabase();
try {
  await prepareDatabase(database.url);
} finally {
  await database.stop();
}

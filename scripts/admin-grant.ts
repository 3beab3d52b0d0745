// `npm run admin:grant -- <email>`: gives the user with that e-mail the admin role.
import nextEnv from "@next/env";
import { z } from "zod";
import { createDb } from "../lib/db/connect";
import { grantAdmin } from "../lib/auth/users";
import { prepareDatabase, resolveDatabase } from "./lib/database";

const email = z.email().safeParse(process.argv[2]?.trim());
if (!email.success) {
  console.error("Usage: npm run admin:grant -- <email>");
  process.exit(1);
}
nextEnv.loadEnvConfig(process.cwd(), true);
const database = await resolveDatabase(() => {});
const db = createDb(database.url, 1);
let ok = false;
try {
  await prepareDatabase(database.url, () => {});
  ok = await grantAdmin(db, email.data);
} finally {
  await db.$disconnect();
  await database.stop();
}
if (!ok) {
  console.error(`No user has the e-mail ${email.data}. They must sign up first.`);
  process.exit(1);
}
console.log(`${email.data} is now an admin.`);

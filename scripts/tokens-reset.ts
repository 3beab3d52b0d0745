// `npm run tokens:reset`: the monthly reset of the cron route, by hand, on DATABASE_URL (its lock
// on DIRECT_DATABASE_URL when set, as the route) or the embedded development database. Prints the
// same JSON as the route and its one-line summary, and queues the opt-in monthly summaries as the
// route does (the app's mail delivery sends them).
// Exits 1 when some accounts could not be reset (they are listed), 2 when another run holds the lock.
import nextEnv from "@next/env";
import { createDb } from "../lib/db/connect";
import { queueMonthlySummaries } from "../lib/mail/notifications/summary";
import { resetMonthlyTokens } from "../lib/tokens/reset/monthly-reset";
import { resetLogLine, resetReport } from "../lib/tokens/reset/report";
import { resolveDatabase } from "./lib/database";

nextEnv.loadEnvConfig(process.cwd(), true);
const database = await resolveDatabase(() => {});
const db = createDb(database.url, 2);
let code = 0;
try {
  // The run's lock and its cursor of due accounts need a session: the direct URL behind a pooler.
  const summary = await resetMonthlyTokens(db, { connectionString: process.env.DIRECT_DATABASE_URL ?? database.url });
  console.log(JSON.stringify(resetReport(summary), null, 2));
  console.log(resetLogLine(summary));
  if (summary.ran) console.log(`queued ${await queueMonthlySummaries(db)} monthly summary mail(s)`);
  code = !summary.ran ? 2 : summary.errors.length > 0 ? 1 : 0;
} finally {
  await db.$disconnect();
  await database.stop();
}
process.exit(code);

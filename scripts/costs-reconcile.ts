// `npm run costs:reconcile -- --day YYYY-MM-DD`: the daily cost reconciliation of the cron route, by
// hand, on DATABASE_URL or the embedded development database (default day: yesterday, UTC). Prints
// the JSON report. Without OPENAI_ADMIN_KEY it prints how to set one up and exits 0; it exits 1
// when the provider's APIs cannot be read (nothing is stored then).
import nextEnv from "@next/env";
import { daySchema, SETUP_HINT, yesterday } from "../lib/admin/reconciliation";
import { reconcileProviderCosts } from "../lib/ai/reconcile";
import { createDb } from "../lib/db/connect";
import { reconciliationEnv } from "../lib/env";
import { resolveDatabase } from "./lib/database";

function dayArgument(argv: string[]): string {
  const at = argv.indexOf("--day");
  const inline = argv.find((a) => a.startsWith("--day="));
  const day = inline ? inline.slice("--day=".length) : at >= 0 ? argv[at + 1] : yesterday();
  const parsed = daySchema.safeParse(day ?? "");
  if (!parsed.success) {
    console.error(`--day ${parsed.error.issues[0]?.message ?? "is invalid"} (got ${JSON.stringify(day ?? null)})`);
    process.exit(1);
  }
  return parsed.data;
}

nextEnv.loadEnvConfig(process.cwd(), true);
const day = dayArgument(process.argv.slice(2));
const e = reconciliationEnv();
if (!e.OPENAI_ADMIN_KEY) {
  console.log(`Cost reconciliation is not configured: nothing was read or stored for ${day}. ${SETUP_HINT}`);
  process.exit(0);
}
const database = await resolveDatabase(() => {});
const db = createDb(database.url, 2);
let code = 0;
try {
  const report = await reconcileProviderCosts(db, day, e);
  console.log(JSON.stringify(report, null, 2));
  if (report.configured && report.flagged.length > 0)
    console.log(`flagged (difference above 1%): ${report.flagged.join(", ")}`);
} catch (error) {
  console.error(`reconciliation failed: ${(error as Error).message}`);
  code = 1;
} finally {
  await db.$disconnect();
  await database.stop();
}
process.exit(code);

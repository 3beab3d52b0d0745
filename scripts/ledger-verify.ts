// `npm run ledger:verify`: checks the ledger's invariant over the whole database (DATABASE_URL, or
// the embedded development database): every balance equals the sum of its ledger rows per bucket,
// no bucket is negative, `reserved` equals the held reservations. Prints every mismatch; exits 1 on any.
import nextEnv from "@next/env";
import { createDb } from "../lib/db/connect";
import { formatTokens, DEFAULT_LOCALE } from "../lib/format";
import { verifyLedger } from "../lib/tokens/ledger";
import { resolveDatabase } from "./lib/database";

nextEnv.loadEnvConfig(process.cwd(), true);
const database = await resolveDatabase(() => {});
const db = createDb(database.url, 2);
let failed = false;
try {
  const started = Date.now();
  const { usersChecked, mismatches } = await verifyLedger(db);
  for (const m of mismatches) {
    console.log(
      `MISMATCH user ${m.userId}: ${m.problem} — expected ${m.expected} millitokens (${formatTokens(m.expected, DEFAULT_LOCALE)} tokens), found ${m.actual} (${formatTokens(m.actual, DEFAULT_LOCALE)})`,
    );
  }
  failed = mismatches.length > 0;
  console.log(
    `ledger:verify checked ${usersChecked} balances in ${Date.now() - started} ms: ${failed ? `${mismatches.length} mismatches` : "all equal to their ledger"}`,
  );
} finally {
  await db.$disconnect();
  await database.stop();
}
process.exit(failed ? 1 : 0);

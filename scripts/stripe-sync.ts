// `npm run stripe:sync`: creates or updates the products and prices of the active pricing in the
// Stripe account of STRIPE_SECRET_KEY (STRIPE_API_BASE: another API, e.g. the simulator). Reads the
// pricing from DATABASE_URL, or the embedded development database. Prints each step; idempotent.
import nextEnv from "@next/env";
import { syncCatalog, summarize } from "../lib/billing/sync-catalog";
import { createStripeClient } from "../lib/billing/stripe";
import { createDb } from "../lib/db/connect";
import { getActivePricing } from "../lib/tokens/pricing-config";
import { prepareDatabase, resolveDatabase } from "./lib/database";

nextEnv.loadEnvConfig(process.cwd(), true);
const secretKey = process.env.STRIPE_SECRET_KEY?.trim();
if (!secretKey) {
  console.error("STRIPE_SECRET_KEY is not set: put your test key in .env.local (see docs/STRIPE_SETUP.md).");
  process.exit(1);
}
const database = await resolveDatabase();
let code = 0;
try {
  await prepareDatabase(database.url);
  const db = createDb(database.url, 2);
  try {
    const pricing = await getActivePricing(db);
    const stripe = createStripeClient({ secretKey, apiBase: process.env.STRIPE_API_BASE?.trim() || undefined });
    console.log(
      `syncing pricing version ${pricing.version} to ${process.env.STRIPE_API_BASE || "api.stripe.com"} (${secretKey.startsWith("sk_live") ? "LIVE" : "test"} mode)`,
    );
    const actions = await syncCatalog(stripe, pricing, (line) => console.log(`  ${line}`));
    console.log(summarize(actions));
  } finally {
    await db.$disconnect();
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  code = 1;
} finally {
  await database.stop();
}
process.exit(code);

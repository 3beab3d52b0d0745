// The loopback Stripe simulator for `npm run dev` and the e2e server (never production): started
// with a fresh webhook secret, pointed at the app's webhook route, and given the catalog of the
// database's active pricing (the same `stripe:sync` code a real account gets). Returns the variables
// that point the app at it.
import { randomBytes } from "node:crypto";
import { startStripeSimulator } from "../../dev/stripe-simulator";
import { createStripeClient } from "../../lib/billing/stripe";
import { syncCatalog, summarize } from "../../lib/billing/sync-catalog";
import { createDb } from "../../lib/db/client";
import { getActivePricing } from "../../lib/tokens/pricing-config";

/** The secret key the app is given for the simulator (a test key: the simulator refuses live ones). */
export const SIMULATOR_STRIPE_KEY = "sk_test_tollgate_simulator";

/** LAUNCH100: 100 % off once (a free first month or pack); WELCOME20: 20 % off once. */
export const DEMO_PROMOTION_CODES = [
  { code: "LAUNCH100", percentOff: 100, duration: "once" },
  { code: "WELCOME20", percentOff: 20, duration: "once" },
] as const;

export interface DevStripe {
  url: string;
  env: { STRIPE_SECRET_KEY: string; STRIPE_WEBHOOK_SECRET: string; STRIPE_API_BASE: string };
  close(): Promise<void>;
}

export async function startDevStripe({
  appUrl,
  databaseUrl,
  port = 0,
  log,
}: {
  appUrl: string;
  databaseUrl: string;
  port?: number;
  log: (line: string) => void;
}): Promise<DevStripe> {
  const webhookSecret = `whsec_${randomBytes(24).toString("base64url")}`;
  // No endpoint while the catalog is synced: the app is not listening yet, and product/price events
  // are of no interest to it (they would only be retried and given up).
  const simulator = await startStripeSimulator({ port, webhookSecret });
  const stripe = createStripeClient({ secretKey: SIMULATOR_STRIPE_KEY, apiBase: simulator.url });
  const db = createDb(databaseUrl, 2);
  try {
    const actions = await syncCatalog(stripe, await getActivePricing(db));
    // Demo promotion codes for the checkout page (dev/stripe-simulator/README.md).
    for (const code of DEMO_PROMOTION_CODES) simulator.createPromotionCode(code);
    log(
      `Stripe simulator at ${simulator.url}: ${summarize(actions)}; promotion codes ${DEMO_PROMOTION_CODES.map((c) => c.code).join(", ")}`,
    );
  } finally {
    await db.$disconnect();
  }
  simulator.setWebhookUrl(`${appUrl}/api/stripe/webhook`);
  return {
    url: simulator.url,
    env: {
      STRIPE_SECRET_KEY: SIMULATOR_STRIPE_KEY,
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      STRIPE_API_BASE: simulator.url,
    },
    close: () => simulator.close(),
  };
}

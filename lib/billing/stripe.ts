// The Stripe client: the official SDK with a pinned API version, configured from the environment.
// STRIPE_API_BASE (the loopback simulator in development and tests) replaces api.stripe.com; the
// code path is otherwise the same as in production.
import "server-only";
import Stripe from "stripe";
import { billingEnv } from "../env";

/**
 * The API version every request is made with. Pinned so an SDK upgrade or a change of the
 * account's default version never changes the shape of the objects this code reads (period dates
 * on subscription items, `invoice.parent`, `line.pricing`). Bump it deliberately, with the tests.
 */
export const STRIPE_API_VERSION = "2026-10-28.endive" as const satisfies Stripe.LatestApiVersion;

export interface StripeClientOptions {
  secretKey: string;
  /** e.g. http://127.0.0.1:12111 for the simulator; undefined → api.stripe.com. */
  apiBase?: string;
}

export function createStripeClient({ secretKey, apiBase }: StripeClientOptions): Stripe {
  const base = apiBase ? new URL(apiBase) : undefined;
  return new Stripe(secretKey, {
    apiVersion: STRIPE_API_VERSION,
    appInfo: { name: "tollgate" },
    telemetry: false,
    // Retries with the same idempotency key are safe (the SDK adds one to every POST); keep a few
    // against real Stripe, none against the loopback simulator (tests want the first answer).
    maxNetworkRetries: base ? 0 : 2,
    timeout: 20_000,
    ...(base
      ? {
          host: base.hostname,
          port: Number(base.port || (base.protocol === "https:" ? 443 : 80)),
          protocol: base.protocol === "https:" ? ("https" as const) : ("http" as const),
        }
      : {}),
  });
}

const globalForStripe = globalThis as unknown as { tollgateStripe?: { key: string; client: Stripe } };

/** The process-wide client for STRIPE_SECRET_KEY; throws an EnvError naming it when it is unset. */
export function stripe(): Stripe {
  const e = billingEnv();
  const key = `${e.secretKey}@${e.apiBase ?? ""}`;
  if (globalForStripe.tollgateStripe?.key !== key) {
    globalForStripe.tollgateStripe = {
      key,
      client: createStripeClient({ secretKey: e.secretKey, apiBase: e.apiBase }),
    };
  }
  return globalForStripe.tollgateStripe.client;
}

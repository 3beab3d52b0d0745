// What every billing operation needs: the database, the Stripe client and the app's public URL.
// Passed explicitly, so tests run the production code against a private database and the loopback
// Stripe simulator.
import type Stripe from "stripe";
import { db, type Db, type DbTx } from "../db/client";
import { env } from "../env";
import { stripe } from "./stripe";
import type { TaxMode } from "./tax";

export interface BillingContext {
  db: Db;
  stripe: Stripe;
  /** Public base URL of the app (success, cancel and portal return URLs). */
  appUrl: string;
  webhookSecret: string;
  /** Whether catalog prices include VAT (default TAX_MODE): a price of the other behavior is stale. */
  taxMode?: TaxMode;
}

/** The process-wide context from the environment (throws an EnvError when billing is not configured). */
export function billingContext(): BillingContext {
  const client = stripe();
  const e = env();
  return { db: db(), stripe: client, appUrl: e.APP_URL.replace(/\/$/, ""), webhookSecret: e.STRIPE_WEBHOOK_SECRET! };
}

/**
 * Runs `fn` in a transaction holding a per-user advisory lock, so billing work for one user —
 * writing what Stripe said (read before, see lib/billing/sync-subscription.ts), or computing and
 * granting an allowance difference — is serialised: a read-then-grant cannot race another one. `fn`
 * must not call Stripe: the transaction holds a pooled connection all along. Different users never wait for each other. The lock is released with the
 * transaction, also when it fails.
 */
export async function withUserLock<T>(
  ctx: Pick<BillingContext, "db">,
  userId: string,
  fn: (tx: DbTx) => Promise<T>,
): Promise<T> {
  return ctx.db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`tollgate:billing:${userId}`}, 0))`;
      return fn(tx);
    },
    // Callers read Stripe before taking the lock (a connection is held for the transaction's whole
    // life, and waits on the lock too): what runs inside is database work only.
    { timeout: 60_000, maxWait: 30_000 },
  );
}

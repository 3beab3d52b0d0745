// One Stripe customer per user: created before the first checkout, with an idempotency key and the
// user id in its metadata, and stored in `user_subscriptions.stripe_customer_id` (unique).
import type { DbTx } from "../db/client";
import { withUserLock, type BillingContext } from "./context";

/** Metadata key naming the Tollgate user on customers, sessions and subscriptions. */
export const META_USER = "tollgate_user_id";

export interface CustomerOwner {
  id: string;
  email: string;
  name?: string | null;
}

/**
 * The user's Stripe customer id, creating the customer on first use. Safe to call concurrently:
 * callers for one user are serialised by the billing lock (the second finds the stored id), and the
 * create carries an idempotency key derived from the user (and the customer it replaces, if any), so
 * even a retry after a crash between Stripe's answer and our write (within Stripe's 24 h key window)
 * gets the same customer.
 *
 * With `verify`, a stored customer that Stripe no longer has (deleted in the Dashboard, or a fresh
 * development simulator under an old database) is replaced by a new one — checkout and the portal
 * verify; webhook paths never create customers.
 */
export async function ensureCustomer(
  ctx: BillingContext,
  user: CustomerOwner,
  { verify = false }: { verify?: boolean } = {},
): Promise<string> {
  const known = await ctx.db.userSubscription.findUnique({
    where: { userId: user.id },
    select: { stripeCustomerId: true },
  });
  if (known?.stripeCustomerId && (!verify || (await customerExists(ctx, known.stripeCustomerId))))
    return known.stripeCustomerId;

  return withUserLock(ctx, user.id, async (tx) => {
    const row = await tx.userSubscription.findUnique({
      where: { userId: user.id },
      select: { stripeCustomerId: true },
    });
    const stale = row?.stripeCustomerId ?? null;
    if (stale && stale !== known?.stripeCustomerId) return stale; // another caller replaced it meanwhile
    if (stale && (!verify || (await customerExists(ctx, stale)))) return stale;
    const customer = await ctx.stripe.customers.create(
      { email: user.email, ...(user.name ? { name: user.name } : {}), metadata: { [META_USER]: user.id } },
      { idempotencyKey: `tollgate-customer-${user.id}${stale ? `-after-${stale}` : ""}` },
    );
    // A replaced customer's subscription state went with it.
    const reset = stale
      ? {
          stripeSubscriptionId: null,
          stripePriceId: null,
          planId: null,
          planAllowance: null,
          planPricingVersion: null,
          scheduledPlanId: null,
          scheduledChangeAt: null,
          status: "none" as const,
          currentPeriodStart: null,
          currentPeriodEnd: null,
          cancelAtPeriodEnd: false,
          canceledAt: null,
          currentPeriodInvoiceId: null,
          currentPeriodPaidAt: null,
        }
      : {};
    await tx.userSubscription.upsert({
      where: { userId: user.id },
      create: { userId: user.id, stripeCustomerId: customer.id },
      update: { stripeCustomerId: customer.id, ...reset },
    });
    return customer.id;
  });
}

async function customerExists(ctx: BillingContext, customerId: string): Promise<boolean> {
  try {
    const customer = await ctx.stripe.customers.retrieve(customerId);
    return !customer.deleted;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

/**
 * The Tollgate user a Stripe customer belongs to: the stored link, else the customer's metadata
 * (a customer whose link was never stored, e.g. a crash right after creating it), which is then
 * stored. Null for a customer that is not one of ours.
 */
export async function userIdForCustomer(ctx: BillingContext, tx: DbTx, customerId: string): Promise<string | null> {
  const row = await tx.userSubscription.findUnique({
    where: { stripeCustomerId: customerId },
    select: { userId: true },
  });
  if (row) return row.userId;
  let customer;
  try {
    customer = await ctx.stripe.customers.retrieve(customerId);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return null;
    throw error;
  }
  if (customer.deleted) return null;
  const userId = customer.metadata?.[META_USER];
  if (!userId) return null;
  const user = await tx.user.findUnique({
    where: { id: userId },
    select: { id: true, subscription: { select: { stripeCustomerId: true } } },
  });
  if (!user) return null;
  const linked = user.subscription?.stripeCustomerId;
  if (linked && linked !== customerId) return null; // the user already has another customer: not this one
  if (!linked) {
    await tx.userSubscription.upsert({
      where: { userId },
      create: { userId, stripeCustomerId: customerId },
      update: { stripeCustomerId: customerId },
    });
  }
  return userId;
}

/** A customer id from an expandable Stripe field. */
export function customerIdOf(customer: string | { id: string } | null | undefined): string | null {
  if (!customer) return null;
  return typeof customer === "string" ? customer : customer.id;
}

/**
 * Points the user's Stripe customer (if any) at their new address, after a change of address has
 * committed: Stripe's receipts and invoices go to the customer's e-mail. Returns whether there was a
 * customer to update. Callers treat a failure as best-effort (the change itself stands).
 */
export async function updateCustomerEmail(ctx: BillingContext, userId: string, email: string): Promise<boolean> {
  const row = await ctx.db.userSubscription.findUnique({ where: { userId }, select: { stripeCustomerId: true } });
  if (!row?.stripeCustomerId) return false;
  await ctx.stripe.customers.update(row.stripeCustomerId, { email });
  return true;
}

// The checkout success page arrives with ?session_id=…, often before Stripe's webhooks. It applies
// the same effects the webhooks will (same functions, same idempotency keys), so the page shows the
// new plan and tokens at once and the webhooks later change nothing.
//
// These run on a GET that anyone signed in can repeat, so they are cheap to repeat: every Stripe
// read happens before any transaction (the effects read first, then take the user's lock only to
// write), and each is debounced per user (./refresh-debounce.ts: one in flight per user, concurrent
// callers share it, the same refresh at most every few seconds). A flood of such GETs from one user
// therefore holds at most one pooled connection at a time and never starves other users' calls.
import type Stripe from "stripe";
import type { BillingContext } from "./context";
import { customerIdOf } from "./customer";
import { applyPaidInvoice, applySubscriptionChange, grantPackForSession } from "./effects";
import { debouncedRefresh } from "./refresh-debounce";

export interface RefreshOptions {
  /** See REFRESH_MIN_INTERVAL_MS. */
  minIntervalMs?: number;
}

export type ConfirmResult =
  { ok: true; kind: "plan" | "pack"; paid: boolean } | { ok: false; reason: "not_found" | "not_yours" };

/**
 * Confirms checkout session `sessionId` for `userId`: the session must belong to the user's Stripe
 * customer (else nothing happens). Idempotent; debounced per user.
 */
export function confirmCheckout(
  ctx: BillingContext,
  userId: string,
  sessionId: string,
  options: RefreshOptions = {},
): Promise<ConfirmResult> {
  return debouncedRefresh(userId, `checkout:${sessionId}`, () => confirmCheckoutNow(ctx, userId, sessionId), options);
}

async function confirmCheckoutNow(ctx: BillingContext, userId: string, sessionId: string): Promise<ConfirmResult> {
  const row = await ctx.db.userSubscription.findUnique({ where: { userId }, select: { stripeCustomerId: true } });
  if (!row?.stripeCustomerId) return { ok: false, reason: "not_yours" };
  let session: Stripe.Checkout.Session;
  try {
    session = await ctx.stripe.checkout.sessions.retrieve(sessionId);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return { ok: false, reason: "not_found" };
    throw error;
  }
  if (customerIdOf(session.customer) !== row.stripeCustomerId) return { ok: false, reason: "not_yours" };

  if (session.mode === "payment") {
    const outcome = await grantPackForSession(ctx, session.id);
    return { ok: true, kind: "pack", paid: "done" in outcome };
  }
  await applySubscriptionChange(ctx, row.stripeCustomerId);
  const subscriptionId = typeof session.subscription === "string" ? session.subscription : session.subscription?.id;
  if (!subscriptionId) return { ok: true, kind: "plan", paid: false };
  const subscription = await ctx.stripe.subscriptions.retrieve(subscriptionId);
  const invoiceId =
    typeof subscription.latest_invoice === "string" ? subscription.latest_invoice : subscription.latest_invoice?.id;
  if (!invoiceId) return { ok: true, kind: "plan", paid: false };
  const invoice = await ctx.stripe.invoices.retrieve(invoiceId);
  if (invoice.status !== "paid") return { ok: true, kind: "plan", paid: false };
  await applyPaidInvoice(ctx, invoice);
  return { ok: true, kind: "plan", paid: true };
}

/**
 * Back from the Customer Portal (a plan switch or a cancellation usually arrives before its
 * webhooks): re-syncs the user's subscription, granting an upgrade's difference if one is due.
 * Convergent; nothing happens for a user without a Stripe customer. Debounced per user.
 */
export function refreshAfterPortal(ctx: BillingContext, userId: string, options: RefreshOptions = {}): Promise<void> {
  return debouncedRefresh(
    userId,
    "portal",
    async () => {
      const row = await ctx.db.userSubscription.findUnique({ where: { userId }, select: { stripeCustomerId: true } });
      if (row?.stripeCustomerId) await applySubscriptionChange(ctx, row.stripeCustomerId);
    },
    options,
  );
}

// Token effects of billing events. Every token movement goes through lib/tokens/ledger with the
// idempotency keys of DESIGN.md, so each effect happens once however often — and in whatever order —
// Stripe's events (or the checkout success page) ask for it:
//
//   a period of a plan           allowance:<user>:<period start>   startPeriod (shared with the reset cron)
//   an upgrade within a period   upgrade:<user>:<period start>:<plan id>   the difference, at once
//   a paid pack                  checkout:<checkout session id>     purchased tokens
//   refunds and disputes         refund:<charge id>:<millitokens>   see ./clawback.ts (packs and subscription invoices)
//
// Decisions:
// - The allowance of a period is the plan on the paid invoice's subscription line (what was paid
//   for), with the line's period. A plan change within the period: an upgrade grants the difference
//   between the new plan's allowance and what this period already granted, at once (only while
//   active or trialing); a downgrade grants nothing and takes nothing — it applies at renewal, when
//   the cycle invoice names the lower plan.
// - past_due: no new allowance (the cycle invoice is not paid, so no period starts); tokens are kept.
// - A subscription that ends: nothing is taken; `user_subscriptions` says it is no longer live and
//   `user_token_balance.next_reset_at` is still the paid period's end, so the reset cron gives the
//   free tier from the next period.
// - Refunds and disputes (of packs and of subscription invoices) are in ./clawback.ts.
import type Stripe from "stripe";
import type { DbTx } from "../db/client";
import type { UserSubscription } from "../db/generated/client";
import { allowanceKey, grant, startPeriod } from "../tokens/ledger";
import { tokensToMillitokens } from "../tokens/units";
import { itemRefOfPrice, META_ID, META_KIND, planById, pricingVersion } from "./catalog";
import { withUserLock, type BillingContext } from "./context";
import { customerIdOf, META_USER, userIdForCustomer } from "./customer";
import { readSubscription, syncSubscriptionLocked } from "./sync-subscription";
import { getActivePricing } from "../tokens/pricing-config";

/** What an effect did, for the webhook log and the tests. */
export type EffectOutcome = { done: string } | { ignored: string };

/** Metadata Tollgate puts on checkout sessions (the pricing version fixes what a pack grants). */
export const META_PRICING_VERSION = "tollgate_pricing_version";

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

// ─── Subscriptions ────────────────────────────────────────────────────────────────────────────

/**
 * A subscription may have changed (created, updated, deleted, payment failed): re-read it from
 * Stripe (before taking the lock: no Stripe call while a transaction holds a connection), then
 * write it and grant an upgrade's difference if one is due. Convergent.
 */
export async function applySubscriptionChange(ctx: BillingContext, customerId: string): Promise<EffectOutcome> {
  const userId = await userIdForCustomer(ctx, ctx.db, customerId);
  if (!userId) return { ignored: `customer ${customerId} is not a Tollgate user` };
  const read = await readSubscription(ctx, customerId); // Stripe first, outside the transaction
  return withUserLock(ctx, userId, async (tx) => {
    const row = await syncSubscriptionLocked(tx, userId, read);
    const upgrade = await topUpAllowanceLocked(tx, userId, row);
    return { done: `synced ${row.status}${row.planId ? ` ${row.planId}` : ""}${upgrade ? `; ${upgrade}` : ""}` };
  });
}

/**
 * The current period's allowance raised to the plan's: after an upgrade, grants the new plan's
 * allowance minus what this period already granted (its start and earlier upgrades), once per
 * (user, period, plan). Nothing when the period has not started in the ledger yet (its invoice.paid
 * will grant it), when the subscription is not active or trialing, or for a downgrade.
 * Needs the user's billing lock: it reads, then grants.
 */
export async function topUpAllowanceLocked(tx: DbTx, userId: string, sub: UserSubscription): Promise<string | null> {
  if ((sub.status !== "active" && sub.status !== "trialing") || !sub.planId || !sub.currentPeriodStart) return null;
  const balance = await tx.userTokenBalance.findUnique({ where: { userId }, select: { periodStart: true } });
  if (!balance || balance.periodStart.getTime() !== sub.currentPeriodStart.getTime()) return null;
  const found = await planById(tx, sub.planId);
  if (!found) return null;
  const target = tokensToMillitokens(found.plan.tokensPerMonth);
  const start = sub.currentPeriodStart;
  const upgradePrefix = `upgrade:${userId}:${start.toISOString()}:`;
  const [granted] = await tx.$queryRaw<{ sum: bigint }[]>`
    SELECT coalesce(sum(allowance_delta), 0)::bigint AS sum FROM token_transactions
    WHERE user_id = ${userId} AND (idempotency_key = ${allowanceKey(userId, start)} OR starts_with(idempotency_key, ${upgradePrefix}))`;
  const difference = target - (granted?.sum ?? 0n);
  if (difference <= 0n) return null;
  const result = await grant(tx, {
    userId,
    bucket: "allowance",
    kind: "grant_allowance",
    amount: difference,
    idempotencyKey: `${upgradePrefix}${sub.planId}`,
    sourceType: "stripe_subscription",
    sourceRef: sub.stripeSubscriptionId ?? undefined,
    pricingVersion: found.pricingVersion,
    reason: `upgrade to ${found.plan.name}`,
  });
  if (!result.ok) throw new Error(`upgrade grant for ${userId} failed: ${result.error.type}`);
  return result.duplicate ? null : `upgrade to ${sub.planId}: +${difference} millitokens`;
}

const PERIOD_REASONS = new Set(["subscription_create", "subscription_cycle"]);

/** The price id of an invoice line (the API moved it under `pricing.price_details`). */
function linePriceId(line: Stripe.InvoiceLineItem): string | null {
  const details = line.pricing?.price_details;
  if (details) return idOf(details.price);
  const legacy = (line as unknown as { price?: string | { id: string } | null }).price;
  return idOf(legacy ?? null);
}

function isProration(line: Stripe.InvoiceLineItem): boolean {
  return Boolean(line.parent?.subscription_item_details?.proration);
}

/**
 * A paid invoice: re-syncs the subscription; for the first invoice and each renewal, starts the
 * period with the allowance of the plan on its subscription line (key allowance:<user>:<period
 * start>, the one the reset cron uses); then grants an upgrade's difference if one is due. An older
 * period's invoice arriving after a newer period started changes nothing (the ledger refuses to
 * start a stale period). Convergent.
 */
export async function applyPaidInvoice(ctx: BillingContext, invoice: Stripe.Invoice): Promise<EffectOutcome> {
  const customerId = customerIdOf(invoice.customer);
  if (!customerId) return { ignored: "invoice without a customer" };
  const userId = await userIdForCustomer(ctx, ctx.db, customerId);
  if (!userId) return { ignored: `customer ${customerId} is not a Tollgate user` };
  if (invoice.status && invoice.status !== "paid") return { ignored: `invoice ${invoice.id} is ${invoice.status}` };

  // Read what the period line sells before taking the lock (Stripe reads only).
  let period: { start: Date; end: Date; planId: string } | null = null;
  if (invoice.billing_reason && PERIOD_REASONS.has(invoice.billing_reason)) {
    const pricing = await getActivePricing(ctx.db);
    for (const line of invoice.lines?.data ?? []) {
      const priceId = linePriceId(line);
      if (!priceId || isProration(line)) continue;
      const price = await ctx.stripe.prices.retrieve(priceId);
      const ref = itemRefOfPrice(price, pricing);
      if (ref?.kind === "plan") {
        period = { start: new Date(line.period.start * 1000), end: new Date(line.period.end * 1000), planId: ref.id };
        break;
      }
    }
  }

  const read = await readSubscription(ctx, customerId);
  return withUserLock(ctx, userId, async (tx) => {
    const notes: string[] = [];
    if (period) {
      const found = await planById(tx, period.planId);
      if (!found) throw new Error(`invoice ${invoice.id}: plan "${period.planId}" is in no pricing version`);
      const started = await startPeriod(tx, {
        userId,
        periodStart: period.start,
        periodEnd: period.end,
        allowance: tokensToMillitokens(found.plan.tokensPerMonth),
        sourceType: "stripe_invoice",
        sourceRef: invoice.id,
        pricingVersion: found.pricingVersion,
      });
      if (started.ok) notes.push(started.duplicate ? "period already started" : `period ${period.start.toISOString()} started with ${period.planId}`);
      else if (started.error.type === "StalePeriod") notes.push("a newer period already started");
      else throw new Error(`starting the period of invoice ${invoice.id} failed: ${started.error.type}`);
    }
    const row = await syncSubscriptionLocked(tx, userId, read);
    const upgrade = await topUpAllowanceLocked(tx, userId, row);
    if (upgrade) notes.push(upgrade);
    return { done: [`invoice ${invoice.billing_reason ?? "paid"}`, ...notes].join("; ") };
  });
}

// ─── Packs ────────────────────────────────────────────────────────────────────────────────────

/**
 * A pack checkout that is paid grants the pack's tokens (of the pricing version it was sold at), once
 * per session: key checkout:<session id>. Re-reads the session, so a payload is never trusted for
 * the payment status. Sessions that are not Tollgate pack purchases, or not paid yet, are ignored.
 */
export async function grantPackForSession(ctx: BillingContext, sessionId: string, tx?: DbTx): Promise<EffectOutcome> {
  const session = await ctx.stripe.checkout.sessions.retrieve(sessionId);
  if (session.mode !== "payment" || session.metadata?.[META_KIND] !== "pack") return { ignored: `session ${sessionId} is not a pack purchase` };
  if (session.payment_status !== "paid") return { ignored: `session ${sessionId} is ${session.payment_status}` };
  const customerId = customerIdOf(session.customer);
  const client = tx ?? ctx.db;
  const userId = customerId ? await userIdForCustomer(ctx, client, customerId) : null;
  if (!userId || (session.metadata?.[META_USER] && session.metadata[META_USER] !== userId)) {
    return { ignored: `session ${sessionId} belongs to no Tollgate user` };
  }
  const pricing = await pricingVersion(client, Number(session.metadata?.[META_PRICING_VERSION]));
  const pack = pricing.packs.find((p) => p.id === session.metadata?.[META_ID]);
  if (!pack) throw new Error(`session ${sessionId}: pack "${session.metadata?.[META_ID]}" is not in pricing version ${pricing.version}`);
  const result = await grant(client, {
    userId,
    bucket: "purchased",
    kind: "grant_pack",
    amount: tokensToMillitokens(pack.tokens),
    idempotencyKey: `checkout:${session.id}`,
    sourceType: "stripe_checkout",
    sourceRef: session.id,
    pricingVersion: pricing.version,
    reason: `${pack.name} pack`,
  });
  if (!result.ok) throw new Error(`pack grant for session ${sessionId} failed: ${result.error.type}`);
  return { done: result.duplicate ? "pack already granted" : `granted the ${pack.name} pack` };
}

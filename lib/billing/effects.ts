// Token effects of billing events. Every token movement goes through lib/tokens/ledger with the
// idempotency keys below (docs/ARCHITECTURE.md, "Ledger rules"), so each effect happens once however often — and in whatever order —
// Stripe's events (or the checkout success page) ask for it:
//
//   a period of a plan           allowance:<user>:<period start>   startPeriod (shared with the reset cron)
//   an upgrade within a period   plan_change:<proration invoice id>   pro-rated, once its invoice is paid (plan-change.ts)
//   a paid pack                  checkout:<checkout session id>     purchased tokens
//   an auto top-up               topup:<payment intent id>          purchased tokens (auto-topup/outcome.ts, through grantPack)
//   refunds and disputes         refund:<charge id>:<millitokens>   see ./clawback.ts (packs and subscription invoices)
//
// Decisions:
// - The allowance of a period is the one of the price on the paid invoice's subscription line (what
//   was paid for), in the pricing version that price was created for, with the line's period; a
//   pack grants the tokens of the price its checkout charged, in that price's version (catalog.ts
//   `offerOfPrice`). An admin's new version changes nothing for a subscriber still paying the old
//   price, until they change plan.
// - A plan change within the period: an upgrade's extra allowance is granted when its proration
//   invoice is paid, pro-rated like the charge (plan-change.ts); a downgrade grants nothing and
//   takes nothing — it applies at renewal, when the cycle invoice names the lower plan.
// - past_due: no new allowance (the cycle invoice is not paid, so no period starts); tokens are kept.
// - A subscription that ends: nothing is taken; `user_subscriptions` says it is no longer live and
//   `user_token_balance.next_reset_at` is still the paid period's end, so the reset cron gives the
//   free tier from the next period.
// - Refunds and disputes (of packs and of subscription invoices) are in ./clawback.ts.
import type Stripe from "stripe";
import type { DbTx } from "../db/client";
import { grant, startPeriod } from "../tokens/ledger";
import { allowanceMonth } from "../tokens/periods";
import { tokensToMillitokens } from "../tokens/units";
import { META_ID, META_KIND, META_PRICING_VERSION, offerOfPrice, pricingVersion, type PriceOffer } from "./catalog";
import { withUserLock, type BillingContext } from "./context";
import { customerIdOf, META_USER, userIdForCustomer } from "./customer";
import { grantPlanChangeLocked, pendingPlanChanges, type PaidPlanChange } from "./plan-change";
import { readSubscription, syncSubscriptionLocked } from "./sync-subscription";

/** What an effect did, for the webhook log and the tests. */
export type EffectOutcome = { done: string } | { ignored: string };

/** Metadata Tollgate puts on checkout sessions and prices (the pricing version a price was made for). */
export { META_PRICING_VERSION };

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

// ─── Subscriptions ────────────────────────────────────────────────────────────────────────────

/**
 * A subscription may have changed (created, updated, deleted, payment failed): re-read it from
 * Stripe (before taking the lock: no Stripe call while a transaction holds a connection), then
 * write it and grant a paid upgrade's pro-rated allowance if its latest invoice is one not granted
 * yet (plan-change.ts). Convergent.
 */
export async function applySubscriptionChange(
  ctx: BillingContext,
  customerId: string,
  /** More work in the same transaction, after the sync (the payment-failed mail). */
  alsoLocked?: (tx: DbTx, userId: string) => Promise<string | null>,
): Promise<EffectOutcome> {
  const userId = await userIdForCustomer(ctx, ctx.db, customerId);
  if (!userId) return { ignored: `customer ${customerId} is not a Tollgate user` };
  // Stripe first, outside the transaction.
  const read = await readSubscription(ctx, customerId);
  const changes = await pendingPlanChanges(ctx, ctx.db, { subscription: read.subscription });
  return withUserLock(ctx, userId, async (tx) => {
    const row = await syncSubscriptionLocked(tx, userId, read);
    const granted = await grantPlanChangesLocked(tx, userId, changes);
    const also = alsoLocked ? await alsoLocked(tx, userId) : null;
    return {
      done: [`synced ${row.status}${row.planId ? ` ${row.planId}` : ""}`, ...granted, ...(also ? [also] : [])].join(
        "; ",
      ),
    };
  });
}

async function grantPlanChangesLocked(tx: DbTx, userId: string, changes: PaidPlanChange[]): Promise<string[]> {
  const notes: string[] = [];
  for (const change of changes) {
    const note = await grantPlanChangeLocked(tx, userId, change);
    if (note) notes.push(note);
  }
  return notes;
}

// subscription_update too: a switch between monthly and yearly restarts the period at once (Stripe
// resets the anchor), and its invoice has the new period's plan line, which is not a proration.
const PERIOD_REASONS = new Set(["subscription_create", "subscription_cycle", "subscription_update"]);

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
 * period with the allowance of the price on its subscription line, in the version that price was
 * made for (key allowance:<user>:<period start>, the one the reset cron uses); for a proration
 * invoice (an upgrade), grants its pro-rated allowance (plan-change.ts), as it does for the
 * subscription's latest invoice, so an upgrade paid before its period started here still lands.
 * An older period's invoice arriving after a newer period started changes nothing (the ledger
 * refuses to start a stale period). Convergent.
 */
export async function applyPaidInvoice(ctx: BillingContext, invoice: Stripe.Invoice): Promise<EffectOutcome> {
  const customerId = customerIdOf(invoice.customer);
  if (!customerId) return { ignored: "invoice without a customer" };
  const userId = await userIdForCustomer(ctx, ctx.db, customerId);
  if (!userId) return { ignored: `customer ${customerId} is not a Tollgate user` };
  if (invoice.status && invoice.status !== "paid") return { ignored: `invoice ${invoice.id} is ${invoice.status}` };

  // Read what the period line sells before taking the lock (Stripe reads only).
  let period: { start: Date; end: Date; offer: Extract<PriceOffer, { kind: "plan" }>; yearly: boolean } | null = null;
  if (invoice.billing_reason && PERIOD_REASONS.has(invoice.billing_reason)) {
    for (const line of invoice.lines?.data ?? []) {
      const priceId = linePriceId(line);
      if (!priceId || isProration(line)) continue;
      const price = await ctx.stripe.prices.retrieve(priceId);
      const offer = await offerOfPrice(ctx.db, price);
      if (offer?.kind === "plan") {
        const start = new Date(line.period.start * 1000);
        const end = new Date(line.period.end * 1000);
        period = { start, end, offer, yearly: price.recurring?.interval === "year" };
        break;
      }
    }
  }
  const read = await readSubscription(ctx, customerId);
  if (period?.yearly) {
    // A yearly invoice starts the year's first month only; the reset cron grants the other eleven
    // on the anchor's day (lib/tokens/reset), under the same allowance:<user>:<month start> keys.
    const anchorSeconds = read.subscription?.billing_cycle_anchor;
    const anchor = typeof anchorSeconds === "number" ? new Date(anchorSeconds * 1000) : period.start;
    period.end = allowanceMonth(anchor, period, period.start).end;
  }
  const changes = await pendingPlanChanges(ctx, ctx.db, { invoice, subscription: read.subscription });

  return withUserLock(ctx, userId, async (tx) => {
    const notes: string[] = [];
    if (period) {
      const started = await startPeriod(tx, {
        userId,
        periodStart: period.start,
        periodEnd: period.end,
        allowance: period.offer.millitokens,
        sourceType: "stripe_invoice",
        sourceRef: invoice.id,
        pricingVersion: period.offer.pricingVersion,
      });
      if (started.ok)
        notes.push(
          started.duplicate
            ? "period already started"
            : `period ${period.start.toISOString()} started with ${period.offer.id}`,
        );
      else if (started.error.type === "StalePeriod") notes.push("a newer period already started");
      else throw new Error(`starting the period of invoice ${invoice.id} failed: ${started.error.type}`);
    }
    await syncSubscriptionLocked(tx, userId, read);
    notes.push(...(await grantPlanChangesLocked(tx, userId, changes)));
    return { done: [`invoice ${invoice.billing_reason ?? "paid"}`, ...notes].join("; ") };
  });
}

// ─── Packs ────────────────────────────────────────────────────────────────────────────────────

/**
 * A pack checkout that is paid grants the tokens of the price it charged (in the pricing version
 * that price was made for; the session's version when its line items name no Tollgate price), once
 * per session: key checkout:<session id>. Re-reads the session, so a payload is never trusted for
 * the payment status. Sessions that are not Tollgate pack purchases, or not paid yet, are ignored.
 */
export async function grantPackForSession(ctx: BillingContext, sessionId: string, tx?: DbTx): Promise<EffectOutcome> {
  const session = await ctx.stripe.checkout.sessions.retrieve(sessionId);
  if (session.mode !== "payment" || session.metadata?.[META_KIND] !== "pack")
    return { ignored: `session ${sessionId} is not a pack purchase` };
  // A pack a promotion code made free (amount 0) completes with nothing to pay: it is paid for.
  const free =
    session.status === "complete" && session.payment_status === "no_payment_required" && session.amount_total === 0;
  if (session.payment_status !== "paid" && !free)
    return { ignored: `session ${sessionId} is ${session.payment_status}` };
  const customerId = customerIdOf(session.customer);
  const client = tx ?? ctx.db;
  const userId = customerId ? await userIdForCustomer(ctx, client, customerId) : null;
  if (!userId || (session.metadata?.[META_USER] && session.metadata[META_USER] !== userId)) {
    return { ignored: `session ${sessionId} belongs to no Tollgate user` };
  }
  const bought = await packOfSession(ctx, client, session);
  const { duplicate } = await grantPack(client, {
    userId,
    offer: bought,
    idempotencyKey: `checkout:${session.id}`,
    sourceType: "stripe_checkout",
    sourceRef: session.id,
  });
  return { done: duplicate ? "pack already granted" : `granted the ${bought.pack.name} pack` };
}

/**
 * The one path a paid pack's tokens take into the ledger, for a checkout (key
 * checkout:<session id>) and an auto top-up (key topup:<payment intent id>, lib/billing/auto-topup):
 * purchased tokens of the pack's pricing version, once per key (a retry returns `duplicate`).
 */
export async function grantPack(
  client: DbTx,
  input: {
    userId: string;
    offer: Extract<PriceOffer, { kind: "pack" }>;
    idempotencyKey: string;
    sourceType: "stripe_checkout" | "stripe_payment_intent";
    sourceRef: string;
  },
): Promise<{ duplicate: boolean }> {
  const { offer } = input;
  const result = await grant(client, {
    userId: input.userId,
    bucket: "purchased",
    kind: "grant_pack",
    amount: offer.millitokens,
    idempotencyKey: input.idempotencyKey,
    sourceType: input.sourceType,
    sourceRef: input.sourceRef,
    pricingVersion: offer.pricingVersion,
    reason: `${offer.pack.name} pack`,
  });
  if (!result.ok) throw new Error(`pack grant ${input.idempotencyKey} failed: ${result.error.type}`);
  return { duplicate: result.duplicate };
}

/** The pack a paid session sold: the price on its line items (what was charged), else its metadata. */
async function packOfSession(
  ctx: BillingContext,
  client: DbTx,
  session: Stripe.Checkout.Session,
): Promise<Extract<PriceOffer, { kind: "pack" }>> {
  const items = await ctx.stripe.checkout.sessions.listLineItems(session.id, { limit: 10 });
  for (const item of items.data) {
    if (!item.price) continue;
    const offer = await offerOfPrice(client, item.price);
    if (offer?.kind === "pack") return offer;
  }
  const pricing = await pricingVersion(client, Number(session.metadata?.[META_PRICING_VERSION]));
  const pack = pricing.packs.find((p) => p.id === session.metadata?.[META_ID]);
  if (!pack)
    throw new Error(
      `session ${session.id}: pack "${session.metadata?.[META_ID]}" is not in pricing version ${pricing.version}`,
    );
  return {
    kind: "pack",
    id: pack.id,
    pack,
    pricingVersion: pricing.version,
    millitokens: tokensToMillitokens(pack.tokens),
  };
}

// The tokens of a plan change within a period: granted only for what was paid.
//
// Tollgate's portal invoices an upgrade at once (`always_invoice`, portal-configuration.ts): Stripe
// issues a `subscription_update` invoice whose proration lines are a credit for the unused time of
// the old price and a charge for the remaining time of the new one, each with the `period` it
// covers (from the change to the period's end). When that invoice is PAID, the extra allowance is
// granted, pro-rated like the charge:
//
//   Σ over the proration lines of ± allowance(line's price) × quantity × (line end − line start)
//   ───────────────────────────────────────────────────────────────────────────────────────────────
//                          period end − period start            (rounded down to the millitoken)
//
// which for one change is (new − old allowance) × (period end − change time) / (period length).
// Each line's allowance is the one of the pricing version its price was created for
// (`offerOfPrice`), so the grant follows the prices paid, not today's catalog.
//
// Decisions:
// - One ledger row per proration invoice: key `plan_change:<invoice id>` (with `always_invoice`
//   Stripe makes one invoice per change). The webhook (invoice.paid), a duplicate delivery, the
//   checkout and portal return pages and a later subscription event all compute the same amount
//   from the same invoice and converge on that one row.
// - Nothing for an invoice that is not paid (a failed payment grants nothing; paying it later
//   grants then), for a net decrease (a downgrade applied at once by an API call: nothing granted,
//   nothing taken), or for a period that is not the account's current one in the ledger (the
//   period is over: its allowance has expired; or it has not started yet — the invoice.paid that
//   starts it looks at the subscription's latest invoice again, see `pendingPlanChanges`).
// - A yearly plan's upgrade: the proration lines cover the rest of the year, but the allowance is
//   monthly. The grant is the difference for what is left of the current allowance month,
//   Σ ± allowance × quantity × (overlap of the line with the month) / (month length), and only while
//   the change falls in the account's current month; the later months of the year get the new
//   plan's allowance from the reset cron (the sync records the new price's allowance). So the year's
//   extra tokens are pro-rated like the charge, month by month, and never granted twice.
// - Downgrades through the portal are scheduled at the period's end: no proration invoice at all;
//   the renewal invoice names the lower price and starts the period with its allowance.
import type Stripe from "stripe";
import type { Db, DbTx } from "../db/client";
import { grant } from "../tokens/ledger";
import { offerOfPrice } from "./catalog";
import type { BillingContext } from "./context";

/** A paid proration invoice, read from Stripe and priced: what `grantPlanChangeLocked` needs. */
export interface PaidPlanChange {
  invoiceId: string;
  subscriptionId: string | null;
  /** End of the period the proration lines cover (UNIX seconds). */
  periodEnd: number;
  /** Σ ± allowance × quantity × line seconds, in millitoken-seconds; may be ≤ 0 (a downgrade). */
  weighted: bigint;
  /** The lines counted: ± allowance × quantity (millitokens per month) and the seconds they cover. */
  lines: { rate: bigint; start: number; end: number }[];
  /** The plan and pricing version of the price charged (the positive line), for the ledger row. */
  planId: string | null;
  planName: string | null;
  pricingVersion: number | null;
}

export function planChangeKey(invoiceId: string): string {
  return `plan_change:${invoiceId}`;
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

function linePriceId(line: Stripe.InvoiceLineItem): string | null {
  return idOf(line.pricing?.price_details?.price ?? null);
}

function isProration(line: Stripe.InvoiceLineItem): boolean {
  return Boolean(line.parent?.subscription_item_details?.proration);
}

async function invoiceLines(ctx: BillingContext, invoice: Stripe.Invoice): Promise<Stripe.InvoiceLineItem[]> {
  if (invoice.lines && !invoice.lines.has_more) return invoice.lines.data;
  const lines: Stripe.InvoiceLineItem[] = [];
  for await (const line of ctx.stripe.invoices.listLineItems(invoice.id!, { limit: 100 })) lines.push(line);
  return lines;
}

/**
 * What a paid `subscription_update` invoice grants, read from Stripe and the pricing versions (no
 * writes). Null for any other invoice, or one that is not paid.
 */
export async function readPaidPlanChange(
  ctx: BillingContext,
  db: Db | DbTx,
  invoice: Stripe.Invoice,
): Promise<PaidPlanChange | null> {
  if (invoice.billing_reason !== "subscription_update" || invoice.status !== "paid" || !invoice.id) return null;
  const lines = (await invoiceLines(ctx, invoice)).filter(isProration);
  if (lines.length === 0) return null;
  // Every line of one change ends with the period; prorations of an older period swept into this
  // invoice (earlier `create_prorations` changes) cover time that is over and grant nothing.
  const periodEnd = Math.max(...lines.map((l) => l.period.end));
  let weighted = 0n;
  const counted: PaidPlanChange["lines"] = [];
  let charged: { planId: string; planName: string; pricingVersion: number; amount: number } | null = null;
  const prices = new Map<string, Stripe.Price>();
  for (const line of lines) {
    if (line.period.end !== periodEnd || line.amount === 0) continue;
    const priceId = linePriceId(line);
    if (!priceId) continue;
    let price = prices.get(priceId);
    if (!price) {
      price = await ctx.stripe.prices.retrieve(priceId);
      prices.set(priceId, price);
    }
    const offer = await offerOfPrice(db, price);
    if (offer?.kind !== "plan") continue;
    const seconds = BigInt(Math.max(0, line.period.end - line.period.start));
    const quantity = BigInt(line.quantity ?? 1);
    const sign = line.amount < 0 ? -1n : 1n;
    weighted += sign * offer.millitokens * quantity * seconds;
    counted.push({ rate: sign * offer.millitokens * quantity, start: line.period.start, end: line.period.end });
    if (line.amount > 0 && (!charged || line.amount > charged.amount)) {
      charged = {
        planId: offer.id,
        planName: offer.plan.name,
        pricingVersion: offer.pricingVersion,
        amount: line.amount,
      };
    }
  }
  return {
    invoiceId: invoice.id,
    subscriptionId: idOf(invoice.parent?.subscription_details?.subscription ?? null),
    periodEnd,
    weighted,
    lines: counted,
    planId: charged?.planId ?? null,
    planName: charged?.planName ?? null,
    pricingVersion: charged?.pricingVersion ?? null,
  };
}

/**
 * The paid plan changes an event should (re)apply: `invoice` itself when it is a paid proration
 * invoice (re-read from Stripe: a payload is never trusted for the payment status), and the latest
 * invoice of the customer's live subscription when that is one (so a period that starts after its
 * upgrade was paid, or a return from the portal before the webhook, still converges). `subscription`
 * is the one the sync just read from Stripe (readSubscription, latest invoice expanded), so the
 * subscriptions are listed once per event. Stripe reads only; call before taking the user's lock.
 */
export async function pendingPlanChanges(
  ctx: BillingContext,
  db: Db | DbTx,
  from: { invoice?: Stripe.Invoice; subscription?: Stripe.Subscription | null },
): Promise<PaidPlanChange[]> {
  const out: PaidPlanChange[] = [];
  const seen = new Set<string>();
  const add = async (invoice: Stripe.Invoice) => {
    if (!invoice.id || seen.has(invoice.id)) return;
    seen.add(invoice.id);
    const change = await readPaidPlanChange(ctx, db, invoice);
    if (change) out.push(change);
  };
  if (from.invoice?.id) {
    if (from.invoice.billing_reason === "subscription_update")
      await add(await ctx.stripe.invoices.retrieve(from.invoice.id));
    seen.add(from.invoice.id);
  }
  const latest = from.subscription?.latest_invoice ?? null;
  const latestId = idOf(latest);
  if (latestId && !seen.has(latestId))
    await add(typeof latest === "string" ? await ctx.stripe.invoices.retrieve(latestId) : latest!);
  return out;
}

/**
 * Grants a paid plan change's pro-rated extra allowance into the current period, once
 * (`plan_change:<invoice id>`). Needs the user's billing lock (it reads the period, then grants).
 * Returns what it did, or null when there is nothing to grant (see the header).
 */
export async function grantPlanChangeLocked(tx: DbTx, userId: string, change: PaidPlanChange): Promise<string | null> {
  const balance = await tx.userTokenBalance.findUnique({
    where: { userId },
    select: { periodStart: true, nextResetAt: true },
  });
  if (!balance) return null;
  const amount =
    balance.nextResetAt.getTime() === change.periodEnd * 1000
      ? periodGrant(change, balance.periodStart)
      : monthGrant(change, balance.periodStart, balance.nextResetAt);
  if (amount === null || amount <= 0n) return null;
  const result = await grant(tx, {
    userId,
    bucket: "allowance",
    kind: "grant_allowance",
    amount,
    idempotencyKey: planChangeKey(change.invoiceId),
    sourceType: "stripe_invoice",
    sourceRef: change.invoiceId,
    pricingVersion: change.pricingVersion ?? undefined,
    // The history describes "upgrade to <plan>" as the upgrade's extra allowance.
    reason: change.planName ? `upgrade to ${change.planName}` : "plan change",
  });
  if (!result.ok) throw new Error(`plan change grant for invoice ${change.invoiceId} failed: ${result.error.type}`);
  return result.duplicate ? null : `plan change ${change.invoiceId}: +${amount} millitokens`;
}

/** A monthly period's grant (the change ends with the account's period): weighted / period length. */
function periodGrant(change: PaidPlanChange, periodStart: Date): bigint | null {
  const periodSeconds = BigInt(change.periodEnd) - BigInt(Math.floor(periodStart.getTime() / 1000));
  if (periodSeconds <= 0n || change.weighted <= 0n) return null;
  return change.weighted / periodSeconds; // BigInt division: rounded down
}

/**
 * A yearly period's grant: the account's month [start, end) lies inside the change's period and the
 * change happened in it; what the lines owe for the rest of that month (see the header). Null when
 * the change is not in the account's current month (over: expired; or not started yet).
 */
function monthGrant(change: PaidPlanChange, monthStart: Date, monthEnd: Date): bigint | null {
  const start = Math.floor(monthStart.getTime() / 1000);
  const end = Math.floor(monthEnd.getTime() / 1000);
  if (change.lines.length === 0 || end > change.periodEnd || end <= start) return null;
  const changedAt = Math.min(...change.lines.map((l) => l.start));
  if (changedAt < start || changedAt >= end) return null;
  let weighted = 0n;
  for (const line of change.lines) {
    const overlap = Math.min(line.end, end) - Math.max(line.start, start);
    if (overlap > 0) weighted += line.rate * BigInt(overlap);
  }
  return weighted > 0n ? weighted / BigInt(end - start) : null; // rounded down
}

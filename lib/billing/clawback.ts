// Money that goes back takes its tokens back: the token effects of refunds and disputes, for packs
// and for subscription invoices alike (charge.refunded, charge.dispute.created, charge.dispute.closed).
//
// What a charge paid for is read from Stripe, never from a payload: charge → payment_intent → the
// pack's Checkout Session (`checkout.sessions.list({ payment_intent })`), else the invoice it paid
// (`invoicePayments.list({ payment: { type: "payment_intent", payment_intent } })`, the link the
// 2026-10-28.endive API has between invoices and payments), or an auto top-up (the payment intent's
// own metadata: auto-topup/metadata.ts). The tokens granted for it:
//   a pack      the `checkout:<session id>` grant (purchased tokens)
//   a top-up    the `topup:<payment intent id>` grant (purchased tokens, granted like a pack)
//   an invoice  every `grant_allowance` row whose source_ref is the invoice id: the period's grant
//               (`allowance:<user>:<period start>`, from invoice.paid or the reset cron) and any
//               upgrade grant paid by a proration invoice
//
// Guarantees:
// - Proportional and convergent: the share of the charge that is gone — max(amount refunded, the
//   whole charge while a dispute is open or lost) — of the granted tokens is taken back, rounded up
//   to the millitoken. Each run computes that target from the charge's current state and moves the
//   ledger from the level it is at to the target, so partial refunds add up, a duplicate or
//   out-of-order event changes nothing, and a refund and a dispute of one charge take it once.
// - What remains: only what is left of the grant can be taken (the bucket it was granted to; for an
//   allowance, nothing once its period has ended, since it has expired). The ledger records the rest
//   as shortfall on the clawback row.
// - A dispute that is won (or an inquiry closed without a chargeback, or a prevented one) lowers the
//   target back to the refunded share: what the clawbacks above it actually took is granted back,
//   once (a shortfall is never granted). For an allowance whose period has ended nothing is given
//   back (it would have expired).
// - Keys: clawbacks `refund:<charge id>:<level>` (after n won disputes `refund:<charge id>:r<n>:<level>`),
//   restores `restore:<charge id>:<n>:<level>`, where level is the target in millitokens reached.
// - Order: a pack refunded before its purchase was handled is granted first (then taken back); an
//   invoice refunded before its invoice.paid was handled has its period started first. So the order
//   of events never changes the outcome.
import type Stripe from "stripe";
import type { DbTx } from "../db/client";
import { clawback, grant } from "../tokens/ledger";
import { withUserLock, type BillingContext } from "./context";
import { customerIdOf, userIdForCustomer } from "./customer";
import { applyPaidInvoice, grantPackForSession, type EffectOutcome } from "./effects";
import { META_KIND } from "./catalog";
import { isTopUp, topUpSucceeded } from "./auto-topup/outcome";

/** Dispute statuses after which the disputed money stays with us (the tokens are given back). */
const DISPUTE_RESOLVED_FOR_US = new Set(["won", "warning_closed", "prevented"]);

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

/** What a charge paid for, read from Stripe. */
type Purchase =
  | { kind: "pack"; session: Stripe.Checkout.Session; customerId: string | null }
  | { kind: "topup"; intent: Stripe.PaymentIntent; customerId: string | null }
  | { kind: "invoice"; invoice: Stripe.Invoice; customerId: string | null };

async function purchaseOfCharge(ctx: BillingContext, charge: Stripe.Charge): Promise<Purchase | null> {
  const paymentIntentId = idOf(charge.payment_intent);
  if (!paymentIntentId) return null;
  const sessions = await ctx.stripe.checkout.sessions.list({ payment_intent: paymentIntentId, limit: 1 });
  const session = sessions.data[0];
  if (session?.mode === "payment" && session.metadata?.[META_KIND] === "pack") {
    return { kind: "pack", session, customerId: customerIdOf(session.customer) };
  }
  // An auto top-up: a PaymentIntent of its own, without a checkout session or an invoice.
  const intent = await ctx.stripe.paymentIntents.retrieve(paymentIntentId);
  if (isTopUp(intent)) return { kind: "topup", intent, customerId: customerIdOf(intent.customer) };
  const payments = await ctx.stripe.invoicePayments.list({
    payment: { type: "payment_intent", payment_intent: paymentIntentId },
    limit: 10,
  });
  const payment = payments.data.find((p) => p.status === "paid") ?? payments.data[0];
  const invoiceId = payment ? idOf(payment.invoice as string | { id: string }) : null;
  if (!invoiceId) return null;
  const invoice = await ctx.stripe.invoices.retrieve(invoiceId);
  return { kind: "invoice", invoice, customerId: customerIdOf(invoice.customer) };
}

/**
 * The share (in the charge's currency units) of `charge` that is gone: the amount refunded, or the
 * whole charge while one of its disputes is open or lost. Capped at the charge's amount.
 */
function goneShare(charge: Stripe.Charge, disputedNow: boolean): bigint {
  const amount = BigInt(charge.amount);
  const refunded = BigInt(charge.amount_refunded);
  const disputed = disputedNow ? amount : 0n;
  const share = refunded > disputed ? refunded : disputed;
  return share > amount ? amount : share;
}

/**
 * A charge was refunded (fully or partly), disputed, or its dispute closed: moves the tokens the
 * charge granted to the level its current state calls for. See the header. Convergent.
 */
export async function clawbackForCharge(ctx: BillingContext, chargeId: string): Promise<EffectOutcome> {
  // Stripe reads first, outside any transaction.
  const charge = await ctx.stripe.charges.retrieve(chargeId);
  const disputes = (await ctx.stripe.disputes.list({ charge: chargeId, limit: 100 })).data;
  const purchase = await purchaseOfCharge(ctx, charge);
  if (!purchase) return { ignored: `charge ${chargeId} paid for no pack or invoice` };
  const userId = purchase.customerId ? await userIdForCustomer(ctx, ctx.db, purchase.customerId) : null;
  if (!userId) return { ignored: `charge ${chargeId} belongs to no Tollgate user` };
  const amount = BigInt(charge.amount);
  const disputed = disputes.some((d) => !DISPUTE_RESOLVED_FOR_US.has(d.status));
  const share = goneShare(charge, disputed);

  // What the purchase grants is granted first if its own event was not handled yet (convergent;
  // each takes its own lock and reads Stripe before it): the pack, or the period this invoice paid
  // for (nothing when a newer period already started).
  if (purchase.kind === "pack") await grantPackForSession(ctx, purchase.session.id);
  else if (purchase.kind === "topup") await topUpSucceeded(ctx, purchase.intent.id);
  else if (purchase.invoice.status === "paid") await applyPaidInvoice(ctx, purchase.invoice);

  return withUserLock(ctx, userId, async (tx) => {
    let granted: Granted;
    if (purchase.kind === "pack") {
      granted = await packGrant(tx, `checkout:${purchase.session.id}`);
      if (granted.total === 0n) return { ignored: `session ${purchase.session.id} was never paid` };
    } else if (purchase.kind === "topup") {
      granted = await packGrant(tx, `topup:${purchase.intent.id}`);
      if (granted.total === 0n) return { ignored: `auto top-up ${purchase.intent.id} was never granted` };
    } else {
      granted = await invoiceGrants(tx, userId, purchase.invoice.id);
      if (granted.total === 0n) return { ignored: `invoice ${purchase.invoice.id} granted no tokens` };
    }
    const target = amount > 0n ? (granted.total * share + amount - 1n) / amount : 0n; // rounded up
    const what = purchase.kind === "invoice" ? "subscription" : "pack";
    return moveToTarget(tx, {
      userId,
      chargeId,
      target,
      granted,
      reason: disputed ? `${what} payment disputed` : `${what} payment refunded`,
      restoreReason:
        purchase.kind === "invoice" ? "Dispute won: allowance given back" : "Dispute won: pack tokens given back",
    });
  });
}

interface Granted {
  /** Millitokens the charge's purchase granted. */
  total: bigint;
  bucket: "purchased" | "allowance";
  /** False when the allowance it was granted into has expired (a newer period started since). */
  current: boolean;
}

/** A pack's grant by its key: checkout:<session id>, or topup:<payment intent id> for an auto top-up. */
async function packGrant(tx: DbTx, key: string): Promise<Granted> {
  const purchase = await tx.tokenTransaction.findUnique({
    where: { idempotencyKey: key },
    select: { purchasedDelta: true },
  });
  return { total: purchase?.purchasedDelta ?? 0n, bucket: "purchased", current: true };
}

/**
 * The allowance granted for an invoice: its grant_allowance rows (source_ref = the invoice id), and
 * whether they still belong to the current period — no expiry row was written after the newest of
 * them (a period's own expiry row is written in the same statement as its grant, never after it).
 */
async function invoiceGrants(tx: DbTx, userId: string, invoiceId: string): Promise<Granted> {
  const [row] = await tx.$queryRaw<{ total: bigint; current: boolean }[]>`
    WITH g AS (
      SELECT allowance_delta, created_at FROM token_transactions
      WHERE user_id = ${userId} AND kind = 'grant_allowance' AND source_ref = ${invoiceId} AND allowance_delta > 0
    )
    SELECT coalesce(sum(allowance_delta), 0)::bigint AS total,
           NOT EXISTS (
             SELECT 1 FROM token_transactions e
             WHERE e.user_id = ${userId} AND e.kind = 'expire_allowance' AND e.created_at > (SELECT max(created_at) FROM g)
           ) AS current
    FROM g`;
  return { total: row?.total ?? 0n, bucket: "allowance", current: row?.current ?? false };
}

interface Layer {
  from: bigint;
  to: bigint;
  /** What this clawback actually took (the bottom of its range; the rest was shortfall). */
  taken: bigint;
}

/**
 * Replays this charge's clawback and restore rows (in ledger order) into the level reached and the
 * clawbacks still standing, then writes the one row that moves the ledger to `target`.
 */
async function moveToTarget(
  tx: DbTx,
  input: { userId: string; chargeId: string; target: bigint; granted: Granted; reason: string; restoreReason: string },
): Promise<EffectOutcome> {
  const { userId, chargeId, target, granted } = input;
  const rows = await tx.$queryRaw<{ key: string; kind: string; taken: bigint }[]>`
    SELECT idempotency_key AS key, kind::text AS kind, -(allowance_delta + purchased_delta) AS taken FROM token_transactions
    WHERE user_id = ${userId} AND (starts_with(idempotency_key, ${`refund:${chargeId}:`}) OR starts_with(idempotency_key, ${`restore:${chargeId}:`}))
    ORDER BY id`;
  let level = 0n;
  let restores = 0;
  let layers: Layer[] = [];
  for (const row of rows) {
    const to = BigInt(row.key.slice(row.key.lastIndexOf(":") + 1));
    if (row.kind === "clawback") {
      layers.push({ from: level, to, taken: row.taken });
    } else {
      restores++;
      layers = cutTo(layers, to).layers;
    }
    level = to;
  }

  if (target > level) {
    const cycle = restores > 0 ? `r${restores}:` : "";
    const result = await clawback(tx, {
      userId,
      amount: target - level,
      bucket: granted.bucket,
      ...(granted.current ? {} : { maxTake: 0n }),
      idempotencyKey: `refund:${chargeId}:${cycle}${target}`,
      sourceType: "stripe_charge",
      sourceRef: chargeId,
      reason: input.reason,
    });
    if (!result.ok) throw new Error(`clawback for charge ${chargeId} failed: ${result.error.type}`);
    return { done: `took back ${result.taken} millitokens (shortfall ${result.shortfall})` };
  }
  if (target < level) {
    const { given } = cutTo(layers, target);
    if (given === 0n) return { done: "nothing was taken that could be given back" };
    if (!granted.current) return { done: "the allowance's period has ended: nothing given back" };
    const result = await grant(tx, {
      userId,
      bucket: granted.bucket,
      kind: granted.bucket === "allowance" ? "grant_allowance" : "grant_pack",
      amount: given,
      idempotencyKey: `restore:${chargeId}:${restores + 1}:${target}`,
      sourceType: "stripe_charge",
      sourceRef: chargeId,
      reason: input.restoreReason,
    });
    if (!result.ok) throw new Error(`restoring charge ${chargeId} failed: ${result.error.type}`);
    return { done: result.duplicate ? "already given back" : `gave back ${given} millitokens` };
  }
  return { done: level === 0n ? "nothing refunded or disputed" : "already taken back" };
}

/** Lowers the standing clawbacks to `target`: what they took above it is what is given back. */
function cutTo(layers: Layer[], target: bigint): { layers: Layer[]; given: bigint } {
  let given = 0n;
  const kept: Layer[] = [];
  for (const layer of layers) {
    if (layer.to <= target) {
      kept.push(layer);
      continue;
    }
    const top = layer.from + layer.taken; // what it took occupies [from, from + taken]
    const keepTaken = target > layer.from ? (top < target ? layer.taken : target - layer.from) : 0n;
    given += layer.taken - keepTaken;
    if (target > layer.from) kept.push({ from: layer.from, to: target, taken: keepTaken });
  }
  return { layers: kept, given };
}

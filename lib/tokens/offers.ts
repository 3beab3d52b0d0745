// Which single purchase gets a user past a shortfall, cheapest first: the 402 dialog's suggestion.
// Pure and client-safe (type imports only).
//
// What an offer adds to what is available now (millitokens):
// - a pack: its tokens (the bonus is included in `tokens`); purchased tokens never expire.
// - a plan, on the free tier (no live subscription): the plan's monthly allowance minus the
//   allowance the user has now — subscribing starts a new period, which expires the current
//   allowance and grants the plan's (docs/ARCHITECTURE.md, "Periods").
// - a plan, for a subscriber: an upgrade grants the difference between the plans at once, but only
//   while the subscription is active or trialing (lib/billing/effects.ts); a downgrade, the same
//   plan, or any change while past due adds nothing now, so those plans are never suggested.
//
// Choice (decided here): among the offers that cover the shortfall, the lowest price; at an equal
// price a pack before a plan (paid once, no recurring charge, never expires); then the one adding
// more tokens; then the catalogue's order. No offer covers it → null (the dialog then links to all
// plans and packs). Prices are compared as given (a plan's monthly price against a pack's one-off
// price): what the user pays now to be able to run the call.
import type { Pack, Plan } from "./pricing-config";

export type OfferPlan = Pick<Plan, "id" | "name" | "priceCents" | "tokensPerMonth">;
export type OfferPack = Pick<Pack, "id" | "name" | "priceCents" | "tokens" | "bonusPercent">;

export interface OfferCatalog {
  currency: string;
  plans: OfferPlan[];
  packs: OfferPack[];
}

export interface OfferAccount {
  /** The live subscription's plan (active, trialing or past due), or null on the free tier. */
  planId: string | null;
  /** Whether a plan change grants its difference now (active or trialing; not past due). */
  upgradesGrantNow: boolean;
}

export interface Offer {
  kind: "plan" | "pack";
  id: string;
  name: string;
  priceCents: number;
  /** Millitokens this purchase adds to what is available now. */
  adds: bigint;
  /** The tokens of the item as sold: a plan's per month, a pack's once. */
  tokens: number;
  recurring: boolean;
}

const MT = 1000n;

/** Every plan and pack with what it would add now for this account (0n or less: it would not help). */
export function offersFor(catalog: OfferCatalog, account: OfferAccount, allowanceNow: bigint): Offer[] {
  const current = account.planId ? catalog.plans.find((p) => p.id === account.planId) : undefined;
  const plans = catalog.plans.map((plan): Offer => {
    let adds: bigint;
    if (!account.planId) adds = BigInt(plan.tokensPerMonth) * MT - (allowanceNow > 0n ? allowanceNow : 0n);
    else if (account.upgradesGrantNow && current && plan.tokensPerMonth > current.tokensPerMonth) {
      adds = BigInt(plan.tokensPerMonth - current.tokensPerMonth) * MT;
    } else adds = 0n;
    return {
      kind: "plan",
      id: plan.id,
      name: plan.name,
      priceCents: plan.priceCents,
      adds,
      tokens: plan.tokensPerMonth,
      recurring: true,
    };
  });
  const packs = catalog.packs.map((pack): Offer => ({
    kind: "pack",
    id: pack.id,
    name: pack.name,
    priceCents: pack.priceCents,
    adds: BigInt(pack.tokens) * MT,
    tokens: pack.tokens,
    recurring: false,
  }));
  return [...plans, ...packs];
}

/**
 * The cheapest plan or pack whose tokens cover `shortfall` millitokens (required − available), or
 * null when none does. A shortfall of 0 or less is covered by anything: the cheapest offer that adds
 * tokens at all.
 */
export function cheapestOffer(
  catalog: OfferCatalog,
  account: OfferAccount,
  need: { shortfall: bigint; allowanceNow: bigint },
): Offer | null {
  const covering = offersFor(catalog, account, need.allowanceNow).filter(
    (o) => o.adds > 0n && o.adds >= need.shortfall,
  );
  // Array.prototype.sort is stable: equal offers keep the catalogue's order (plans, then packs).
  covering.sort(
    (a, b) =>
      a.priceCents - b.priceCents ||
      (a.kind === b.kind ? 0 : a.kind === "pack" ? -1 : 1) ||
      (b.adds > a.adds ? 1 : b.adds < a.adds ? -1 : 0),
  );
  return covering[0] ?? null;
}

/** required − available, in millitokens, from a 402 body's token amounts (numbers with ≤ 3 decimals). */
export function shortfallOf(required: number, available: number): bigint {
  return BigInt(Math.round(required * 1000)) - BigInt(Math.round(Math.max(available, 0) * 1000));
}

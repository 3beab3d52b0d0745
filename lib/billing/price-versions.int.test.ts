// Issue 14 §2: a period's allowance (and a pack's tokens) is the one of the Stripe price the
// customer pays, in the pricing version that price was created for — not the active version.
// The admin's own code makes the versions (saveEdit) and syncs them (syncToStripe, = stripe:sync);
// payments run through the production checkout and webhook code against the Stripe simulator.
import { describe, expect, it } from "vitest";
import { saveEdit, syncToStripe, type PricingEdit } from "../admin/pricing";
import { allowanceKey } from "../tokens/ledger";
import { getActivePricing, type Pack, type Plan, type PricingConfig } from "../tokens/pricing-config";
import { resetMonthlyTokens } from "../tokens/reset/monthly-reset";
import { offerOfPrice } from "./catalog";
import { startCheckout } from "./checkout";
import { ensureCustomer } from "./customer";
import { subscriptionOverview } from "./overview";
import { syncSubscription } from "./sync-subscription";
import { handleStripeWebhook } from "./webhook";
import { billingTestHarness } from "@/test/billing/harness";

const h = billingTestHarness();
const TOKENS = 1000n;

type User = { id: string; email: string; name: string };

/** Saves the active catalogue with `change` applied as the next version, as the admin console does. */
async function newVersion(change: { plans?: (p: Plan) => Plan; packs?: (p: Pack) => Pack }): Promise<PricingConfig> {
  const active = await getActivePricing(h.t.db);
  const admin = await h.t.db.user.create({
    data: { email: `admin-${active.version}-${Date.now()}@example.com`, role: "admin" },
  });
  const strip = <T extends { lookupKey: string }>(tier: T): Omit<T, "lookupKey"> => {
    const copy: Partial<T> = { ...tier };
    delete copy.lookupKey;
    return copy as Omit<T, "lookupKey">;
  };
  const edit: PricingEdit = {
    baseVersion: active.version,
    microUsdPerToken: active.microUsdPerToken,
    freeTierTokens: Number(active.freeTierMillitokens / TOKENS),
    plans: active.plans.map((p) => strip(change.plans ? change.plans(p) : p)),
    packs: active.packs.map((p) => strip(change.packs ? change.packs(p) : p)),
    modelPriceOverrides: active.modelPriceOverrides,
    note: "test",
  };
  const saved = await saveEdit(h.t.db, edit, admin.id);
  if (!saved.ok) throw new Error(saved.error.message);
  return saved.pricing;
}

async function sync(pricing: PricingConfig) {
  const report = await syncToStripe(h.stripe, pricing);
  if (!report.ok) throw new Error(report.message);
  return report.actions;
}

async function subscribe(user: User, planId: string) {
  return (await h.subscribe(user, planId)).subscriptionId;
}

async function sessionCount(): Promise<number> {
  return h.sim.objects("checkout.session").length;
}

describe("subscriptions keep the allowance of the price they pay", () => {
  it("an admin raising Titan's allowance: an old subscriber's renewal grants the old allowance, a new subscriber gets the new one", async () => {
    const old = await h.newUser("old-titan");
    const oldSubscription = await subscribe(old, "titan");
    expect((await h.buckets(old.id)).allowance).toBe(35_000n * TOKENS);

    const raised = await newVersion({ plans: (p) => (p.id === "titan" ? { ...p, tokensPerMonth: 40_000 } : p) });
    const actions = await sync(raised);
    expect(
      actions.filter((a) => a.action === "price_replaced").map((a) => ("lookupKey" in a ? a.lookupKey : null)),
      // Both of Titan's prices sell the allowance, so both move to new prices; no other plan's does.
    ).toEqual(["tollgate_plan_titan_monthly", "tollgate_plan_titan_yearly"]);

    await h.sim.advanceSubscription(oldSubscription);
    await h.sim.settled();
    const renewed = await h.buckets(old.id);
    expect(renewed.allowance).toBe(35_000n * TOKENS);
    const [row] = await h.t.sql<{ pricing_version: number; allowance_delta: string }>(
      "SELECT pricing_version, allowance_delta::text FROM token_transactions WHERE user_id = $1 AND source_ref = $2 AND kind = 'grant_allowance'",
      [old.id, (await h.stripe.subscriptions.retrieve(oldSubscription)).latest_invoice as string],
    );
    expect(row).toEqual({ pricing_version: raised.version - 1, allowance_delta: String(35_000n * TOKENS) });

    // The subscription page shows the plan as they pay it.
    const page = await subscriptionOverview(h.t.db, old.id);
    expect(page.livePlan).toMatchObject({ id: "titan", tokensPerMonth: 35_000 });
    expect(page.periodAllowance).toBe(35_000n * TOKENS);

    const fresh = await h.newUser("new-titan");
    await subscribe(fresh, "titan");
    expect((await h.buckets(fresh.id)).allowance).toBe(40_000n * TOKENS);
    expect((await subscriptionOverview(h.t.db, fresh.id)).livePlan).toMatchObject({
      id: "titan",
      tokensPerMonth: 40_000,
    });
    expect(h.deliveries.filter((d) => d.status !== 200)).toEqual([]);
  });
});

describe("the reset cron renews with the allowance of the price paid too", () => {
  it("a renewal the cron starts (its invoice.paid not handled yet) grants the old price's allowance after an admin raised it; the late webhook changes nothing", async () => {
    const user = await h.newUser("cron-pro");
    const subscriptionId = await subscribe(user, "pro");
    const oldVersion = Number(
      (await h.stripe.subscriptions.retrieve(subscriptionId)).items.data[0]!.price.metadata.tollgate_pricing_version,
    );
    await sync(await newVersion({ plans: (p) => (p.id === "pro" ? { ...p, tokensPerMonth: 3_500 } : p) }));

    h.hold = [];
    let held: { body: string; signature: string }[];
    try {
      await h.sim.advanceSubscription(subscriptionId);
      await h.sim.settled();
    } finally {
      held = h.hold;
      h.hold = null;
    }
    // Our copy of Stripe learns the new period (as a return page or another event would sync it).
    await syncSubscription(h.ctx, (await h.subscriptionRow(user.id))!.stripe_customer_id as string);
    const start = (await h.subscriptionRow(user.id))!.current_period_start as Date;
    const summary = await resetMonthlyTokens(
      h.t.db,
      { connectionString: h.t.directUrl },
      { now: new Date(start.getTime() + 1), renewalGraceMs: 0 },
    );
    expect(summary.errors).toEqual([]);
    const renewed = await h.buckets(user.id);
    expect(renewed).toMatchObject({ allowance: 3_000n * TOKENS, periodStart: start });
    const [row] = await h.t.sql<{ pricing_version: number; source_type: string }>(
      "SELECT pricing_version, source_type FROM token_transactions WHERE idempotency_key = $1",
      [allowanceKey(user.id, start)],
    );
    expect(row).toEqual({ pricing_version: oldVersion, source_type: "cron" });

    for (const d of held)
      expect((await handleStripeWebhook(h.ctx, d.body, d.signature, { log: () => {} })).status).toBe(200);
    expect(await h.buckets(user.id)).toEqual(renewed);
  });
});

describe("packs grant the tokens of the price Checkout charged", () => {
  it("a checkout that charged the price of an older version (started before stripe:sync caught up) grants that version's tokens", async () => {
    const user = await h.newUser("stale-pack");
    const before = await getActivePricing(h.t.db);
    const stalePrice = (await h.stripe.prices.list({ lookup_keys: ["tollgate_pack_starter"], active: true })).data[0]!;
    // The admin raises the Starter pack to 2,500 tokens; stripe:sync has not run yet.
    const raised = await newVersion({ packs: (p) => (p.id === "starter" ? { ...p, tokens: 2_500 } : p) });
    // A checkout opened in that window: the active version's metadata, the old version's price.
    const session = await h.stripe.checkout.sessions.create({
      mode: "payment",
      customer: await ensureCustomer(h.ctx, user),
      line_items: [{ price: stalePrice.id, quantity: 1 }],
      success_url: "http://localhost:3999/settings/subscription?checkout=success",
      metadata: {
        tollgate_user_id: user.id,
        tollgate_kind: "pack",
        tollgate_id: "starter",
        tollgate_pricing_version: String(raised.version),
      },
      payment_intent_data: {
        metadata: {
          tollgate_user_id: user.id,
          tollgate_kind: "pack",
          tollgate_id: "starter",
          tollgate_pricing_version: String(raised.version),
        },
      },
    });
    await h.sim.completeCheckout(session.id, "paid");
    await h.sim.settled();
    expect((await h.buckets(user.id)).purchased).toBe(2_000n * TOKENS);
    const [row] = await h.t.sql<{ pricing_version: number }>(
      "SELECT pricing_version FROM token_transactions WHERE idempotency_key = $1",
      [`checkout:${session.id}`],
    );
    // The version the charged price was made for (unchanged for Starter since then), not the active one.
    expect(row!.pricing_version).toBe(Number(stalePrice.metadata.tollgate_pricing_version));
    expect(row!.pricing_version).toBeLessThanOrEqual(before.version);

    // Once synced, a new checkout sells (and grants) the new version's pack.
    await sync(raised);
    const destination = await startCheckout(h.ctx, user, { kind: "pack", id: "starter" });
    if (destination.kind !== "checkout") throw new Error("expected a checkout");
    await h.sim.completeCheckout(destination.sessionId, "paid");
    await h.sim.settled();
    expect((await h.buckets(user.id)).purchased).toBe(4_500n * TOKENS);
  });
});

describe("checkout refuses a catalog entry its Stripe price does not match", () => {
  it("another amount (stripe:sync not run): a clear error naming the lookup key and the difference, no customer or session created", async () => {
    const user = await h.newUser("mismatch-amount");
    const raised = await newVersion({ plans: (p) => (p.id === "pro" ? { ...p, priceCents: 2_100 } : p) });
    const sessions = await sessionCount();
    const customers = h.sim.objects("customer").length;
    await expect(startCheckout(h.ctx, user, { kind: "plan", id: "pro" })).rejects.toMatchObject({
      name: "CatalogPriceMismatch",
      lookupKey: "tollgate_plan_pro_monthly",
      message:
        'The Stripe price with the lookup key "tollgate_plan_pro_monthly" differs from the catalog (amount 1900 ≠ 2100): run `npm run stripe:sync`.',
    });
    // Tokens alone differ for a pack (same amount): refused as well.
    const packs = await newVersion({ packs: (p) => (p.id === "basic" ? { ...p, tokens: 3_300 } : p) });
    await expect(startCheckout(h.ctx, user, { kind: "pack", id: "basic" })).rejects.toMatchObject({
      name: "CatalogPriceMismatch",
      differences: ["tokens 3200 ≠ 3300"],
    });
    expect(await sessionCount()).toBe(sessions);
    expect(h.sim.objects("customer").length).toBe(customers);

    await sync(packs);
    expect(raised.version).toBeLessThan(packs.version);
    const destination = await startCheckout(h.ctx, user, { kind: "plan", id: "pro" });
    expect(destination.kind).toBe("checkout");
  });

  it("another currency: refused, no session created", async () => {
    const user = await h.newUser("mismatch-currency");
    const active = await getActivePricing(h.t.db);
    await h.t.db.tokenPricingConfig.create({
      data: {
        version: active.version + 1,
        microUsdPerToken: active.microUsdPerToken,
        freeTierMillitokens: active.freeTierMillitokens,
        currency: "usd",
        subscriptionPlans: active.plans,
        tokenPacks: active.packs,
        modelPriceOverrides: {},
      },
    });
    const sessions = await sessionCount();
    await expect(startCheckout(h.ctx, user, { kind: "pack", id: "plus" })).rejects.toMatchObject({
      name: "CatalogPriceMismatch",
      differences: ["currency eur ≠ usd"],
    });
    expect(await sessionCount()).toBe(sessions);
  });
});

describe("prices made before they named their version", () => {
  it("map to the version in force when they were made, not to a later one with the same amount", async () => {
    const inForce = await getActivePricing(h.t.db);
    const titan = inForce.plans.find((p) => p.id === "titan")!;
    // As stripe:sync wrote prices before: kind and id only.
    const legacy = await h.stripe.prices.create({
      product: "tollgate_plan_titan",
      currency: inForce.currency,
      unit_amount: titan.priceCents,
      recurring: { interval: "month" },
      metadata: { tollgate_kind: "plan", tollgate_id: "titan" },
    });
    await new Promise((resolve) => setTimeout(resolve, 1100 - (Date.now() % 1000)));
    const later = await newVersion({
      plans: (p) => (p.id === "titan" ? { ...p, tokensPerMonth: titan.tokensPerMonth + 5_000 } : p),
    });
    expect(later.version).toBeGreaterThan(inForce.version);
    expect(await offerOfPrice(h.t.db, legacy)).toMatchObject({
      kind: "plan",
      id: "titan",
      pricingVersion: inForce.version,
      millitokens: BigInt(titan.tokensPerMonth) * TOKENS,
    });
  });
});

// Stripe Tax on checkout, against the simulator's fixed test rates (FR 20 %, DE 19 %): the session
// asks for tax, an address, a VAT number and promotion codes; inclusive prices keep their amount
// with the VAT inside, exclusive ones get it added; a business elsewhere in the EU with a VAT number
// is reverse-charged. TAX_MODE is the prices' tax behavior: a change makes new prices (sync), and
// a price of the other behavior is refused at checkout as stale. Tokens granted are the same.
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { address } from "@/dev/stripe-simulator/tax";
import { billingTestHarness } from "@/test/billing/harness";
import { allPriceItems, CatalogPriceMismatch } from "./catalog";
import { startCheckout } from "./checkout";
import { syncCatalog } from "./sync-catalog";
import { getActivePricing } from "../tokens/pricing-config";

const h = billingTestHarness();
const STARTER = 1900; // cents, the Starter pack (2,000 tokens)

async function packSession(user: { id: string; email: string; name: string }, taxMode?: "inclusive" | "exclusive") {
  const destination = await startCheckout({ ...h.ctx, ...(taxMode ? { taxMode } : {}) }, user, {
    kind: "pack",
    id: "starter",
  });
  if (destination.kind !== "checkout") throw new Error("expected a checkout");
  return destination.sessionId;
}

async function completed(sessionId: string): Promise<Stripe.Checkout.Session> {
  await h.sim.settled();
  return h.stripe.checkout.sessions.retrieve(sessionId);
}

describe("tax on checkout", () => {
  it("asks Stripe for tax, a required billing address saved on the customer, VAT numbers, promotion codes and an invoice", async () => {
    const user = await h.newUser();
    const session = await h.stripe.checkout.sessions.retrieve(await packSession(user));
    expect(session.automatic_tax).toMatchObject({ enabled: true, status: "requires_location_inputs" });
    expect(session.billing_address_collection).toBe("required");
    expect(session.tax_id_collection?.enabled).toBe(true);
    expect(session.allow_promotion_codes).toBe(true);
    expect(session.invoice_creation?.enabled).toBe(true);
    const request = h.sim.requests.find((r) => r.path === "/v1/checkout/sessions" && r.method === "POST")!;
    expect(request.params.customer_update).toEqual({ address: "auto", name: "auto" });
  });

  it("inclusive (the default): a French buyer pays the catalog price, with 20 % VAT inside it", async () => {
    const user = await h.newUser();
    const id = await packSession(user);
    h.sim.completeCheckout(id, "paid", { address: address({ country: "FR", city: "Lyon" }), name: "Ada Lovelace" });
    const session = await completed(id);
    expect(session.amount_subtotal).toBe(STARTER);
    expect(session.amount_total).toBe(STARTER);
    expect(session.total_details?.amount_tax).toBe(317); // 1900 × 20/120, rounded half up
    expect(session.automatic_tax.status).toBe("complete");
    expect(session.customer_details?.address?.country).toBe("FR");
    const customer = (await h.stripe.customers.retrieve(session.customer as string)) as Stripe.Customer;
    expect(customer.address?.country).toBe("FR");
    expect(customer.name).toBe("Ada Lovelace");
    expect((await h.buckets(user.id)).purchased).toBe(2_000_000n);
  });

  it("exclusive: a changed TAX_MODE replaces every price, a stale one is refused, and the VAT is added on top", async () => {
    const pricing = await getActivePricing(h.t.db);
    const replaced = await syncCatalog(h.stripe, pricing, () => {}, { taxBehavior: "exclusive" });
    expect(replaced.filter((a) => a.action === "price_replaced")).toHaveLength(
      allPriceItems(pricing).length, // every plan's monthly and yearly price, and every pack's
    );
    const again = await syncCatalog(h.stripe, pricing, () => {}, { taxBehavior: "exclusive" });
    expect(again.filter((a) => a.action === "price_replaced" || a.action === "price_created")).toEqual([]);

    const user = await h.newUser();
    // The app still configured inclusive while Stripe sells exclusive prices: nothing is sold.
    await expect(packSession(user, "inclusive")).rejects.toBeInstanceOf(CatalogPriceMismatch);

    const french = await packSession(user, "exclusive");
    h.sim.completeCheckout(french, "paid", { address: address({ country: "FR" }) });
    const fr = await completed(french);
    expect(fr.amount_subtotal).toBe(STARTER);
    expect(fr.total_details?.amount_tax).toBe(380);
    expect(fr.amount_total).toBe(STARTER + 380);

    const german = await packSession(await h.newUser(), "exclusive");
    h.sim.completeCheckout(german, "paid", { address: address({ country: "DE" }) });
    expect((await completed(german)).amount_total).toBe(STARTER + 361); // 19 %

    // A German business with its VAT number: reverse charge, no VAT.
    const business = await h.newUser();
    const b2b = await packSession(business, "exclusive");
    h.sim.completeCheckout(b2b, "paid", {
      address: address({ country: "DE" }),
      taxId: "DE123456789",
      name: "Ada GmbH",
    });
    const reverse = await completed(b2b);
    expect(reverse.total_details?.amount_tax).toBe(0);
    expect(reverse.amount_total).toBe(STARTER);
    expect(reverse.customer_details?.tax_exempt).toBe("reverse");
    expect(reverse.customer_details?.tax_ids).toEqual([{ type: "eu_vat", value: "DE123456789" }]);
    const invoice = await h.stripe.invoices.retrieve(reverse.invoice as string);
    expect(invoice.total_taxes).toEqual([expect.objectContaining({ amount: 0, taxability_reason: "reverse_charge" })]);
    // Tax never changes the tokens: each buyer got the pack's 2,000.
    expect((await h.buckets(business.id)).purchased).toBe(2_000_000n);
    expect((await h.buckets(user.id)).purchased).toBe(2_000_000n);

    await syncCatalog(h.stripe, pricing, () => {}, { taxBehavior: "inclusive" });
  });

  it("a subscription is taxed at checkout and at renewal from the address saved on the customer", async () => {
    const user = await h.newUser();
    const destination = await startCheckout(h.ctx, user, { kind: "plan", id: "pro" });
    if (destination.kind !== "checkout") throw new Error("expected a checkout");
    h.sim.completeCheckout(destination.sessionId, "paid", { address: address({ country: "FR" }) });
    const session = await completed(destination.sessionId);
    const subscription = await h.stripe.subscriptions.retrieve(session.subscription as string);
    expect(subscription.automatic_tax.enabled).toBe(true);
    h.sim.advanceSubscription(subscription.id);
    await h.sim.settled();
    const renewal = (await h.stripe.invoices.list({ subscription: subscription.id, limit: 1 })).data[0]!;
    expect(renewal.billing_reason).toBe("subscription_cycle");
    expect(renewal.total).toBe(1900);
    expect(renewal.total_taxes?.[0]).toMatchObject({ amount: 317, tax_behavior: "inclusive" });
    expect((await h.buckets(user.id)).allowance).toBe(3_000_000n);
  });
});

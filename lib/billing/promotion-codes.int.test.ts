// A coupon changes what a subscriber pays, never what they are granted: the allowance follows the
// plan's price. A 100 %-off first month issues a €0 invoice that is paid with no charge and no
// payment intent; the plan's full allowance is granted when that invoice.paid arrives — and not by
// any event before it. The renewal (the coupon was `once`) is charged in full and grants the same.
import { describe, expect, it } from "vitest";
import { address } from "@/dev/stripe-simulator/tax";
import { billingTestHarness } from "@/test/billing/harness";
import { startCheckout } from "./checkout";

const h = billingTestHarness();

async function checkoutPro(user: { id: string; email: string; name: string }) {
  const destination = await startCheckout(h.ctx, user, { kind: "plan", id: "pro" });
  if (destination.kind !== "checkout") throw new Error("expected a checkout");
  return destination.sessionId;
}

async function grants(userId: string) {
  return h.t.sql<{ kind: string; allowance: string }>(
    "SELECT kind::text, allowance_delta::text AS allowance FROM token_transactions WHERE user_id = $1 AND kind = 'grant_allowance' ORDER BY id",
    [userId],
  );
}

describe("promotion codes", () => {
  it("100 % off the first month: a €0 paid invoice grants the plan's full allowance only when invoice.paid arrives", async () => {
    h.sim.createPromotionCode({ code: "FREEMONTH", percentOff: 100, duration: "once" });
    const user = await h.newUser();
    const sessionId = await checkoutPro(user);
    h.hold = [];
    h.sim.completeCheckout(sessionId, "paid", { address: address({ country: "FR" }), promotionCode: "freemonth" });
    await h.sim.settled();
    const held = h.hold.map((d) => JSON.parse(d.body) as { type: string; data: { object: Record<string, unknown> } });
    h.hold = null;

    const session = await h.stripe.checkout.sessions.retrieve(sessionId);
    expect(session.amount_total).toBe(0);
    expect(session.total_details?.amount_discount).toBe(1900);
    expect(session.discounts?.[0]?.promotion_code).toMatch(/^promo_/);
    const paid = held.find((e) => e.type === "invoice.paid")!.data.object;
    expect(paid).toMatchObject({ status: "paid", amount_paid: 0, total: 0, subtotal: 1900 });
    expect((paid.total_discount_amounts as { amount: number }[])[0]!.amount).toBe(1900);
    const payments = await h.stripe.invoicePayments.list({ invoice: paid.id as string });
    expect(payments.data).toEqual([]); // nothing was charged

    // Every event but the invoice's payment: the subscription is live, no allowance yet.
    for (const event of held.filter((e) => !["invoice.paid", "invoice.payment_succeeded"].includes(e.type))) {
      expect((await h.deliver(event)).status).toBe(200);
    }
    expect((await h.subscriptionRow(user.id))?.status).toBe("active");
    expect(await grants(user.id)).toEqual([]);
    expect((await h.buckets(user.id)).allowance).toBe(100_000n); // still the free tier

    // The €0 invoice.paid: the plan's whole allowance (what the price grants, not what was paid).
    expect((await h.deliver(held.find((e) => e.type === "invoice.paid")!)).status).toBe(200);
    expect(await grants(user.id)).toEqual([{ kind: "grant_allowance", allowance: "3000000" }]);
    expect((await h.buckets(user.id)).allowance).toBe(3_000_000n);
    // invoice.payment_succeeded and a redelivery change nothing.
    await h.deliver(held.find((e) => e.type === "invoice.payment_succeeded")!);
    await h.deliver(held.find((e) => e.type === "invoice.paid")!);
    expect(await grants(user.id)).toHaveLength(1);

    // The code was `once`: the renewal is charged in full, and grants the same allowance.
    const row = await h.subscriptionRow(user.id);
    h.sim.advanceSubscription(row!.stripe_subscription_id as string);
    await h.sim.settled();
    const renewal = (await h.stripe.invoices.list({ subscription: row!.stripe_subscription_id as string, limit: 1 }))
      .data[0]!;
    expect(renewal).toMatchObject({
      billing_reason: "subscription_cycle",
      amount_paid: 1900,
      total_discount_amounts: [],
    });
    expect((await grants(user.id)).map((g) => g.allowance)).toEqual(["3000000", "3000000"]);
  });

  it("a forever 50 % coupon halves every invoice and never the allowance", async () => {
    h.sim.createPromotionCode({ code: "HALF", percentOff: 50, duration: "forever" });
    const user = await h.newUser();
    const sessionId = await checkoutPro(user);
    h.sim.completeCheckout(sessionId, "paid", { address: address({ country: "FR" }), promotionCode: "HALF" });
    await h.sim.settled();
    const row = await h.subscriptionRow(user.id);
    const subscription = row!.stripe_subscription_id as string;
    expect((await h.buckets(user.id)).allowance).toBe(3_000_000n);
    h.sim.advanceSubscription(subscription);
    await h.sim.settled();
    const invoices = await h.stripe.invoices.list({ subscription });
    expect(invoices.data.map((i) => i.amount_paid)).toEqual([950, 950]);
    expect((await grants(user.id)).map((g) => g.allowance)).toEqual(["3000000", "3000000"]);
  });

  it("an unknown or exhausted code is refused on the checkout page and nothing is charged", async () => {
    h.sim.createPromotionCode({ code: "ONCEONLY", percentOff: 10 });
    const promo = h.sim.objects("promotion_code").find((p) => p.code === "ONCEONLY")!;
    promo.max_redemptions = 1;
    const first = await checkoutPro(await h.newUser());
    h.sim.completeCheckout(first, "paid", { promotionCode: "ONCEONLY" });
    const user = await h.newUser();
    const second = await checkoutPro(user);
    expect(() => h.sim.completeCheckout(second, "paid", { promotionCode: "ONCEONLY" })).toThrow(
      "This code is invalid.",
    );
    expect(() => h.sim.completeCheckout(second, "paid", { promotionCode: "NOPE" })).toThrow("This code is invalid.");
    expect((await h.stripe.checkout.sessions.retrieve(second)).status).toBe("open");
    await h.sim.settled();
  });
});

// Auto top-up's limits, failures and the attacker's attempts, over real Postgres and the Stripe
// simulator: 2 attempts per 10 minutes, 1 failed attempt per hour, the per-period maximum; a
// declined card and one that needs 3-D Secure turn it off, cancel the PaymentIntent, mail the user
// and grant nothing; turning it on needs a saved card and a real pack; concurrent turn-ons arm once.
import { describe, expect, it } from "vitest";
import { billingTestHarness } from "@/test/billing/harness";
import { autoTopUpHelpers } from "@/test/billing/auto-topup";
import { getActivePricing } from "../../tokens/pricing-config";
import { priceByLookupKey } from "../catalog";
import { armAttempt } from "./attempt";
import { chargeAttempt, checkAutoTopUp } from "./charge";
import { NoSavedCard, saveAutoTopUp, UnknownPack } from "./settings";

const h = billingTestHarness();
const a = autoTopUpHelpers(h);
const MIN = 60_000;
const at = (t0: number, minutes: number) => new Date(t0 + minutes * MIN);

describe("limits (a threshold set above the balance to farm top-ups)", () => {
  it("at most 2 attempts per 10 minutes, then the configured maximum per period", async () => {
    const user = await a.userWithCard();
    // 100 000 tokens: even after a Basic pack (3 200) the balance stays below — every check would buy.
    await a.enable(user.id, { thresholdTokens: 100_000, maxPerPeriod: 3 });
    const t0 = Date.now();
    expect(await checkAutoTopUp(h.ctx, user.id, at(t0, 0))).toMatchObject({ charged: "succeeded" });
    expect(await checkAutoTopUp(h.ctx, user.id, at(t0, 1))).toMatchObject({ charged: "succeeded" });
    expect(await checkAutoTopUp(h.ctx, user.id, at(t0, 2))).toEqual({ skipped: "rate_limited" });
    expect(await checkAutoTopUp(h.ctx, user.id, at(t0, 9))).toEqual({ skipped: "rate_limited" });
    expect(await checkAutoTopUp(h.ctx, user.id, at(t0, 11))).toMatchObject({ charged: "succeeded" });
    expect(await checkAutoTopUp(h.ctx, user.id, at(t0, 30))).toEqual({ skipped: "period_limit" });
    expect(await checkAutoTopUp(h.ctx, user.id, at(t0, 300))).toEqual({ skipped: "period_limit" });
    expect(a.intents(user.customerId)).toHaveLength(3);
    expect(await a.topUpGrants(user.id)).toHaveLength(3);
  });

  it("concurrent checks cannot pass the window: 20 at once after the first success still make one more", async () => {
    const user = await a.userWithCard();
    await a.enable(user.id, { thresholdTokens: 100_000, maxPerPeriod: 20 });
    const t0 = Date.now();
    await checkAutoTopUp(h.ctx, user.id, at(t0, 0));
    const results = await Promise.all(Array.from({ length: 20 }, () => checkAutoTopUp(h.ctx, user.id, at(t0, 1))));
    expect(results.filter((r) => "armed" in r)).toHaveLength(1);
    expect(a.intents(user.customerId)).toHaveLength(2);
  });
});

describe("failures", () => {
  it("a declined card: nothing granted, auto top-up off with the reason, PaymentIntent canceled, mail queued", async () => {
    const user = await a.userWithCard("pm_card_chargeDeclined");
    await a.enable(user.id, { thresholdTokens: 150 });
    const before = await h.buckets(user.id);
    expect(await checkAutoTopUp(h.ctx, user.id)).toMatchObject({ charged: "failed" });
    await h.sim.settled();
    expect(await h.buckets(user.id)).toMatchObject({ allowance: before.allowance, purchased: before.purchased });
    expect(await a.topUpGrants(user.id)).toEqual([]);
    expect(await a.settings(user.id)).toMatchObject({ enabled: false, disabled_reason: "card_declined" });
    expect(await a.attempts(user.id)).toEqual([
      expect.objectContaining({ status: "failed", failure_code: "card_declined" }),
    ]);
    const [intent] = a.intents(user.customerId);
    expect(intent).toMatchObject({ status: "canceled", cancellation_reason: "abandoned" });
    const mails = await a.mails(user.id, "topup_failed");
    expect(mails).toHaveLength(1);
    expect(mails[0]!.data).toEqual({ packName: "Basic", reason: "declined" });
    // The payment_intent.payment_failed webhook came too: still one mail, nothing else.
    expect(h.deliveries.some((d) => d.type === "payment_intent.payment_failed" && d.status === 200)).toBe(true);
    expect(await checkAutoTopUp(h.ctx, user.id)).toEqual({ skipped: "off" });
  });

  it("a card that needs 3-D Secure off session: requires_action, turned off, mailed, nothing granted", async () => {
    const user = await a.userWithCard("pm_card_authenticationRequired");
    await a.enable(user.id, { thresholdTokens: 150 });
    expect(await checkAutoTopUp(h.ctx, user.id)).toMatchObject({ charged: "failed" });
    await h.sim.settled();
    expect(await a.topUpGrants(user.id)).toEqual([]);
    expect(await a.settings(user.id)).toMatchObject({ enabled: false, disabled_reason: "authentication_required" });
    expect(await a.attempts(user.id)).toEqual([
      expect.objectContaining({ status: "requires_action", failure_code: "authentication_required" }),
    ]);
    expect(a.intents(user.customerId)[0]).toMatchObject({ status: "canceled" });
    expect((await a.mails(user.id, "topup_failed"))[0]!.data).toEqual({
      packName: "Basic",
      reason: "authentication_required",
    });
  });

  it("at most 1 failed attempt per hour: turning it back on at once does not charge the card again", async () => {
    const user = await a.userWithCard("pm_card_chargeDeclined");
    await a.enable(user.id, { thresholdTokens: 150 });
    const t0 = Date.now();
    await checkAutoTopUp(h.ctx, user.id, at(t0, 0));
    await a.enable(user.id, { thresholdTokens: 150 }); // back on, same failing card
    expect(await checkAutoTopUp(h.ctx, user.id, at(t0, 20))).toEqual({ skipped: "failure_limited" });
    expect(await checkAutoTopUp(h.ctx, user.id, at(t0, 59))).toEqual({ skipped: "failure_limited" });
    expect(a.intents(user.customerId)).toHaveLength(1);
    expect(await checkAutoTopUp(h.ctx, user.id, at(t0, 61))).toMatchObject({ charged: "failed" });
    expect(a.intents(user.customerId)).toHaveLength(2);
    expect(await a.topUpGrants(user.id)).toEqual([]);
  });

  it("a card removed since it was turned on: no charge, turned off as no_payment_method", async () => {
    const user = await a.userWithCard();
    await a.enable(user.id, { thresholdTokens: 150 });
    const [pm] = (await h.stripe.customers.listPaymentMethods(user.customerId)).data;
    await h.stripe.paymentMethods.detach(pm!.id);
    expect(await checkAutoTopUp(h.ctx, user.id)).toMatchObject({ charged: "failed" });
    expect(a.intents(user.customerId)).toHaveLength(0);
    expect(await a.settings(user.id)).toMatchObject({ enabled: false, disabled_reason: "no_payment_method" });
  });
});

describe("a card detached after the attempt chose it", () => {
  it("Stripe's 400 fails the attempt at once (no endless retries), nothing charged", async () => {
    const user = await a.userWithCard();
    await a.enable(user.id, { thresholdTokens: 150 });
    const armed = await armAttempt(h.ctx.db, user.id);
    if (!("armed" in armed)) throw new Error("not armed");
    const [pm] = (await h.stripe.customers.listPaymentMethods(user.customerId)).data;
    const basic = (await getActivePricing(h.t.db)).packs.find((p) => p.id === "basic")!;
    const price = await priceByLookupKey(h.stripe, basic.lookupKey);
    await h.t.db.autoTopUpAttempt.update({
      where: { id: armed.armed.id },
      data: { priceId: price.id, amount: 2900, currency: "eur", paymentMethodId: pm!.id, pricingVersion: 1 },
    });
    await h.stripe.paymentMethods.detach(pm!.id);
    expect(await chargeAttempt(h.ctx, armed.armed.id)).toBe("failed");
    expect(await a.attempts(user.id)).toEqual([expect.objectContaining({ status: "failed" })]);
    expect(await a.settings(user.id)).toMatchObject({ enabled: false });
    expect(await a.topUpGrants(user.id)).toEqual([]);
  });
});

describe("turning it on (the attacker's side)", () => {
  it("needs a saved card", async () => {
    const user = await a.userWithCard(null);
    await expect(a.enable(user.id)).rejects.toBeInstanceOf(NoSavedCard);
    const stranger = await h.newUser("nocustomer"); // no Stripe customer at all
    await expect(a.enable(stranger.id)).rejects.toBeInstanceOf(NoSavedCard);
    expect(await a.settings(user.id)).toBeUndefined();
    // Turning it off (saving the choice) needs no card.
    await expect(a.enable(user.id, { enabled: false })).resolves.toMatchObject({ enabled: false });
  });

  it("accepts only a pack of the catalog and bounded numbers", async () => {
    const user = await a.userWithCard();
    await expect(a.enable(user.id, { packId: "free_tokens" })).rejects.toBeInstanceOf(UnknownPack);
    await expect(a.enable(user.id, { packId: "essential" })).rejects.toBeInstanceOf(UnknownPack); // a plan
    await expect(a.enable(user.id, { packId: "price_123; DROP" })).rejects.toThrow(/packId/);
    await expect(a.enable(user.id, { thresholdTokens: 0 })).rejects.toThrow();
    await expect(a.enable(user.id, { thresholdTokens: 2_000_000 })).rejects.toThrow();
    await expect(a.enable(user.id, { maxPerPeriod: 21 })).rejects.toThrow();
    await expect(
      saveAutoTopUp(h.ctx, user.id, { enabled: true, packId: "basic", thresholdTokens: 1.5, maxPerPeriod: 3 }),
    ).rejects.toThrow();
    expect(await a.settings(user.id)).toBeUndefined();
  });

  it("two concurrent turn-ons arm one crossing and charge once", async () => {
    const user = await a.userWithCard();
    await a.enable(user.id, { enabled: false, thresholdTokens: 150 });
    await Promise.all([a.enable(user.id, { thresholdTokens: 150 }), a.enable(user.id, { thresholdTokens: 150 })]);
    expect((await a.settings(user.id))?.generation).toBe(1);
    await Promise.all(Array.from({ length: 10 }, () => checkAutoTopUp(h.ctx, user.id)));
    expect(a.intents(user.customerId)).toHaveLength(1);
    expect(await a.topUpGrants(user.id)).toHaveLength(1);
  });
});

import { describe, expect, it } from "vitest";
import type { UserSubscription } from "../db/generated/client";
import { DEFAULT_PRICING } from "../tokens/pricing-config";
import { planRelation, subscriptionState } from "./overview";

const [essential, pro, elite] = DEFAULT_PRICING.plans as [
  (typeof DEFAULT_PRICING.plans)[0],
  (typeof DEFAULT_PRICING.plans)[0],
  (typeof DEFAULT_PRICING.plans)[0],
];

function sub(overrides: Partial<UserSubscription>): UserSubscription {
  return {
    userId: "u",
    stripeCustomerId: "cus_1",
    stripeSubscriptionId: "sub_1",
    stripePriceId: "price_1",
    planId: "pro",
    planAllowance: 3_000_000n,
    planPricingVersion: 1,
    scheduledPlanId: null,
    scheduledChangeAt: null,
    status: "active",
    currentPeriodStart: new Date("2026-02-01T00:00:00Z"),
    currentPeriodEnd: new Date("2026-03-01T00:00:00Z"),
    cancelAtPeriodEnd: false,
    canceledAt: null,
    currentPeriodInvoiceId: "in_1",
    currentPeriodPaidAt: new Date("2026-02-01T00:05:00Z"),
    billingInterval: "month",
    billingCycleAnchor: new Date("2026-02-01T00:00:00Z"),
    stripeReadAt: null,
    createdAt: new Date(),
    updatedAt: new Date(),
    ...overrides,
  };
}

describe("planRelation", () => {
  it("offers subscribing without a live plan, and up/downgrades relative to it", () => {
    expect(planRelation(pro, null)).toBe("subscribe");
    expect(planRelation(pro, pro)).toBe("current");
    expect(planRelation(elite, pro)).toBe("upgrade");
    expect(planRelation(essential, pro)).toBe("downgrade");
  });

  it("decides by allowance, then by price", () => {
    const cheaperSame = { ...pro, id: "pro_promo", priceCents: 1500 };
    expect(planRelation(cheaperSame, pro)).toBe("downgrade");
    expect(planRelation(pro, cheaperSame)).toBe("upgrade");
  });
});

describe("subscriptionState", () => {
  it("reads the free tier, active, trial, cancelling, past due and ended", () => {
    expect(subscriptionState(null)).toEqual({ kind: "free" });
    expect(subscriptionState(sub({ status: "none" }))).toEqual({ kind: "free" });
    expect(subscriptionState(sub({}))).toEqual({
      kind: "active",
      renewsAt: new Date("2026-03-01T00:00:00Z"),
      trial: false,
    });
    expect(subscriptionState(sub({ status: "trialing" }))).toMatchObject({ kind: "active", trial: true });
    expect(subscriptionState(sub({ cancelAtPeriodEnd: true }))).toEqual({
      kind: "cancelling",
      endsAt: new Date("2026-03-01T00:00:00Z"),
    });
    expect(subscriptionState(sub({ status: "past_due", cancelAtPeriodEnd: true }))).toEqual({ kind: "past_due" });
    expect(subscriptionState(sub({ status: "canceled" }))).toEqual({ kind: "ended", status: "canceled" });
  });

  it("says awaiting payment while the current period's invoice is not paid (an active status is no proof)", () => {
    const awaiting = { kind: "awaiting_payment", periodStart: new Date("2026-02-01T00:00:00Z") };
    expect(subscriptionState(sub({ currentPeriodPaidAt: null }))).toEqual(awaiting);
    expect(subscriptionState(sub({ currentPeriodPaidAt: null, cancelAtPeriodEnd: true }))).toEqual(awaiting);
    expect(subscriptionState(sub({ status: "trialing", currentPeriodPaidAt: null }))).toEqual(awaiting);
    expect(subscriptionState(sub({ status: "past_due", currentPeriodPaidAt: null }))).toEqual({ kind: "past_due" });
  });
});

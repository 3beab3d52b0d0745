// The engine's memory of tax and discounts: each session's tax settings, the discount a
// subscription carries (and how many of its period invoices it has discounted), the tax ids a
// customer gave at checkout, and the TaxRate objects used. It turns an invoice's lines into the
// invoice-level amounts Stripe shows (`total_discount_amounts`, `total_taxes`, totals).
import type { CheckoutTaxSettings } from "./checkout-tax";
import { appliesToInvoice, discountAmount, redeemable, type Coupon, type PromotionCode } from "./discounts";
import { invalidRequest, noSuch } from "./errors";
import type { JsonObject, Store, StripeObject } from "./store";
import { behaviorOf, computeTax, taxRateObject, type Address } from "./tax";
import type { Price } from "./types";

export interface InvoiceAdjustment {
  subtotal: number;
  subtotalExcludingTax: number;
  total: number;
  totalExcludingTax: number;
  discount: { amount: number; discountId: string } | null;
  tax: {
    amount: number;
    behavior: "inclusive" | "exclusive";
    rateId: string;
    reason: string;
    taxable: number;
  } | null;
}

export class Adjustments {
  private readonly settings = new Map<string, CheckoutTaxSettings>();
  private readonly subscriptionDiscounts = new Map<string, { discountId: string; couponId: string; uses: number }>();
  private readonly automaticTaxSubscriptions = new Set<string>();
  private readonly taxIds = new Map<string, Array<{ type: string; value: string }>>();
  private readonly rates = new Map<string, string>();

  constructor(private readonly store: Store) {}

  reset(): void {
    this.settings.clear();
    this.subscriptionDiscounts.clear();
    this.automaticTaxSubscriptions.clear();
    this.taxIds.clear();
    this.rates.clear();
  }

  setSessionSettings(sessionId: string, settings: CheckoutTaxSettings): void {
    this.settings.set(sessionId, settings);
  }

  sessionSettings(sessionId: string): CheckoutTaxSettings | undefined {
    return this.settings.get(sessionId);
  }

  coupon(id: string, param?: string): Coupon {
    const coupon = this.store.get<Coupon>("coupon", id);
    if (!coupon) throw noSuch("coupon", id, param);
    return coupon;
  }

  /** The active promotion code with this `code` (case-insensitive), redeemable now, or a 400 like Checkout's "This code is invalid." */
  redeemableCode(code: string): { promo: PromotionCode; coupon: Coupon } {
    const wanted = code.trim().toUpperCase();
    const promo = this.store
      .all<PromotionCode>("promotion_code")
      .find((p) => p.code.toUpperCase() === wanted && p.active);
    const coupon = promo ? this.store.get<Coupon>("coupon", promo.promotion.coupon) : undefined;
    if (!promo || !coupon || !redeemable(promo, coupon))
      throw invalidRequest("This code is invalid.", "promotion_code", "promotion_code_invalid");
    return { promo, coupon };
  }

  /** Records a redemption (the counters Stripe keeps). */
  redeem(coupon: Coupon, promo: PromotionCode | null): void {
    coupon.times_redeemed += 1;
    if (promo) promo.times_redeemed += 1;
    if (coupon.max_redemptions !== null && coupon.times_redeemed >= coupon.max_redemptions) coupon.valid = false;
  }

  attachToSubscription(subscriptionId: string, discountId: string, couponId: string, automaticTax: boolean): void {
    if (discountId) this.subscriptionDiscounts.set(subscriptionId, { discountId, couponId, uses: 0 });
    if (automaticTax) this.automaticTaxSubscriptions.add(subscriptionId);
  }

  setTaxIds(customerId: string, ids: Array<{ type: string; value: string }>): void {
    if (ids.length > 0) this.taxIds.set(customerId, ids);
  }

  taxIdsOf(customerId: string): Array<{ type: string; value: string }> {
    return this.taxIds.get(customerId) ?? [];
  }

  /** The TaxRate id for a country and rate (created once, stored so `txr_…` can be retrieved). */
  rateId(country: string, percentage: number, inclusive: boolean): string {
    const key = `${country}:${percentage}:${inclusive}`;
    let id = this.rates.get(key);
    if (!id) {
      const rate = taxRateObject(country, percentage, inclusive);
      this.store.put("tax_rate", rate);
      id = rate.id;
      this.rates.set(key, id);
    }
    return id;
  }

  /**
   * The invoice-level amounts of a subscription invoice: the subscription's discount on its
   * non-proration lines while the coupon's duration lasts (counted per period invoice), then tax
   * for the customer's address when the subscription was created with automatic tax.
   */
  forSubscriptionInvoice(
    subscriptionId: string,
    customer: StripeObject,
    lines: Array<{ amount: number; price: Price; proration: boolean }>,
    periodInvoice: boolean,
    currency: string,
  ): InvoiceAdjustment {
    const subtotal = lines.reduce((s, l) => s + l.amount, 0);
    const state = this.subscriptionDiscounts.get(subscriptionId);
    let discount: InvoiceAdjustment["discount"] = null;
    if (state && periodInvoice) {
      const coupon = this.store.get<Coupon>("coupon", state.couponId);
      if (coupon && appliesToInvoice(coupon, state.uses)) {
        const discountable = lines.filter((l) => !l.proration && l.amount > 0).reduce((s, l) => s + l.amount, 0);
        const amount = discountAmount(coupon, discountable, currency);
        discount = { amount, discountId: state.discountId };
      }
      state.uses += 1;
    }
    const address = customer.address as Address | null | undefined;
    const price = lines[0]?.price;
    const vat = this.taxIdsOf(customer.id).find((t) => t.type === "eu_vat")?.value ?? null;
    return this.build(subtotal, discount, this.automaticTaxSubscriptions.has(subscriptionId), address, price, vat);
  }

  /** The same for a one-off invoice (a pack's post-payment invoice) with known amounts. */
  build(
    subtotal: number,
    discount: InvoiceAdjustment["discount"],
    automaticTax: boolean,
    address: Address | null | undefined,
    price: Price | undefined,
    vatId: string | null,
  ): InvoiceAdjustment {
    const afterDiscount = subtotal - (discount?.amount ?? 0);
    if (!automaticTax || !address?.country || !price || afterDiscount <= 0)
      return {
        subtotal,
        subtotalExcludingTax: subtotal,
        total: afterDiscount,
        totalExcludingTax: afterDiscount,
        discount,
        tax: null,
      };
    const behavior = behaviorOf(price);
    const taxed = computeTax({ amount: afterDiscount, behavior, country: address.country, vatId });
    const onSubtotal = computeTax({ amount: subtotal, behavior, country: address.country, vatId });
    return {
      subtotal,
      subtotalExcludingTax: onSubtotal.net,
      total: taxed.total,
      totalExcludingTax: taxed.net,
      discount,
      tax: {
        amount: taxed.tax,
        behavior,
        rateId: this.rateId(address.country, taxed.percentage, behavior === "inclusive"),
        reason: taxed.reason,
        taxable: taxed.net,
      },
    };
  }
}

/** The invoice fields for an adjustment (merged into an invoice after its lines are built). */
export function invoiceAdjustmentFields(adj: InvoiceAdjustment, automaticTax: boolean): JsonObject {
  return {
    automatic_tax: automaticTax
      ? { disabled_reason: null, enabled: true, liability: { type: "self" }, provider: "stripe", status: "complete" }
      : { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    discounts: adj.discount ? [adj.discount.discountId] : [],
    subtotal: adj.subtotal,
    subtotal_excluding_tax: adj.subtotalExcludingTax,
    total: adj.total,
    total_excluding_tax: adj.totalExcludingTax,
    total_discount_amounts: adj.discount ? [{ amount: adj.discount.amount, discount: adj.discount.discountId }] : [],
    total_taxes: adj.tax
      ? [
          {
            amount: adj.tax.amount,
            tax_behavior: adj.tax.behavior,
            tax_rate_details: { tax_rate: adj.tax.rateId },
            taxability_reason: adj.tax.reason,
            taxable_amount: adj.tax.taxable,
            type: "tax_rate_details",
          },
        ]
      : [],
  };
}

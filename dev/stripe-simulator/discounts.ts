// Coupons, promotion codes and the discounts they become, with Stripe's shapes (API 2026-10-28:
// a promotion code names its coupon under `promotion: { type: "coupon", coupon }`). A coupon takes
// `percent_off` (0 < p ≤ 100) or `amount_off` + `currency`, and a duration: `once` (the first
// invoice), `repeating` (`duration_in_months` invoices of a monthly subscription, or what falls in
// that many months otherwise) or `forever`.
import { invalidRequest, missingParam } from "./errors";
import { applyMetadata, bool, int, obj, oneOf, requiredStr, str, type Params } from "./params";
import { newId, nowSeconds, type StripeObject } from "./store";

export interface Coupon extends StripeObject {
  object: "coupon";
  amount_off: number | null;
  currency: string | null;
  duration: "once" | "repeating" | "forever";
  duration_in_months: number | null;
  percent_off: number | null;
  max_redemptions: number | null;
  redeem_by: number | null;
  times_redeemed: number;
  valid: boolean;
}

export interface PromotionCode extends StripeObject {
  object: "promotion_code";
  active: boolean;
  code: string;
  expires_at: number | null;
  max_redemptions: number | null;
  promotion: { coupon: string; type: "coupon" };
  times_redeemed: number;
}

/** `POST /v1/coupons`: validated before anything is stored. */
export function newCoupon(params: Params, exists: (id: string) => boolean): Coupon {
  const percentRaw = str(params, "percent_off");
  const amountOff = int(params, "amount_off") ?? null;
  const percentOff = percentRaw === undefined || percentRaw === "" ? null : Number(percentRaw);
  if (percentOff === null && amountOff === null) throw missingParam("percent_off");
  if (percentOff !== null && amountOff !== null)
    throw invalidRequest("You may only specify one of these parameters: amount_off, percent_off.", "amount_off");
  if (percentOff !== null && !(Number.isFinite(percentOff) && percentOff > 0 && percentOff <= 100))
    throw invalidRequest("Percent off must be between 0 and 100.", "percent_off");
  if (amountOff !== null && amountOff <= 0) throw invalidRequest("Invalid positive integer", "amount_off");
  const currency = str(params, "currency")?.toLowerCase() || null;
  if (amountOff !== null && !currency)
    throw invalidRequest("You must pass currency when passing amount_off.", "currency");
  const duration = oneOf(params, "duration", ["once", "repeating", "forever"] as const) ?? "once";
  const months = int(params, "duration_in_months") ?? null;
  if (duration === "repeating" && (months === null || months < 1))
    throw invalidRequest("duration_in_months is required when duration is repeating.", "duration_in_months");
  const id = str(params, "id") || newId("", 8).replace(/^_/, "").toUpperCase();
  if (exists(id)) throw invalidRequest("Coupon already exists.", "id", "resource_already_exists");
  return {
    id,
    object: "coupon",
    amount_off: amountOff,
    created: nowSeconds(),
    currency,
    duration,
    duration_in_months: duration === "repeating" ? months : null,
    livemode: false,
    max_redemptions: int(params, "max_redemptions") ?? null,
    metadata: applyMetadata({}, params),
    name: str(params, "name") || null,
    percent_off: percentOff,
    redeem_by: int(params, "redeem_by") ?? null,
    times_redeemed: 0,
    valid: true,
  };
}

/** `POST /v1/promotion_codes`: `promotion[type]=coupon` + `promotion[coupon]`; `code` unique among active codes. */
export function newPromotionCode(
  params: Params,
  coupon: (id: string) => Coupon,
  activeCodeExists: (code: string) => boolean,
): PromotionCode {
  const promotion = obj(params, "promotion");
  if (!promotion) throw missingParam("promotion");
  if (!oneOf(promotion, "type", ["coupon"] as const, "promotion[type]")) throw missingParam("promotion[type]");
  const couponId = requiredStr(promotion, "coupon", "promotion[coupon]");
  coupon(couponId);
  const code = (str(params, "code") || newId("", 8).replace(/^_/, "")).toUpperCase();
  if (!/^[A-Z0-9_-]{1,500}$/i.test(code)) throw invalidRequest("Invalid promotion code.", "code");
  if (activeCodeExists(code))
    throw invalidRequest(`An active promotion code with \`code: ${code}\` already exists.`, "code");
  return {
    id: newId("promo"),
    object: "promotion_code",
    active: bool(params, "active") ?? true,
    code,
    created: nowSeconds(),
    customer: str(params, "customer") || null,
    customer_account: null,
    expires_at: int(params, "expires_at") ?? null,
    livemode: false,
    max_redemptions: int(params, "max_redemptions") ?? null,
    metadata: applyMetadata({}, params),
    promotion: { coupon: couponId, type: "coupon" },
    restrictions: { first_time_transaction: false, minimum_amount: null, minimum_amount_currency: null },
    times_redeemed: 0,
  };
}

/** Whether a code can be redeemed now (active, not expired, redemptions left, coupon valid). */
export function redeemable(promo: PromotionCode, coupon: Coupon, now = nowSeconds()): boolean {
  if (!promo.active || !coupon.valid) return false;
  if (promo.expires_at !== null && promo.expires_at < now) return false;
  if (coupon.redeem_by !== null && coupon.redeem_by < now) return false;
  if (promo.max_redemptions !== null && promo.times_redeemed >= promo.max_redemptions) return false;
  return coupon.max_redemptions === null || coupon.times_redeemed < coupon.max_redemptions;
}

/** What `coupon` takes off `amount` (cents, ≥ 0): a percentage rounded half up, or a fixed amount in the same currency. */
export function discountAmount(coupon: Coupon, amount: number, currency: string): number {
  if (amount <= 0) return 0;
  if (coupon.percent_off !== null) {
    // percent_off may have decimals (25.5): work in hundredths of a percent, in integers.
    const basisPoints = Math.round(coupon.percent_off * 100);
    return Math.min(amount, Math.floor((2 * amount * basisPoints + 10_000) / 20_000));
  }
  if (coupon.amount_off !== null && coupon.currency === currency.toLowerCase())
    return Math.min(amount, coupon.amount_off);
  return 0;
}

/** A Discount object (`di_…`): the application of a coupon to a customer's session, subscription or invoice. */
export function discountObject(input: {
  coupon: Coupon;
  promotionCode: string | null;
  customer: string | null;
  checkoutSession?: string | null;
  subscription?: string | null;
  invoice?: string | null;
  end: number | null;
}): StripeObject {
  return {
    id: newId("di"),
    object: "discount",
    checkout_session: input.checkoutSession ?? null,
    customer: input.customer,
    customer_account: null,
    end: input.end,
    invoice: input.invoice ?? null,
    invoice_item: null,
    promotion_code: input.promotionCode,
    source: { coupon: input.coupon.id, type: "coupon" },
    start: nowSeconds(),
    subscription: input.subscription ?? null,
    subscription_item: null,
  };
}

/**
 * Whether a subscription's discount still applies to its `invoiceIndex`-th invoice (0 = the first):
 * `once` only the first, `repeating` the first `duration_in_months` periods, `forever` always.
 */
export function appliesToInvoice(coupon: Coupon, invoiceIndex: number): boolean {
  if (coupon.duration === "forever") return true;
  if (coupon.duration === "once") return invoiceIndex === 0;
  return invoiceIndex < (coupon.duration_in_months ?? 0);
}

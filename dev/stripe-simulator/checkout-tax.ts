// What a Checkout Session's tax, address, tax id, promotion code and invoice settings do: the
// parameters are checked like Stripe checks them, stored, echoed in the session's shape, and turn
// into amounts (per line and in total) once the buyer's address and code are known.
import { computeTax, behaviorOf, type Address, type TaxabilityReason, type TaxBehavior } from "./tax";
import { discountAmount, type Coupon } from "./discounts";
import { invalidRequest } from "./errors";
import { arr, bool, isObject, obj, oneOf, str, type Params } from "./params";
import type { JsonObject } from "./store";
import type { CheckoutLineItem, Price } from "./types";

export interface CheckoutTaxSettings {
  automaticTax: boolean;
  billingAddressCollection: "auto" | "required" | null;
  customerUpdate: { address: boolean; name: boolean };
  taxIdCollection: boolean;
  allowPromotionCodes: boolean;
  /** `discounts[0]`: a coupon or a promotion code given by the app. */
  discount: { coupon?: string; promotion_code?: string } | null;
  invoiceCreation: boolean;
}

/**
 * Parses the session parameters; Stripe's refusals: `allow_promotion_codes` with `discounts`, tax
 * id collection or automatic tax for an existing customer without `customer_update` (name /
 * address `auto`, unless the customer already has an address), `invoice_creation` outside payment mode.
 */
export function parseCheckoutTaxSettings(
  params: Params,
  mode: "payment" | "subscription",
  customer: JsonObject | null,
): CheckoutTaxSettings {
  const automatic = obj(params, "automatic_tax");
  const automaticTax = automatic ? (bool(automatic, "enabled", "automatic_tax[enabled]") ?? false) : false;
  const update = obj(params, "customer_update");
  const customerUpdate = {
    address: update
      ? oneOf(update, "address", ["auto", "never"] as const, "customer_update[address]") === "auto"
      : false,
    name: update ? oneOf(update, "name", ["auto", "never"] as const, "customer_update[name]") === "auto" : false,
  };
  if (update && !customer)
    throw invalidRequest("`customer_update` can only be used with `customer`.", "customer_update");
  const taxIds = obj(params, "tax_id_collection");
  const taxIdCollection = taxIds ? (bool(taxIds, "enabled", "tax_id_collection[enabled]") ?? false) : false;
  if (taxIdCollection && customer && !customerUpdate.name)
    throw invalidRequest(
      "tax_id_collection requires updating business name on the customer. To enable tax ID collection for an existing customer, please set `customer_update[name]` to `auto`.",
      "tax_id_collection",
    );
  if (automaticTax && customer && !customer.address && !customerUpdate.address)
    throw invalidRequest(
      "Automatic tax calculation in Checkout requires a valid address on the Customer. Add a valid address to the Customer or set either `customer_update[address]` to 'auto' or `customer_update[shipping]` to 'auto' to save the address entered in Checkout to the Customer.",
      "automatic_tax",
    );
  const allowPromotionCodes = bool(params, "allow_promotion_codes") ?? false;
  const discounts = arr(params, "discounts");
  if (allowPromotionCodes && discounts && discounts.length > 0)
    throw invalidRequest(
      "You may only specify one of these parameters: allow_promotion_codes, discounts.",
      "discounts",
    );
  let discount: CheckoutTaxSettings["discount"] = null;
  if (discounts && discounts.length > 0) {
    const first = discounts[0];
    if (discounts.length > 1 || !isObject(first))
      throw invalidRequest("The simulator supports one discount per session.", "discounts");
    const coupon = str(first, "coupon", "discounts[0][coupon]");
    const promotionCode = str(first, "promotion_code", "discounts[0][promotion_code]");
    if (!coupon === !promotionCode)
      throw invalidRequest("Each discount takes exactly one of coupon or promotion_code.", "discounts[0]");
    discount = coupon ? { coupon } : { promotion_code: promotionCode! };
  }
  const invoice = obj(params, "invoice_creation");
  const invoiceCreation = invoice ? (bool(invoice, "enabled", "invoice_creation[enabled]") ?? false) : false;
  if (invoice && mode !== "payment")
    throw invalidRequest("`invoice_creation` can only be used in `payment` mode.", "invoice_creation");
  return {
    automaticTax,
    billingAddressCollection: oneOf(params, "billing_address_collection", ["auto", "required"] as const) ?? null,
    customerUpdate,
    taxIdCollection,
    allowPromotionCodes,
    discount,
    invoiceCreation,
  };
}

/** The session's fields for these settings, as Stripe echoes them. */
export function sessionTaxFields(settings: CheckoutTaxSettings): JsonObject {
  return {
    allow_promotion_codes: settings.allowPromotionCodes,
    automatic_tax: settings.automaticTax
      ? { enabled: true, liability: { type: "self" }, provider: "stripe", status: "requires_location_inputs" }
      : { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: settings.billingAddressCollection,
    tax_id_collection: { enabled: settings.taxIdCollection, required: "never" },
  };
}

/** The buyer's inputs on the checkout page (or `completeCheckout`). */
export interface CheckoutDetails {
  address?: Address;
  name?: string;
  /** An EU VAT number (`eu_vat`), when tax id collection is on. */
  taxId?: string;
  /** A promotion code's `code`, when promotion codes are allowed. */
  promotionCode?: string;
  /** The card: a test card number (4242…, 4000 0000 0000 0002, 4000 0027 6000 3184) or test PaymentMethod id. */
  card?: string;
}

export interface LineAmounts {
  discount: number;
  tax: number;
  total: number;
  subtotal: number;
  taxable: number;
  reason: TaxabilityReason | null;
  percentage: number;
  behavior: TaxBehavior;
}

/**
 * Each line's amounts: the coupon's discount (spread over the lines in order), then tax on what is
 * left — inside the amount for an inclusive price, on top for an exclusive one. Without automatic
 * tax or without an address, no tax.
 */
export function lineAmounts(
  items: Array<{ price: Price; quantity: number }>,
  input: {
    coupon: Coupon | null;
    currency: string;
    automaticTax: boolean;
    country: string | null;
    vatId: string | null;
  },
): LineAmounts[] {
  const subtotals = items.map((i) => i.price.unit_amount * i.quantity);
  const total = subtotals.reduce((s, a) => s + a, 0);
  let discountLeft = input.coupon ? discountAmount(input.coupon, total, input.currency) : 0;
  return items.map((item, i) => {
    const subtotal = subtotals[i]!;
    const discount = Math.min(discountLeft, subtotal);
    discountLeft -= discount;
    const behavior = behaviorOf(item.price);
    const taxed =
      input.automaticTax && input.country
        ? computeTax({ amount: subtotal - discount, behavior, country: input.country, vatId: input.vatId })
        : null;
    return {
      discount,
      tax: taxed?.tax ?? 0,
      total: taxed?.total ?? subtotal - discount,
      subtotal,
      taxable: taxed ? taxed.net : subtotal - discount,
      reason: taxed?.reason ?? null,
      percentage: taxed?.percentage ?? 0,
      behavior,
    };
  });
}

/** Applies line amounts to a session's line items and totals (`amount_subtotal`, `amount_total`, `total_details`). */
export function applySessionAmounts(
  session: JsonObject & { amount_total: number },
  lineItems: CheckoutLineItem[],
  amounts: LineAmounts[],
): void {
  lineItems.forEach((li, i) => {
    const a = amounts[i]!;
    li.amount_discount = a.discount;
    li.amount_tax = a.tax;
    li.amount_subtotal = a.subtotal;
    li.amount_total = a.total;
  });
  const sum = (f: (a: LineAmounts) => number) => amounts.reduce((s, a) => s + f(a), 0);
  session.amount_subtotal = sum((a) => a.subtotal);
  session.amount_total = sum((a) => a.total);
  session.total_details = {
    amount_discount: sum((a) => a.discount),
    amount_shipping: 0,
    amount_tax: sum((a) => a.tax),
  };
}

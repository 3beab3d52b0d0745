// Stripe Tax, simulated with fixed test rates: the simulator's own arithmetic (never the product's),
// enough to exercise what an app reads back — `automatic_tax`, `total_details.amount_tax`, an
// invoice's `total_taxes` — for inclusive and exclusive prices, consumers and reverse-charged
// businesses. The simulated account sells from ORIGIN_COUNTRY and is registered everywhere in the
// EU; other countries have no registration (rate 0, `not_collecting`).
import { newId, nowSeconds, type JsonObject, type StripeObject } from "./store";

/** The simulated account's head office (a B2B buyer elsewhere in the EU is reverse-charged). */
export const ORIGIN_COUNTRY = "FR";

/** Standard VAT rates, in percent, the simulator applies per buyer country (test values). */
export const TEST_TAX_RATES: Readonly<Record<string, number>> = {
  AT: 20,
  BE: 21,
  DE: 19,
  ES: 21,
  FR: 20,
  IE: 23,
  IT: 22,
  LU: 17,
  NL: 21,
  PT: 23,
};

const EU = new Set([
  "AT",
  "BE",
  "BG",
  "CY",
  "CZ",
  "DE",
  "DK",
  "EE",
  "ES",
  "FI",
  "FR",
  "GR",
  "HR",
  "HU",
  "IE",
  "IT",
  "LT",
  "LU",
  "LV",
  "MT",
  "NL",
  "PL",
  "PT",
  "RO",
  "SE",
  "SI",
  "SK",
]);

/** The countries the checkout page offers (the EU, then a few others). */
export const CHECKOUT_COUNTRIES = [...EU, "CH", "GB", "NO", "US"].sort();

export type TaxBehavior = "inclusive" | "exclusive";
export type TaxabilityReason = "standard_rated" | "reverse_charge" | "not_collecting";

/** An EU VAT number as Stripe's `eu_vat` type accepts it: a member-state prefix (Greece: EL) and 8–12 characters. */
export function euVatCountry(value: string): string | null {
  const v = value.replace(/[\s.-]/g, "").toUpperCase();
  const match = /^([A-Z]{2})([0-9A-Z]{8,12})$/.exec(v);
  if (!match) return null;
  const prefix = match[1] === "EL" ? "GR" : match[1]!;
  return EU.has(prefix) ? prefix : null;
}

export interface TaxInput {
  /** The amount after discounts, in cents; inclusive: tax is inside it, exclusive: added on top. */
  amount: number;
  behavior: TaxBehavior;
  /** The buyer's country (ISO 3166-1 alpha-2). */
  country: string;
  /** The buyer's EU VAT number, if they gave one. */
  vatId?: string | null;
}

export interface TaxResult {
  /** The tax in cents (0 for a reverse charge or an unregistered country). */
  tax: number;
  /** What the buyer pays: `amount` (inclusive) or `amount + tax` (exclusive). */
  total: number;
  /** The amount without tax. */
  net: number;
  percentage: number;
  reason: TaxabilityReason;
}

/** Half-up division of non-negative integers. */
function divRound(numerator: number, denominator: number): number {
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

/**
 * The tax on one amount. A business with a valid-looking EU VAT number in another member state than
 * ORIGIN_COUNTRY is reverse-charged (0, `reverse_charge`); an EU consumer (or a domestic business)
 * pays the rate of their country; elsewhere nothing is collected.
 */
export function computeTax({ amount, behavior, country, vatId }: TaxInput): TaxResult {
  const buyer = country.toUpperCase();
  const vatCountry = vatId ? euVatCountry(vatId) : null;
  if (vatCountry && EU.has(buyer) && buyer !== ORIGIN_COUNTRY)
    return { tax: 0, total: amount, net: amount, percentage: 0, reason: "reverse_charge" };
  const percentage = EU.has(buyer) ? (TEST_TAX_RATES[buyer] ?? 20) : 0;
  if (percentage === 0 || amount <= 0)
    return {
      tax: 0,
      total: amount,
      net: amount,
      percentage,
      reason: percentage === 0 ? "not_collecting" : "standard_rated",
    };
  if (behavior === "inclusive") {
    const tax = divRound(amount * percentage, 100 + percentage);
    return { tax, total: amount, net: amount - tax, percentage, reason: "standard_rated" };
  }
  const tax = divRound(amount * percentage, 100);
  return { tax, total: amount + tax, net: amount, percentage, reason: "standard_rated" };
}

/** A price's tax behavior as the tax engine reads it (`unspecified` counts as exclusive, like Stripe's default setting). */
export function behaviorOf(price: JsonObject): TaxBehavior {
  return price.tax_behavior === "inclusive" ? "inclusive" : "exclusive";
}

/** A TaxRate object as Stripe Tax creates one per jurisdiction and rate (`txr_…`). */
export function taxRateObject(country: string, percentage: number, inclusive: boolean): StripeObject {
  return {
    id: newId("txr"),
    object: "tax_rate",
    active: true,
    country,
    created: nowSeconds(),
    description: `VAT ${country}`,
    display_name: "VAT",
    effective_percentage: percentage,
    flat_amount: null,
    inclusive,
    jurisdiction: country,
    jurisdiction_level: "country",
    livemode: false,
    metadata: {},
    percentage,
    rate_type: "percentage",
    state: null,
    tax_type: "vat",
  };
}

/** A collected billing address (Stripe's Address shape). */
export interface Address extends JsonObject {
  city: string | null;
  country: string;
  line1: string | null;
  line2: string | null;
  postal_code: string | null;
  state: string | null;
}

export function address(input: Partial<Address> & { country: string }): Address {
  return {
    city: input.city || null,
    country: input.country.toUpperCase(),
    line1: input.line1 || null,
    line2: input.line2 || null,
    postal_code: input.postal_code || null,
    state: input.state || null,
  };
}

// A price as the customer reads it: the amount in their locale's money format with its tax label,
// "€9.00 incl. VAT" / "9,00 € TTC" (messages pricing.taxInclusive / pricing.taxExclusive, the amount
// an ICU argument). Client-safe: a translator function and the tax mode are passed in.
import { formatMoney } from "../format";

export type TaxMode = "inclusive" | "exclusive";

/**
 * Whether catalog prices include VAT. Inclusive until the TAX_MODE setting exists (issue 20, tax
 * part): then this reads env().TAX_MODE on the server and pages pass the value to the client.
 */
export function displayTaxMode(): TaxMode {
  return "inclusive";
}

type TaxLabelKey = "taxInclusive" | "taxExclusive";
type PricingTranslator = (key: TaxLabelKey, values: { amount: string }) => string;

/** "9,00 € TTC": integer minor units → the formatted amount inside the tax label of `mode`. */
export function priceWithTax(
  t: PricingTranslator,
  mode: TaxMode,
  minorUnits: number,
  currency: string,
  locale: string,
): string {
  const amount = formatMoney(minorUnits, currency, locale);
  return t(mode === "inclusive" ? "taxInclusive" : "taxExclusive", { amount });
}

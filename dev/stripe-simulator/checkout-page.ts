// The hosted checkout page's billing address, VAT number and promotion code fields, and its totals
// (subtotal, discount, tax, total) — plain form fields, no JavaScript: "Apply" re-prices the page
// for what was entered, the Pay buttons complete the session with it.
import type { CheckoutDetails, CheckoutTaxSettings } from "./checkout-tax";
import type { FormObject } from "./form";
import { address, CHECKOUT_COUNTRIES } from "./tax";

function escapeHtml(value: unknown): string {
  return String(value ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function money(amount: number, currency: string): string {
  const value = (amount / 100).toFixed(2);
  return currency.toLowerCase() === "usd" ? `$${value}` : `${value} ${currency.toUpperCase()}`;
}

const field = (form: FormObject, name: string): string => {
  const value = form[name];
  return typeof value === "string" ? value.trim() : "";
};

/** The buyer's inputs from the page's form (empty fields are absent). */
export function checkoutDetailsOf(form: FormObject): CheckoutDetails {
  const country = field(form, "country").toUpperCase();
  return {
    ...(country
      ? {
          address: address({
            country,
            line1: field(form, "line1"),
            postal_code: field(form, "postal_code"),
            city: field(form, "city"),
          }),
        }
      : {}),
    ...(field(form, "name") ? { name: field(form, "name") } : {}),
    ...(field(form, "tax_id") ? { taxId: field(form, "tax_id") } : {}),
    ...(field(form, "promotion_code") ? { promotionCode: field(form, "promotion_code") } : {}),
    ...(field(form, "card") ? { card: field(form, "card") } : {}),
  };
}

/** Billing address (always: a country at least), VAT number when collected, promotion code when allowed. */
export function checkoutFields(settings: CheckoutTaxSettings | undefined, entered: CheckoutDetails): string {
  const a = entered.address;
  const selected = a?.country ?? "US";
  const options = CHECKOUT_COUNTRIES.map(
    (c) => `<option value="${c}"${c === selected ? " selected" : ""}>${c}</option>`,
  ).join("");
  const text = (name: string, label: string, value: string | null | undefined, extra = "") =>
    `<p><label>${label} <input type="text" name="${name}" value="${escapeHtml(value ?? "")}"${extra}></label></p>`;
  return `<fieldset>
<legend>Billing address</legend>
${text("name", "Full name", entered.name)}
<p><label>Country or region <select name="country">${options}</select></label></p>
${text("line1", "Address", a?.line1)}
${text("postal_code", "Postal code", a?.postal_code)}
${text("city", "City", a?.city)}
${settings?.taxIdCollection ? text("tax_id", "VAT number (optional)", entered.taxId, ' placeholder="DE123456789"') : ""}
</fieldset>
${
  settings?.allowPromotionCodes
    ? `<fieldset><legend>Promotion code</legend>${text("promotion_code", "Promotion code", entered.promotionCode)}
<button type="submit" name="intent" value="apply">Apply</button></fieldset>`
    : `<p><button type="submit" name="intent" value="apply">Update total</button></p>`
}`;
}

/** The order summary's footer rows. */
export function checkoutTotalsRows(
  totals: { subtotal: number; discount: number; tax: number; total: number },
  currency: string,
): string {
  const row = (label: string, amount: number, testId: string) =>
    `<tr><th scope="row" colspan="2">${label}</th><td class="num" data-testid="${testId}">${money(amount, currency)}</td></tr>`;
  return [
    row("Subtotal", totals.subtotal, "checkout-subtotal"),
    totals.discount > 0 ? row("Discount", -totals.discount, "checkout-discount") : "",
    row("Tax", totals.tax, "checkout-tax"),
    row("Total due today", totals.total, "checkout-total"),
  ].join("\n");
}

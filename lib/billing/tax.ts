// Tax is Stripe's (Stripe Tax on every Checkout Session): Tollgate only says whether its catalog
// prices include VAT. TAX_MODE decides the `tax_behavior` of the prices `stripe:sync` writes and the
// label shown next to every price; the ledger and the token amounts never depend on it.
import { taxEnv, type TaxMode } from "../env";

export type { TaxMode };

/** The configured tax mode (TAX_MODE, default inclusive). */
export function taxMode(): TaxMode {
  return taxEnv().TAX_MODE;
}

/**
 * What the pricing and subscription pages say next to a price: VAT included, or added at checkout.
 * The one source of the displayed tax mode: server pages call it and pass the value down as the
 * `tax` prop (components/billing/plan-price.tsx, tax-note.tsx), which render the i18n labels.
 */
export function taxLabel(mode: TaxMode = taxMode()): "inclusive" | "exclusive" {
  return mode;
}

// "incl. VAT" / "+ VAT" next to a price, as TAX_MODE says (lib/billing/tax.ts): EU consumer prices
// are shown with tax included; exclusive prices get the VAT of the buyer's country added at checkout.
export function TaxNote({ mode }: { mode: "inclusive" | "exclusive" }) {
  return (
    <span className="ml-1 text-xs font-normal text-zinc-600" data-testid="tax-note">
      {mode === "inclusive" ? "incl. VAT" : "+ VAT"}
    </span>
  );
}

// "incl. VAT" / "+ VAT" ("TTC" / "HT" in French) next to a price, as TAX_MODE says (lib/billing/tax.ts
// taxLabel, read on the server and passed in): EU consumer prices are shown with tax included;
// exclusive prices get the VAT of the buyer's country added at checkout. The leading space keeps
// the price and its label apart in the text ("€9.00 incl. VAT").
import { useTranslations } from "next-intl";
import type { TaxMode } from "@/lib/billing/tax";

export function TaxNote({ mode }: { mode: TaxMode }) {
  const t = useTranslations("pricing");
  return (
    <>
      {" "}
      <span className="text-xs font-normal text-zinc-600" data-testid="tax-note">
        {mode === "inclusive" ? t("taxInclusive") : t("taxExclusive")}
      </span>
    </>
  );
}

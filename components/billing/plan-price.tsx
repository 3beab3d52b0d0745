// A plan's price at the chosen interval: "€9.00 per month", or "€90.00 per year" with what the year
// saves ("2 months free") and the allowance that still arrives every month. In the user's locale.
import { useLocale, useTranslations } from "next-intl";
import { yearlySaving, yearlySavingMessage } from "@/lib/billing/intervals";
import type { TaxMode } from "@/lib/billing/tax";
import { formatMoney } from "@/lib/format";
import { TaxNote } from "@/components/billing/tax-note";
import { yearlyPriceCents, type BillingInterval, type Plan } from "@/lib/tokens/pricing-config";

export function PlanPrice({
  plan,
  interval,
  currency,
  className = "",
  tax,
}: {
  plan: Plan;
  interval: BillingInterval;
  currency: string;
  className?: string;
  /** VAT included in the price or added at checkout (TAX_MODE, read on the server); no note when absent. */
  tax?: TaxMode;
}) {
  const t = useTranslations("billing.planPrice");
  const locale = useLocale();
  if (interval === "month") {
    return (
      <p className={className}>
        <span data-testid="plan-price">{formatMoney(plan.priceCents, currency, locale)}</span>
        {tax && <TaxNote mode={tax} />}
        <span className="block text-xs font-normal text-zinc-600">{t("perMonth")}</span>
      </p>
    );
  }
  const saving = yearlySavingMessage(yearlySaving(plan));
  return (
    <p className={className}>
      <span data-testid="plan-price">{formatMoney(yearlyPriceCents(plan), currency, locale)}</span>
      {tax && <TaxNote mode={tax} />}
      <span className="block text-xs font-normal text-zinc-600">{t("perYear")}</span>
      {saving && (
        <span
          data-testid="plan-saving"
          className="mt-0.5 inline-block rounded-full bg-emerald-50 px-1.5 text-xs font-medium text-emerald-800 ring-1 ring-emerald-200"
        >
          {saving.key === "monthsFree" ? t("monthsFree", saving.values) : t("savePercent", saving.values)}
        </span>
      )}
    </p>
  );
}

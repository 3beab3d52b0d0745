// A plan's price at the chosen interval: "€9.00 per month", or "€90.00 per year" with what the year
// saves ("2 months free") and the allowance that still arrives every month.
import { yearlySaving, yearlySavingLabel } from "@/lib/billing/intervals";
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
  /** VAT included in the price or added at checkout (TAX_MODE); no note when absent. */
  tax?: "inclusive" | "exclusive";
}) {
  if (interval === "month") {
    return (
      <p className={className}>
        <span data-testid="plan-price">{formatMoney(plan.priceCents, currency)}</span>
        {tax && <TaxNote mode={tax} />}
        <span className="block text-xs font-normal text-zinc-600">per month</span>
      </p>
    );
  }
  const saving = yearlySavingLabel(yearlySaving(plan));
  return (
    <p className={className}>
      <span data-testid="plan-price">{formatMoney(yearlyPriceCents(plan), currency)}</span>
      {tax && <TaxNote mode={tax} />}
      <span className="block text-xs font-normal text-zinc-600">per year, tokens every month</span>
      {saving && (
        <span
          data-testid="plan-saving"
          className="mt-0.5 inline-block rounded-full bg-emerald-50 px-1.5 text-xs font-medium text-emerald-800 ring-1 ring-emerald-200"
        >
          {saving}
        </span>
      )}
    </p>
  );
}

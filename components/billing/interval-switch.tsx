// The Monthly / Yearly switch of the pricing and subscription pages: two links that set
// `?billing=monthly|yearly` (works without JavaScript; the page renders the chosen prices).
import Link from "next/link";
import { useTranslations } from "next-intl";
import type { BillingInterval } from "@/lib/tokens/pricing-config";

const OPTIONS: { interval: BillingInterval; param: "monthly" | "yearly" }[] = [
  { interval: "month", param: "monthly" },
  { interval: "year", param: "yearly" },
];

export function IntervalSwitch({ path, interval }: { path: string; interval: BillingInterval }) {
  const t = useTranslations("billing.interval");
  return (
    <div
      role="group"
      aria-label={t("label")}
      className="inline-flex rounded-md border border-zinc-300 bg-white p-0.5 text-sm"
    >
      {OPTIONS.map((option) => {
        const selected = option.interval === interval;
        return (
          <Link
            key={option.param}
            href={`${path}?billing=${option.param}`}
            scroll={false}
            aria-current={selected ? "true" : undefined}
            data-testid={`billing-${option.param}`}
            className={`rounded px-3 py-1 font-medium ${selected ? "bg-brand-700 text-white" : "text-zinc-700 hover:bg-zinc-100"}`}
          >
            {t(option.param)}
          </Link>
        );
      })}
    </div>
  );
}

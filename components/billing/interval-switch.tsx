// The Monthly / Yearly switch of the pricing and subscription pages: two links that set
// `?billing=monthly|yearly` (works without JavaScript; the page renders the chosen prices).
import Link from "next/link";
import type { BillingInterval } from "@/lib/tokens/pricing-config";

const OPTIONS: { interval: BillingInterval; param: string; label: string }[] = [
  { interval: "month", param: "monthly", label: "Monthly" },
  { interval: "year", param: "yearly", label: "Yearly" },
];

export function IntervalSwitch({ path, interval }: { path: string; interval: BillingInterval }) {
  return (
    <div
      role="group"
      aria-label="Billing interval"
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
            {option.label}
          </Link>
        );
      })}
    </div>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { db } from "@/lib/db/client";
import { formatMoney, formatPricePer1000Tokens, formatTokens } from "@/lib/format";
import { getActivePricing } from "@/lib/tokens/pricing-config";
import { TaxNote } from "@/components/billing/tax-note";
import { taxLabel } from "@/lib/billing/tax";
import { intervalOfParam } from "@/lib/billing/intervals";
import { IntervalSwitch } from "@/components/billing/interval-switch";
import { PlanPrice } from "@/components/billing/plan-price";

export const metadata: Metadata = { title: "Pricing" };
// Prices come from the database (the newest pricing version), so this page renders per request.
export const dynamic = "force-dynamic";

export default async function PricingPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const pricing = await getActivePricing(db());
  const interval = intervalOfParam((await searchParams).billing);
  const money = (cents: number) => formatMoney(cents, pricing.currency);

  return (
    <div className="mx-auto max-w-6xl px-4 py-12 sm:px-6">
      <h1 className="text-3xl font-semibold tracking-tight">Pricing</h1>
      <p className="mt-3 max-w-2xl text-zinc-700">
        1 token = $0.001 of AI provider cost. Every account starts with{" "}
        <strong>{formatTokens(pricing.freeTierMillitokens)} free tokens</strong> each month. A plan&apos;s allowance
        resets every month; pack tokens never expire.
      </p>

      <section aria-labelledby="plans" className="mt-10">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="plans" className="text-xl font-semibold">
            {interval === "year" ? "Yearly plans" : "Monthly plans"}
          </h2>
          <IntervalSwitch path="/pricing" interval={interval} />
        </div>
        <ul className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="plans">
          {pricing.plans.map((plan) => (
            <li
              key={plan.id}
              className="flex flex-col rounded-lg border border-zinc-200 bg-white p-5"
              data-testid={`plan-${plan.id}`}
            >
              <h3 className="font-medium">{plan.name}</h3>
              <PlanPrice
                plan={plan}
                interval={interval}
                currency={pricing.currency}
                tax={taxLabel()}
                className="mt-2 text-2xl font-semibold"
              />
              <p className="mt-1 text-sm text-zinc-700">{plan.tokensPerMonth.toLocaleString("en-US")} tokens / month</p>
              <p className="text-sm text-zinc-600">
                {formatPricePer1000Tokens(plan.priceCents, plan.tokensPerMonth, pricing.currency)} per 1,000 tokens
              </p>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="packs" className="mt-12">
        <h2 id="packs" className="text-xl font-semibold">
          Token packs
        </h2>
        <p className="mt-1 text-sm text-zinc-700">
          One-time purchases; used after your monthly allowance, and they never expire.
        </p>
        <ul className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="packs">
          {pricing.packs.map((pack) => (
            <li
              key={pack.id}
              className="flex flex-col rounded-lg border border-zinc-200 bg-white p-5"
              data-testid={`pack-${pack.id}`}
            >
              <div className="flex items-center justify-between gap-2">
                <h3 className="font-medium">{pack.name}</h3>
                {pack.bonusPercent > 0 && (
                  <span className="rounded-full bg-brand-100 px-2 py-0.5 text-xs font-medium text-brand-900">
                    +{pack.bonusPercent}% bonus
                  </span>
                )}
              </div>
              <p className="mt-2 text-2xl font-semibold">
                {money(pack.priceCents)}
                <TaxNote mode={taxLabel()} />
              </p>
              <p className="mt-1 text-sm text-zinc-700">{pack.tokens.toLocaleString("en-US")} tokens</p>
              <p className="text-sm text-zinc-600">
                {formatPricePer1000Tokens(pack.priceCents, pack.tokens, pricing.currency)} per 1,000 tokens
              </p>
            </li>
          ))}
        </ul>
      </section>

      <p className="mt-12">
        <Link href="/sign-up" className="rounded-md bg-brand-600 px-4 py-2.5 font-medium text-white hover:bg-brand-700">
          Create your free account
        </Link>
      </p>
    </div>
  );
}

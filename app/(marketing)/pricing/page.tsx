import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { db } from "@/lib/db/client";
import { formatCount, formatMoney, formatPricePer1000Tokens, formatTokens, shownTokens } from "@/lib/format";
import { getActivePricing } from "@/lib/tokens/pricing-config";
import { TaxNote } from "@/components/billing/tax-note";
import { taxLabel } from "@/lib/billing/tax";
import { intervalOfParam } from "@/lib/billing/intervals";
import { IntervalSwitch } from "@/components/billing/interval-switch";
import { PlanPrice } from "@/components/billing/plan-price";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("pricing"))("title") };
}
// Prices come from the database (the newest pricing version), so this page renders per request.
export const dynamic = "force-dynamic";

export default async function PricingPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const pricing = await getActivePricing(db());
  const interval = intervalOfParam((await searchParams).billing);
  const t = await getTranslations("pricing");
  const locale = await getLocale();
  const tax = taxLabel();
  const per1000 = (cents: number, tokens: number) =>
    t("per1000", { price: formatPricePer1000Tokens(cents, tokens, pricing.currency, locale), thousand: 1000 });

  return (
    <div className="mx-auto max-w-6xl px-4 py-12 sm:px-6">
      <h1 className="text-3xl font-semibold tracking-tight">{t("title")}</h1>
      <p className="mt-3 max-w-2xl text-zinc-700">
        {t.rich("intro", {
          amount: formatTokens(pricing.freeTierMillitokens, locale),
          count: shownTokens(pricing.freeTierMillitokens),
          strong: (chunks) => <strong>{chunks}</strong>,
        })}
      </p>

      <section aria-labelledby="plans" className="mt-10">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="plans" className="text-xl font-semibold">
            {interval === "year" ? t("plansYearly") : t("plans")}
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
                tax={tax}
                className="mt-2 text-2xl font-semibold"
              />
              <p className="mt-1 text-sm text-zinc-700">
                {t("tokensPerMonth", { amount: formatCount(plan.tokensPerMonth, locale), count: plan.tokensPerMonth })}
              </p>
              <p className="text-sm text-zinc-600">{per1000(plan.priceCents, plan.tokensPerMonth)}</p>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="packs" className="mt-12">
        <h2 id="packs" className="text-xl font-semibold">
          {t("packs")}
        </h2>
        <p className="mt-1 text-sm text-zinc-700">{t("packsIntro")}</p>
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
                    {t("bonus", { percent: pack.bonusPercent })}
                  </span>
                )}
              </div>
              <p className="mt-2 text-2xl font-semibold">
                {formatMoney(pack.priceCents, pricing.currency, locale)}
                <TaxNote mode={tax} />
              </p>
              <p className="mt-1 text-sm text-zinc-700">
                {t("tokens", { amount: formatCount(pack.tokens, locale), count: pack.tokens })}
              </p>
              <p className="text-sm text-zinc-600">{per1000(pack.priceCents, pack.tokens)}</p>
            </li>
          ))}
        </ul>
      </section>

      <p className="mt-12">
        <Link href="/sign-up" className="rounded-md bg-brand-600 px-4 py-2.5 font-medium text-white hover:bg-brand-700">
          {t("cta")}
        </Link>
      </p>
    </div>
  );
}

// The seven plans side by side (tokens, price, price per 1,000 tokens, the current one marked, a
// button to subscribe, upgrade or downgrade) and the four packs with their bonus. Every button posts
// to the page's startCheckout action: a subscriber's plan change goes through Stripe's portal.
import { useLocale, useTranslations } from "next-intl";
import type { PlanOption } from "@/lib/billing/overview";
import type { TaxMode } from "@/lib/billing/tax";
import { formatCount, formatMoney, formatPricePer1000Tokens } from "@/lib/format";
import { IntervalSwitch } from "@/components/billing/interval-switch";
import { PlanPrice } from "@/components/billing/plan-price";
import { TaxNote } from "@/components/billing/tax-note";
import type { BillingInterval, Pack } from "@/lib/tokens/pricing-config";

/** A small label sitting on a card's top border ("Your plan", "+10% bonus"). */
const TAG_CLASS = "absolute -top-2.5 right-2 rounded-full px-2 py-0.5 text-xs leading-4 font-medium whitespace-nowrap";

const buttonClass =
  "w-full rounded-md px-3 py-2 text-sm font-medium disabled:cursor-not-allowed disabled:bg-zinc-200 disabled:text-zinc-700";

export function PlanGrid({
  plans,
  currency,
  configured,
  action,
  tax,
  interval = "month",
  currentInterval = "month",
  path,
}: {
  plans: PlanOption[];
  currency: string;
  configured: boolean;
  action: (formData: FormData) => Promise<void>;
  /** VAT included in the prices or added at checkout (TAX_MODE). */
  tax?: TaxMode;
  /** Which prices the grid shows and buys (the page's Monthly / Yearly switch). */
  interval?: BillingInterval;
  /** The interval the subscriber pays at: their plan at the other interval is a switch, not "current". */
  currentInterval?: BillingInterval;
  path: string;
}) {
  const t = useTranslations("subscription.catalog");
  const locale = useLocale();
  return (
    <section aria-labelledby="plans-heading" className="mt-10">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="plans-heading" className="text-lg font-semibold">
          {interval === "year" ? t("plansYearly") : t("plans")}
        </h2>
        <IntervalSwitch path={path} interval={interval} />
      </div>
      <p className="text-sm text-zinc-600">{t("plansIntro")}</p>
      <ul className="mt-4 grid grid-cols-2 gap-x-2 gap-y-4 sm:grid-cols-3 sm:gap-x-3 lg:grid-cols-4 xl:grid-cols-7 xl:gap-x-2">
        {plans.map(({ plan, relation }) => {
          const current = relation === "current" && interval === currentInterval;
          // Their plan at the other interval: a switch of interval, not "current".
          const button = relation === "current" && !current ? "switch" : relation;
          return (
            <li
              key={plan.id}
              className={`relative flex flex-col rounded-lg border bg-white p-3 pt-4 ${current ? "border-brand-600 ring-2 ring-brand-600" : "border-zinc-200"}`}
              data-testid={`plan-${plan.id}`}
              data-relation={relation}
              aria-current={current ? "true" : undefined}
            >
              <h3 className="font-semibold">{plan.name}</h3>
              {current && <p className={TAG_CLASS + " bg-brand-700 text-white"}>{t("yourPlan")}</p>}
              <PlanPrice
                plan={plan}
                interval={interval}
                currency={currency}
                tax={tax}
                className="mt-1 text-lg leading-tight font-semibold whitespace-nowrap tabular-nums"
              />
              <p className="mt-1 text-sm text-zinc-800 tabular-nums">
                {t("tokens", { amount: formatCount(plan.tokensPerMonth, locale), count: plan.tokensPerMonth })}
              </p>
              <p className="text-xs text-zinc-600 tabular-nums">
                {t("per1000", {
                  price: formatPricePer1000Tokens(plan.priceCents, plan.tokensPerMonth, currency, locale),
                  thousand: 1000,
                })}
              </p>
              <form action={action} className="mt-auto pt-3">
                <input type="hidden" name="kind" value="plan" />
                <input type="hidden" name="id" value={plan.id} />
                <input type="hidden" name="interval" value={interval} />
                <button
                  type="submit"
                  disabled={!configured || current}
                  aria-label={t(`button.${button}.label`, { name: plan.name, interval })}
                  className={`${buttonClass} ${
                    relation === "downgrade"
                      ? "border border-zinc-300 bg-white text-zinc-900 hover:bg-zinc-50"
                      : "bg-brand-700 text-white hover:bg-brand-900"
                  }`}
                >
                  {t(`button.${button}.text`)}
                </button>
              </form>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function PackGrid({
  packs,
  currency,
  configured,
  action,
  tax,
}: {
  packs: Pack[];
  currency: string;
  configured: boolean;
  action: (formData: FormData) => Promise<void>;
  tax?: TaxMode;
}) {
  const t = useTranslations("subscription.catalog");
  const tp = useTranslations("pricing");
  const locale = useLocale();
  return (
    <section aria-labelledby="packs-heading" className="mt-10">
      <h2 id="packs-heading" className="text-lg font-semibold">
        {t("packs")}
      </h2>
      <p className="text-sm text-zinc-600">{t("packsIntro")}</p>
      <p className="text-sm text-zinc-600">{t("packsCardSaved")}</p>
      <ul className="mt-4 grid grid-cols-2 gap-x-2 gap-y-4 sm:gap-x-3 lg:grid-cols-4">
        {packs.map((pack) => (
          <li
            key={pack.id}
            className="relative flex flex-col rounded-lg border border-zinc-200 bg-white p-3 pt-4"
            data-testid={`pack-${pack.id}`}
          >
            <h3 className="font-semibold">{pack.name}</h3>
            {pack.bonusPercent > 0 && (
              <p className={TAG_CLASS + " bg-amber-100 text-amber-900 ring-1 ring-amber-300"}>
                {tp("bonus", { percent: pack.bonusPercent })}
              </p>
            )}
            <p className="mt-1 text-lg font-semibold whitespace-nowrap tabular-nums">
              {formatMoney(pack.priceCents, currency, locale)}
              {tax && <TaxNote mode={tax} />}
            </p>
            <p className="text-sm text-zinc-800 tabular-nums">
              {t("tokens", { amount: formatCount(pack.tokens, locale), count: pack.tokens })}
            </p>
            <p className="text-xs text-zinc-600 tabular-nums">
              {t("per1000", {
                price: formatPricePer1000Tokens(pack.priceCents, pack.tokens, currency, locale),
                thousand: 1000,
              })}
            </p>
            <form action={action} className="mt-auto pt-3">
              <input type="hidden" name="kind" value="pack" />
              <input type="hidden" name="id" value={pack.id} />
              <button
                type="submit"
                disabled={!configured}
                aria-label={t("buyLabel", { name: pack.name })}
                className={`${buttonClass} bg-brand-700 text-white hover:bg-brand-900`}
              >
                {t("buy")}
              </button>
            </form>
          </li>
        ))}
      </ul>
    </section>
  );
}

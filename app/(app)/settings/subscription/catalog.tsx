// The seven plans side by side (tokens, price, price per 1,000 tokens, the current one marked, a
// button to subscribe, upgrade or downgrade) and the four packs with their bonus. Every button posts
// to the page's startCheckout action: a subscriber's plan change goes through Stripe's portal.
import { useLocale, useTranslations } from "next-intl";
import type { PlanOption } from "@/lib/billing/overview";
import { formatCount, formatPricePer1000Tokens } from "@/lib/format";
import { displayTaxMode, priceWithTax } from "@/lib/i18n/price";
import type { Pack } from "@/lib/tokens/pricing-config";

/** A small label sitting on a card's top border ("Your plan", "+10% bonus"). */
const TAG_CLASS = "absolute -top-2.5 right-2 rounded-full px-2 py-0.5 text-xs leading-4 font-medium whitespace-nowrap";

const buttonClass =
  "w-full rounded-md px-3 py-2 text-sm font-medium disabled:cursor-not-allowed disabled:bg-zinc-200 disabled:text-zinc-700";

export function PlanGrid({
  plans,
  currency,
  configured,
  action,
}: {
  plans: PlanOption[];
  currency: string;
  configured: boolean;
  action: (formData: FormData) => Promise<void>;
}) {
  const t = useTranslations("subscription.catalog");
  const tp = useTranslations("pricing");
  const locale = useLocale();
  return (
    <section aria-labelledby="plans-heading" className="mt-10">
      <h2 id="plans-heading" className="text-lg font-semibold">
        {t("plans")}
      </h2>
      <p className="text-sm text-zinc-600">{t("plansIntro")}</p>
      <ul className="mt-4 grid grid-cols-2 gap-x-2 gap-y-4 sm:grid-cols-3 sm:gap-x-3 lg:grid-cols-4 xl:grid-cols-7 xl:gap-x-2">
        {plans.map(({ plan, relation }) => {
          const current = relation === "current";
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
              <p className="mt-1 text-lg leading-tight font-semibold whitespace-nowrap tabular-nums">
                {priceWithTax(tp, displayTaxMode(), plan.priceCents, currency, locale)}
              </p>
              <p className="text-xs text-zinc-600">{t("perMonth")}</p>
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
                <button
                  type="submit"
                  disabled={!configured || current}
                  aria-label={t(`button.${relation}.label`, { name: plan.name })}
                  className={`${buttonClass} ${
                    relation === "downgrade"
                      ? "border border-zinc-300 bg-white text-zinc-900 hover:bg-zinc-50"
                      : "bg-brand-700 text-white hover:bg-brand-900"
                  }`}
                >
                  {t(`button.${relation}.text`)}
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
}: {
  packs: Pack[];
  currency: string;
  configured: boolean;
  action: (formData: FormData) => Promise<void>;
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
              {priceWithTax(tp, displayTaxMode(), pack.priceCents, currency, locale)}
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

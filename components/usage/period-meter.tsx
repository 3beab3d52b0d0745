// This period's use against the allowance: a meter with the figures in words, and when the balance
// runs out at the current rate.
import Link from "next/link";
import { useLocale, useTimeZone, useTranslations } from "next-intl";
import { formatDate, formatDateWithRelative, formatPercent, formatTokensDetailed, shownTokens } from "@/lib/format";
import { DEFAULT_TIME_ZONE } from "@/lib/i18n/config";
import { DAY_MS, type Forecast, type PeriodUsage } from "@/lib/tokens/usage";

function useFormats() {
  const locale = useLocale();
  const timeZone = useTimeZone() ?? DEFAULT_TIME_ZONE;
  return { locale, timeZone, tokens: (mt: bigint) => formatTokensDetailed(mt, locale) };
}

export function PeriodMeter({ period, now }: { period: PeriodUsage; now: Date }) {
  const t = useTranslations("usage.period");
  const { locale, timeZone, tokens } = useFormats();
  const { used, allowance } = period;
  const over = used > allowance;
  // Width in whole per-mille, exact in integers; full when over the allowance.
  const permille = allowance > 0n ? Number(over ? 1000n : (used * 1000n) / allowance) : used > 0n ? 1000 : 0;
  // One decimal at every size (as on the subscription page): a small charge visibly moves a large figure.
  const figures = { used: tokens(used), allowance: tokens(allowance), count: shownTokens(allowance) };
  const percent = allowance > 0n ? formatPercent(used, allowance, locale) : null;
  return (
    <section aria-labelledby="period-heading" className="rounded-lg border border-zinc-200 bg-white p-4 sm:p-5">
      <h2 id="period-heading" className="text-lg font-semibold">
        {t("heading")}
      </h2>
      <p className="mt-1 text-sm text-zinc-600">
        {t("range", {
          start: formatDate(period.periodStart, locale, timeZone),
          end: formatDate(period.periodEnd, locale, timeZone),
          plan: period.planName ?? "",
          free: period.planName ? "false" : "true",
        })}
      </p>
      <div
        role="meter"
        aria-label={t("meterLabel")}
        aria-valuemin={0}
        aria-valuemax={1000}
        aria-valuenow={permille}
        aria-valuetext={percent ? t("usedTextPercent", { ...figures, percent }) : t("usedText", figures)}
        className="mt-4 h-3 w-full overflow-hidden rounded-full bg-zinc-200"
      >
        <div
          className={`h-full rounded-full ${over ? "bg-amber-600" : "bg-brand-600"}`}
          style={{ width: `${permille / 10}%` }}
        />
      </div>
      <p className="mt-2 flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 text-sm">
        <span>
          {t.rich("usedOf", {
            ...figures,
            usedNum: (chunks) => (
              <span
                className="text-base font-semibold tabular-nums"
                data-testid="period-used"
                data-millitokens={used.toString()}
              >
                {chunks}
              </span>
            ),
            total: (chunks) => (
              <span className="tabular-nums" data-testid="period-allowance">
                {chunks}
              </span>
            ),
          })}
          {percent && <span className="text-zinc-600"> ({percent})</span>}
        </span>
        <span className="text-zinc-600">
          {t.rich("availableNow", {
            amount: tokens(period.available),
            count: shownTokens(period.available),
            num: (chunks) => <span className="font-medium text-zinc-900 tabular-nums">{chunks}</span>,
          })}
        </span>
      </p>
      {over && (
        <p className="mt-1 text-sm text-zinc-700">
          {t("beyond", { amount: tokens(used - allowance), count: shownTokens(used - allowance) })}
        </p>
      )}
      <p className="mt-4 border-t border-zinc-100 pt-3 text-sm" data-testid="forecast" data-kind={period.forecast.kind}>
        <ForecastText forecast={period.forecast} period={period} now={now} />
      </p>
    </section>
  );
}

/** Which words say the window the rate was measured over (messages usage.forecast.window.*). */
function windowOf(forecast: Extract<Forecast, { window: unknown }>, period: PeriodUsage) {
  const days = Math.round(Number(forecast.window.ms) / DAY_MS);
  const sincePeriod = forecast.window.start.getTime() === period.periodStart.getTime();
  if (days <= 1) return { key: sincePeriod ? "sincePeriod" : "lastDay", days } as const;
  return { key: sincePeriod ? "periodDays" : "lastDays", days } as const;
}

function ForecastText({ forecast, period, now }: { forecast: Forecast; period: PeriodUsage; now: Date }) {
  const t = useTranslations("usage.forecast");
  const { locale, timeZone, tokens } = useFormats();
  const strong = (chunks: React.ReactNode) => <strong className="font-semibold">{chunks}</strong>;
  switch (forecast.kind) {
    case "empty":
      return t.rich("empty", {
        link: (chunks) => (
          <Link href="/settings/subscription" className="font-medium text-brand-700 underline-offset-2 hover:underline">
            {chunks}
          </Link>
        ),
      });
    case "no-usage":
      return t("noUsage", {
        window: forecast.window.start.getTime() === period.periodStart.getTime() ? "period" : "week",
      });
    case "outlasts-period":
    case "runs-out": {
      const w = windowOf(forecast, period);
      const rate = {
        amount: tokens(forecast.dailyAverage),
        count: shownTokens(forecast.dailyAverage),
        window: t(`window.${w.key}`, { days: w.days }),
      };
      return forecast.kind === "outlasts-period"
        ? t.rich("outlasts", {
            ...rate,
            strong,
            renews: formatDateWithRelative(forecast.periodEnd, now, locale, timeZone),
          })
        : t.rich("runsOut", {
            ...rate,
            strong,
            until: formatDateWithRelative(forecast.at, now, locale, timeZone),
            renews: formatDate(period.periodEnd, locale, timeZone),
          });
    }
  }
}

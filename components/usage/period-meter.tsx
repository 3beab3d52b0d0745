// This period's use against the allowance: a meter with the figures in words, and when the balance
// runs out at the current rate.
import Link from "next/link";
import {
  formatDate,
  formatDateWithRelative,
  formatPercent,
  formatTokensDetailed,
  formatTokensWithUnit,
} from "@/lib/format";
import { DAY_MS, type Forecast, type PeriodUsage } from "@/lib/tokens/usage";

export function PeriodMeter({ period, now }: { period: PeriodUsage; now: Date }) {
  const { used, allowance } = period;
  const over = used > allowance;
  // Width in whole per-mille, exact in integers; full when over the allowance.
  const permille = allowance > 0n ? Number(over ? 1000n : (used * 1000n) / allowance) : used > 0n ? 1000 : 0;
  // One decimal at every size (as on the subscription page): a small charge visibly moves a large figure.
  const usedText = `${formatTokensDetailed(used)} of ${formatTokensWithUnit(allowance)} used`;
  return (
    <section aria-labelledby="period-heading" className="rounded-lg border border-zinc-200 bg-white p-4 sm:p-5">
      <h2 id="period-heading" className="text-lg font-semibold">
        This period
      </h2>
      <p className="mt-1 text-sm text-zinc-600">
        {formatDate(period.periodStart)} – {formatDate(period.periodEnd)} ·{" "}
        {period.planName ? `${period.planName} plan` : "Free tier"} allowance
      </p>
      <div
        role="meter"
        aria-label="Tokens used this period"
        aria-valuemin={0}
        aria-valuemax={1000}
        aria-valuenow={permille}
        aria-valuetext={`${usedText}${allowance > 0n ? ` (${formatPercent(used, allowance)})` : ""}`}
        className="mt-4 h-3 w-full overflow-hidden rounded-full bg-zinc-200"
      >
        <div
          className={`h-full rounded-full ${over ? "bg-amber-600" : "bg-brand-600"}`}
          style={{ width: `${permille / 10}%` }}
        />
      </div>
      <p className="mt-2 flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 text-sm">
        <span>
          <span
            className="text-base font-semibold tabular-nums"
            data-testid="period-used"
            data-millitokens={used.toString()}
          >
            {formatTokensDetailed(used)}
          </span>{" "}
          of{" "}
          <span className="tabular-nums" data-testid="period-allowance">
            {formatTokensWithUnit(allowance)}
          </span>{" "}
          used
          {allowance > 0n && <span className="text-zinc-600"> ({formatPercent(used, allowance)})</span>}
        </span>
        <span className="text-zinc-600">
          Available now:{" "}
          <span className="font-medium text-zinc-900 tabular-nums">
            {formatTokensDetailed(period.available)} tokens
          </span>
        </span>
      </p>
      {over && (
        <p className="mt-1 text-sm text-zinc-700">
          {formatTokensWithUnit(used - allowance)} beyond the allowance came from purchased tokens.
        </p>
      )}
      <p className="mt-4 border-t border-zinc-100 pt-3 text-sm" data-testid="forecast" data-kind={period.forecast.kind}>
        <ForecastText forecast={period.forecast} period={period} now={now} />
      </p>
    </section>
  );
}

function windowWords(forecast: Extract<Forecast, { window: unknown }>, period: PeriodUsage): string {
  const days = Math.round(Number(forecast.window.ms) / DAY_MS);
  const sincePeriod = forecast.window.start.getTime() === period.periodStart.getTime();
  if (days <= 1) return sincePeriod ? "since the period began" : "over the last day";
  return sincePeriod ? `over the ${days} days of this period` : `over the last ${days} days`;
}

function ForecastText({ forecast, period, now }: { forecast: Forecast; period: PeriodUsage; now: Date }) {
  switch (forecast.kind) {
    case "empty":
      return (
        <>
          You have no tokens left.{" "}
          <Link href="/settings/subscription" className="font-medium text-brand-700 underline-offset-2 hover:underline">
            Get more tokens
          </Link>
          .
        </>
      );
    case "no-usage":
      return (
        <>
          No usage yet{" "}
          {forecast.window.start.getTime() === period.periodStart.getTime() ? "this period" : "in the last 7 days"}, so
          there is no rate to project.
        </>
      );
    case "outlasts-period":
      return (
        <>
          At this rate (about {formatTokensWithUnit(forecast.dailyAverage)} a day {windowWords(forecast, period)}), your
          tokens last <strong className="font-semibold">more than the period</strong>: it renews{" "}
          {formatDateWithRelative(forecast.periodEnd, now)}.
        </>
      );
    case "runs-out":
      return (
        <>
          At this rate (about {formatTokensWithUnit(forecast.dailyAverage)} a day {windowWords(forecast, period)}), your
          tokens last until <strong className="font-semibold">{formatDateWithRelative(forecast.at, now)}</strong>,
          before the period renews on {formatDate(period.periodEnd)}.
        </>
      );
  }
}

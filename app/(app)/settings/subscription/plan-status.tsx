// The plan and its state: active (renews on …), awaiting payment (the period's invoice is not paid
// yet), cancelling at period end (ends on …), past due
// (with the way to fix the payment method: the billing portal), or the free tier.
import { useLocale, useTimeZone, useTranslations } from "next-intl";
import { formatCount, formatDate } from "@/lib/format";
import { DEFAULT_TIME_ZONE } from "@/lib/i18n/config";
import type { SubscriptionState } from "@/lib/billing/overview";
import { yearlyPriceCents, type BillingInterval, type Plan } from "@/lib/tokens/pricing-config";

const ENDED = ["canceled", "incomplete", "incomplete_expired", "unpaid", "paused"] as const;
type Ended = (typeof ENDED)[number];

type T = ReturnType<typeof useTranslations<"subscription.plan">>;

function label(state: SubscriptionState, t: T): string {
  switch (state.kind) {
    case "free":
      return t("status.free");
    case "active":
      return state.trial ? t("status.trial") : t("status.active");
    case "awaiting_payment":
      return t("status.awaiting_payment");
    case "cancelling":
      return t("status.cancelling");
    case "past_due":
      return t("status.past_due");
    case "ended": {
      const ended = ENDED.find((s): s is Ended => s === state.status);
      return ended ? t(`ended.${ended}`) : state.status;
    }
  }
}

export function PlanStatus({
  plan,
  scheduled,
  state,
  money,
  portal,
  interval = "month",
}: {
  plan: Plan | null;
  /** A downgrade waiting for the renewal. */
  scheduled: { plan: Plan; at: Date } | null;
  state: SubscriptionState;
  money: (cents: number) => string;
  /** The portal's server action, when the user has a Stripe customer and billing is configured. */
  portal: (() => Promise<void>) | null;
  /** How the plan is billed; a yearly plan's allowance still arrives every month. */
  interval?: BillingInterval;
}) {
  const t = useTranslations("subscription.plan");
  const locale = useLocale();
  const timeZone = useTimeZone() ?? DEFAULT_TIME_ZONE;
  const date = (d: Date) => formatDate(d, locale, timeZone);
  const time = (d: Date) =>
    function Time(chunks: React.ReactNode) {
      return <time dateTime={d.toISOString()}>{chunks}</time>;
    };
  return (
    <section aria-labelledby="plan-heading" className="rounded-lg border border-zinc-200 bg-white p-4 sm:p-5">
      <h2 id="plan-heading" className="text-sm font-medium text-zinc-600">
        {t("heading")}
      </h2>
      <p className="mt-1 text-2xl font-semibold" data-testid="current-plan">
        {plan ? plan.name : t("status.free")}
      </p>
      {plan && (
        <p className="text-sm text-zinc-700">
          {interval === "year" ? (
            <span data-testid="plan-interval">
              {t("summaryYearly", {
                price: money(yearlyPriceCents(plan)),
                amount: formatCount(plan.tokensPerMonth, locale),
                count: plan.tokensPerMonth,
              })}
            </span>
          ) : (
            t("summary", {
              price: money(plan.priceCents),
              amount: formatCount(plan.tokensPerMonth, locale),
              count: plan.tokensPerMonth,
            })
          )}
        </p>
      )}
      <p className="mt-2 text-sm font-medium">
        <span className="sr-only">{t("statusLabel")} </span>
        <span
          className={
            state.kind === "past_due"
              ? "text-red-700"
              : state.kind === "cancelling" || state.kind === "awaiting_payment"
                ? "text-amber-800"
                : "text-zinc-800"
          }
          data-testid="subscription-status"
        >
          {label(state, t)}
        </span>
      </p>
      {state.kind === "active" && state.renewsAt && (
        <p className="text-sm text-zinc-600" data-testid="subscription-renews">
          {t.rich("renews", { date: date(state.renewsAt), time: time(state.renewsAt) })}
        </p>
      )}
      {state.kind === "awaiting_payment" && (
        <p className="text-sm text-amber-800" data-testid="subscription-awaiting-payment">
          {t("awaiting")}
        </p>
      )}
      {scheduled && state.kind !== "cancelling" && (
        <p className="text-sm text-zinc-700" data-testid="subscription-scheduled">
          {t.rich("scheduled", {
            name: scheduled.plan.name,
            amount: formatCount(scheduled.plan.tokensPerMonth, locale),
            count: scheduled.plan.tokensPerMonth,
            date: date(scheduled.at),
            time: time(scheduled.at),
          })}
        </p>
      )}
      {state.kind === "cancelling" && (
        <p className="text-sm text-amber-800" data-testid="subscription-ends">
          {t.rich("cancels", { date: date(state.endsAt), time: time(state.endsAt) })}
        </p>
      )}
      {state.kind === "past_due" && (
        <div
          role="alert"
          className="mt-2 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900"
          data-testid="past-due"
        >
          <p>{t("pastDue")}</p>
          {portal && (
            <form action={portal} className="mt-2">
              <button
                type="submit"
                className="font-medium text-red-900 underline underline-offset-2 hover:text-red-950"
              >
                {t("updatePayment")}
              </button>
            </form>
          )}
        </div>
      )}
      {portal && (
        <form action={portal} className="mt-4">
          <button
            type="submit"
            className="rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm font-medium text-zinc-900 hover:bg-zinc-50"
          >
            {t("manage")}
          </button>
        </form>
      )}
    </section>
  );
}

// The balance on the subscription page: what is available with its status (in words and colour),
// split into the allowance (and when it resets), purchased tokens, and tokens held by calls in flight.
import { useLocale, useTimeZone, useTranslations } from "next-intl";
import { formatDate, formatRelativeDay, formatTokensDetailed } from "@/lib/format";
import type { Balance } from "@/lib/tokens/ledger";
import { balanceStatusHint, LOW_RATIO_PERCENT, type BalanceStatus } from "@/lib/tokens/status";

const TONE: Record<BalanceStatus, { box: string; badge: string; dot: string }> = {
  healthy: {
    box: "border-emerald-200",
    badge: "bg-emerald-50 text-emerald-800 ring-emerald-200",
    dot: "bg-emerald-500",
  },
  low: { box: "border-amber-300", badge: "bg-amber-50 text-amber-900 ring-amber-300", dot: "bg-amber-500" },
  empty: { box: "border-red-300", badge: "bg-red-50 text-red-800 ring-red-300", dot: "bg-red-600" },
};

export function BalancePanel({
  balance,
  status,
  periodAllowance,
  now,
}: {
  balance: Balance | null;
  status: BalanceStatus;
  periodAllowance: bigint;
  now: Date;
}) {
  const tone = TONE[status];
  const t = useTranslations("subscription.balance");
  const tb = useTranslations("balance");
  const locale = useLocale();
  const timeZone = useTimeZone() ?? "UTC";
  const tokens = (mt: bigint) => formatTokensDetailed(mt, locale);
  return (
    <section
      aria-labelledby="balance-heading"
      className={`rounded-lg border-2 bg-white p-4 sm:p-5 ${tone.box}`}
      data-testid="balance-panel"
      data-status={status}
    >
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h2 id="balance-heading" className="text-sm font-medium text-zinc-600">
            {t("available")}
          </h2>
          <p className="mt-1 text-3xl font-semibold tabular-nums" data-testid="subscription-available">
            {tokens(balance?.available ?? 0n)}
          </p>
        </div>
        <p
          className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-1 text-sm font-medium ring-1 ${tone.badge}`}
          data-testid="balance-status-label"
        >
          <span aria-hidden className={`size-2 rounded-full ${tone.dot}`} />
          {tb(`status.${status}`)}
        </p>
      </div>
      <p className="mt-1 text-sm text-zinc-600">
        {tb(`hint.${balanceStatusHint(status, periodAllowance)}`, { percent: Number(LOW_RATIO_PERCENT) })}
      </p>

      <dl className="mt-4 grid gap-3 border-t border-zinc-100 pt-4 sm:grid-cols-3">
        <div>
          <dt className="text-sm text-zinc-600">{t("allowanceLeft")}</dt>
          <dd className="mt-0.5">
            <span className="text-xl font-semibold tabular-nums" data-testid="balance-allowance">
              {tokens(balance?.allowance ?? 0n)}
            </span>{" "}
            <span className="text-sm text-zinc-600">{t("of", { total: tokens(periodAllowance) })}</span>
            {balance && (
              <span className="block text-xs text-zinc-600" data-testid="allowance-reset">
                {t.rich("resets", {
                  date: formatDate(balance.nextResetAt, locale, timeZone),
                  relative: formatRelativeDay(balance.nextResetAt, now, locale, timeZone),
                  time: (chunks) => <time dateTime={balance.nextResetAt.toISOString()}>{chunks}</time>,
                })}
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt className="text-sm text-zinc-600">{t("purchased")}</dt>
          <dd className="mt-0.5">
            <span className="text-xl font-semibold tabular-nums" data-testid="balance-purchased">
              {tokens(balance?.purchased ?? 0n)}
            </span>
            <span className="block text-xs text-zinc-600">{t("purchasedHint")}</span>
          </dd>
        </div>
        <div>
          <dt className="text-sm text-zinc-600">{t("held")}</dt>
          <dd className="mt-0.5">
            <span className="text-xl font-semibold tabular-nums" data-testid="balance-held">
              {tokens(balance?.reserved ?? 0n)}
            </span>
            <span className="block text-xs text-zinc-600">{t("heldHint")}</span>
          </dd>
        </div>
      </dl>
    </section>
  );
}

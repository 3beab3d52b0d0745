// The dashboard's greeting and the three balance figures (kept live by the shared balance stream),
// in the user's language; the allowance's reset date in the user's time zone.
import Link from "next/link";
import { useLocale, useTimeZone, useTranslations } from "next-intl";
import { LiveTokenAmount } from "@/components/live-token-amount";
import { formatDate } from "@/lib/format";
import { DEFAULT_TIME_ZONE } from "@/lib/i18n/config";
import type { Balance } from "@/lib/tokens/ledger";

const card = "rounded-lg border border-zinc-200 bg-white p-4";
const figure = "mt-1 text-2xl font-semibold tabular-nums";

export function DashboardSummary({
  name,
  balance,
}: {
  name: string | null;
  balance: Pick<Balance, "available" | "allowance" | "purchased" | "nextResetAt"> | null;
}) {
  const t = useTranslations("dashboard");
  const locale = useLocale();
  const timeZone = useTimeZone() ?? DEFAULT_TIME_ZONE;
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">{name ? t("welcomeName", { name }) : t("welcome")}</h1>
      {balance && (
        <dl className="mt-6 grid gap-4 sm:grid-cols-3">
          <div className={card}>
            <dt className="text-sm text-zinc-600">{t("available")}</dt>
            <dd className={figure}>
              <LiveTokenAmount bucket="available" initial={balance.available.toString()} />
            </dd>
          </div>
          <div className={card}>
            <dt className="text-sm text-zinc-600">{t("allowanceLeft")}</dt>
            <dd className={figure}>
              <LiveTokenAmount bucket="allowance" initial={balance.allowance.toString()} />
            </dd>
            <dd className="text-xs text-zinc-600">
              {t("resets", { date: formatDate(balance.nextResetAt, locale, timeZone) })}
            </dd>
          </div>
          <div className={card}>
            <dt className="text-sm text-zinc-600">{t("purchased")}</dt>
            <dd className={figure}>
              <LiveTokenAmount bucket="purchased" initial={balance.purchased.toString()} />
            </dd>
          </div>
        </dl>
      )}
      <p className="mt-8 text-zinc-700">
        {t.rich("more", {
          link: (chunks) => (
            <Link href="/pricing" className="font-medium text-brand-700 hover:underline">
              {chunks}
            </Link>
          ),
        })}
      </p>
    </>
  );
}

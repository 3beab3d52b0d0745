// The dashboard's greeting and the three balance figures (kept live by the shared balance stream),
// in the user's language; the allowance's reset date in the user's time zone.
import Link from "next/link";
import type { ReactNode } from "react";
import { useLocale, useTimeZone, useTranslations } from "next-intl";
import { LiveTokenAmount } from "@/components/live-token-amount";
import { formatDate } from "@/lib/format";
import { DEFAULT_TIME_ZONE } from "@/lib/i18n/config";
import type { Balance } from "@/lib/tokens/ledger";

/** One balance bucket: its name, its live figure and an optional note under it. */
function Figure({
  label,
  bucket,
  initial,
  children,
}: {
  label: string;
  bucket: "available" | "allowance" | "purchased";
  initial: bigint;
  children?: ReactNode;
}) {
  return (
    <div className="rounded-lg border border-zinc-200 bg-white p-4">
      <dt className="text-sm text-zinc-600">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums">
        <LiveTokenAmount bucket={bucket} initial={initial.toString()} />
      </dd>
      {children && <dd className="text-xs text-zinc-600">{children}</dd>}
    </div>
  );
}

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
          <Figure label={t("available")} bucket="available" initial={balance.available} />
          <Figure label={t("allowanceLeft")} bucket="allowance" initial={balance.allowance}>
            {t("resets", { date: formatDate(balance.nextResetAt, locale, timeZone) })}
          </Figure>
          <Figure label={t("purchased")} bucket="purchased" initial={balance.purchased} />
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

"use client";
// The low-balance banner of the signed-in pages: shown while the live balance is empty or below
// LOW_BALANCE_PERCENT of the period's allowance (lib/tokens/low-balance.ts), with a link to get more.
import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import { formatTokens, shownTokens } from "@/lib/format";
import { lowBalance } from "@/lib/tokens/low-balance";
import { useLiveBalance } from "./live-balance";

export function LowBalanceBanner({ percent }: { percent: number }) {
  const { balance } = useLiveBalance();
  const t = useTranslations("lowBalance");
  const locale = useLocale();
  const level = balance ? lowBalance(BigInt(balance.available), BigInt(balance.periodAllowance), percent) : null;
  if (!balance || !level) return null;
  return (
    <div
      role="status"
      data-testid="low-balance-banner"
      data-level={level}
      className={`flex flex-wrap items-center justify-between gap-x-4 gap-y-1 border-b px-4 py-2 text-sm sm:px-8 ${
        level === "empty" ? "border-red-200 bg-red-50 text-red-900" : "border-amber-200 bg-amber-50 text-amber-950"
      }`}
    >
      <p>
        {level === "empty"
          ? t.rich("empty", { strong })
          : t.rich("low", {
              strong,
              num: (chunks) => <span className="tabular-nums">{chunks}</span>,
              amount: formatTokens(balance.available, locale),
              count: shownTokens(balance.available),
              percent,
              free: balance.planName ? "false" : "true",
            })}
      </p>
      <Link href="/settings/subscription" className="font-medium whitespace-nowrap underline underline-offset-2">
        {t("getMore")}
      </Link>
    </div>
  );
}

function strong(chunks: React.ReactNode) {
  return <strong className="font-semibold">{chunks}</strong>;
}

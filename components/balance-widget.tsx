"use client";
// The sidebar's token balance, live (components/live-balance.tsx), linking to the subscription page.
// Nothing in it changes size when the balance changes: tabular figures in a box of fixed height, the
// status label in a slot wide enough for the longest label, no spinner.
import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import { formatTokens } from "@/lib/format";
import { balanceStatusHint, LOW_RATIO_PERCENT, type BalanceStatus } from "@/lib/tokens/status";
import { useLiveBalance } from "./live-balance";

// Colour is never alone: the label (shared with the subscription page) says the same in words.
const STATUS_COLOUR: Record<BalanceStatus, { dot: string; text: string }> = {
  healthy: { dot: "bg-emerald-500", text: "text-emerald-800" },
  low: { dot: "bg-amber-500", text: "text-amber-800" },
  empty: { dot: "bg-red-600", text: "text-red-700" },
};

export function BalanceWidget() {
  const { balance, mode } = useLiveBalance();
  const t = useTranslations("balance");
  const locale = useLocale();
  if (!balance) {
    return <p className="rounded-md border border-zinc-200 p-3 text-sm text-zinc-600">{t("noAccount")}</p>;
  }
  const status = { ...STATUS_COLOUR[balance.status], label: t(`status.${balance.status}`) };
  const amount = formatTokens(balance.available, locale);
  return (
    <Link
      href="/settings/subscription"
      data-testid="balance-widget"
      data-status={balance.status}
      data-connection={mode}
      title={t(`hint.${balanceStatusHint(balance.status, BigInt(balance.periodAllowance))}`, {
        percent: Number(LOW_RATIO_PERCENT),
      })}
      aria-label={t("ariaLabel", { amount, status: status.label.toLowerCase() })}
      className="block h-[5.5rem] rounded-lg border border-zinc-200 bg-white p-3 hover:border-zinc-300 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900"
    >
      <span className="flex items-center justify-between text-xs text-zinc-600">
        <span>{t("tokens")}</span>
        <span
          className={`inline-flex min-w-[6.5rem] items-center justify-end gap-1.5 font-medium ${status.text}`}
          data-testid="balance-status"
        >
          <span aria-hidden className={`size-2 shrink-0 rounded-full ${status.dot}`} />
          {status.label}
        </span>
      </span>
      <span
        className="mt-1 block truncate text-2xl leading-8 font-semibold tabular-nums"
        data-testid="balance-available"
        data-millitokens={balance.available}
      >
        {amount}
      </span>
      <span className="block truncate text-xs leading-4 text-zinc-600">
        {balance.planName ? t("planName", { plan: balance.planName }) : t("freeTier")}
        {Number(balance.reserved) > 0 && (
          <span data-testid="balance-reserved"> · {t("held", { amount: formatTokens(balance.reserved, locale) })}</span>
        )}
      </span>
    </Link>
  );
}

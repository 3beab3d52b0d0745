// The sidebar's token balance, read from the database on every render of the shell. Fixed-size
// figures (tabular numbers) keep the layout from shifting when the balance changes.
import Link from "next/link";
import { formatTokens } from "@/lib/format";
import type { AccountSummary } from "@/lib/tokens/account-summary";
import type { BalanceStatus } from "@/lib/tokens/status";

const STATUS: Record<BalanceStatus, { label: string; dot: string }> = {
  healthy: { label: "Healthy", dot: "bg-emerald-500" },
  low: { label: "Running low", dot: "bg-amber-500" },
  empty: { label: "Empty", dot: "bg-red-600" },
};

export function BalanceWidget({ summary }: { summary: AccountSummary | null }) {
  if (!summary) {
    return <p className="rounded-md border border-zinc-200 p-3 text-sm text-zinc-600">No token account.</p>;
  }
  const status = STATUS[summary.status];
  return (
    <Link
      href="/settings/subscription"
      data-testid="balance-widget"
      data-status={summary.status}
      className="block rounded-lg border border-zinc-200 bg-white p-3 hover:border-zinc-300"
    >
      <span className="flex items-center justify-between text-xs text-zinc-600">
        <span>Tokens</span>
        <span className="flex items-center gap-1.5">
          <span aria-hidden className={`size-2 rounded-full ${status.dot}`} />
          {status.label}
        </span>
      </span>
      <span className="mt-1 block text-2xl font-semibold tabular-nums" data-testid="balance-available" data-millitokens={String(summary.balance.available)}>
        {formatTokens(summary.balance.available)}
      </span>
      <span className="block text-xs text-zinc-600">{summary.planName ? `${summary.planName} plan` : "Free tier"}</span>
    </Link>
  );
}

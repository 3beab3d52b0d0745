// The balance on the subscription page: what is available with its status (in words and colour),
// split into the allowance (and when it resets), purchased tokens, and tokens held by calls in flight.
import { formatDate, formatRelativeDay, formatTokensDetailed } from "@/lib/format";
import type { Balance } from "@/lib/tokens/ledger";
import { BALANCE_STATUS_LABEL, balanceStatusHint, type BalanceStatus } from "@/lib/tokens/status";

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
            Available tokens
          </h2>
          <p className="mt-1 text-3xl font-semibold tabular-nums" data-testid="subscription-available">
            {formatTokensDetailed(balance?.available ?? 0n)}
          </p>
        </div>
        <p
          className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-1 text-sm font-medium ring-1 ${tone.badge}`}
          data-testid="balance-status-label"
        >
          <span aria-hidden className={`size-2 rounded-full ${tone.dot}`} />
          {BALANCE_STATUS_LABEL[status]}
        </p>
      </div>
      <p className="mt-1 text-sm text-zinc-600">{balanceStatusHint(status, periodAllowance)}</p>

      <dl className="mt-4 grid gap-3 border-t border-zinc-100 pt-4 sm:grid-cols-3">
        <div>
          <dt className="text-sm text-zinc-600">Monthly allowance left</dt>
          <dd className="mt-0.5">
            <span className="text-xl font-semibold tabular-nums" data-testid="balance-allowance">
              {formatTokensDetailed(balance?.allowance ?? 0n)}
            </span>{" "}
            <span className="text-sm text-zinc-600">of {formatTokensDetailed(periodAllowance)}</span>
            {balance && (
              <span className="block text-xs text-zinc-600" data-testid="allowance-reset">
                Resets <time dateTime={balance.nextResetAt.toISOString()}>{formatDate(balance.nextResetAt)}</time> (
                {formatRelativeDay(balance.nextResetAt, now)})
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt className="text-sm text-zinc-600">Purchased</dt>
          <dd className="mt-0.5">
            <span className="text-xl font-semibold tabular-nums" data-testid="balance-purchased">
              {formatTokensDetailed(balance?.purchased ?? 0n)}
            </span>
            <span className="block text-xs text-zinc-600">Never expire; used after the allowance</span>
          </dd>
        </div>
        <div>
          <dt className="text-sm text-zinc-600">Held by calls in flight</dt>
          <dd className="mt-0.5">
            <span className="text-xl font-semibold tabular-nums" data-testid="balance-held">
              {formatTokensDetailed(balance?.reserved ?? 0n)}
            </span>
            <span className="block text-xs text-zinc-600">Returned or charged when each call ends</span>
          </dd>
        </div>
      </dl>
    </section>
  );
}

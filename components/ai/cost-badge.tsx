"use client";
// What a request costs: the estimate before it runs (the worst case the route will hold, and what a
// typical request costs) and the charge after it (from the answer's `tokens`).
import { formatTokenAmount, toMillitokens } from "./format";
import type { EstimateState } from "./use-estimate";

export function CostEstimate({
  estimate,
  typicalTokens,
  idleHint,
}: {
  estimate: EstimateState;
  typicalTokens: number;
  idleHint?: string;
}) {
  let text: string;
  if ("ok" in estimate) text = estimate.ok ? `at most ${formatTokenAmount(estimate.tokens)} tokens` : estimate.message;
  else if (estimate.status === "pending") text = "calculating…";
  else text = idleHint ?? "enter your input to see it";
  return (
    <p className="text-sm text-zinc-700" aria-live="polite" data-testid="cost-estimate">
      <span className="font-medium">Estimated cost:</span>{" "}
      <span
        data-testid="cost-estimate-value"
        data-tokens={"ok" in estimate && estimate.ok ? estimate.tokens : undefined}
      >
        {text}
      </span>
      <span className="text-zinc-500"> · typically about {formatTokenAmount(typicalTokens)} tokens</span>
    </p>
  );
}

export function ChargedBadge({ charged, remaining }: { charged: number; remaining?: number }) {
  return (
    <p
      className="inline-flex flex-wrap items-center gap-x-2 rounded-md bg-emerald-50 px-3 py-1.5 text-sm text-emerald-900"
      data-testid="cost-charged"
    >
      <span>
        Charged{" "}
        <strong data-testid="cost-charged-value" data-millitokens={toMillitokens(charged)}>
          {formatTokenAmount(charged)}
        </strong>{" "}
        tokens
      </span>
      {remaining !== undefined && <span className="text-emerald-800">· {formatTokenAmount(remaining)} left</span>}
    </p>
  );
}

"use client";
// What a request costs: the estimate before it runs (the worst case the route will hold, and what a
// typical request costs) and the charge after it (from the answer's `tokens`).
import { useLocale, useTranslations } from "next-intl";
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
  const t = useTranslations("ai.cost");
  const locale = useLocale();
  const tokens = (amount: number) => ({ amount: formatTokenAmount(amount, locale), count: amount });
  let text: string;
  // A refused estimate names the input's problem in the server's (English) words: say it in ours.
  if ("ok" in estimate) text = estimate.ok ? t("atMost", tokens(estimate.tokens)) : t("unavailable");
  else if (estimate.status === "pending") text = t("calculating");
  else text = idleHint ?? t("idle");
  return (
    <p className="text-sm text-zinc-700" aria-live="polite" data-testid="cost-estimate">
      <span className="font-medium">{t("estimated")}</span>{" "}
      <span
        data-testid="cost-estimate-value"
        data-tokens={"ok" in estimate && estimate.ok ? estimate.tokens : undefined}
      >
        {text}
      </span>
      <span className="text-zinc-500"> · {t("typically", tokens(typicalTokens))}</span>
    </p>
  );
}

export function ChargedBadge({ charged, remaining }: { charged: number; remaining?: number }) {
  const t = useTranslations("ai.cost");
  const locale = useLocale();
  return (
    <p
      className="inline-flex flex-wrap items-center gap-x-2 rounded-md bg-emerald-50 px-3 py-1.5 text-sm text-emerald-900"
      data-testid="cost-charged"
    >
      <span>
        {t.rich("charged", {
          count: charged,
          num: () => (
            <strong data-testid="cost-charged-value" data-millitokens={toMillitokens(charged)}>
              {formatTokenAmount(charged, locale)}
            </strong>
          ),
        })}
      </span>
      {remaining !== undefined && (
        <span className="text-emerald-800">· {t("left", { amount: formatTokenAmount(remaining, locale) })}</span>
      )}
    </p>
  );
}

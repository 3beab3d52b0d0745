"use client";
// The spend limit's 402 dialog (opened by the insufficient-tokens dialog's host for a 402
// spend_limit_reached): the cap, what counts against it and the request, and a link to change the cap
// (Settings → Limits & alerts) — buying tokens would not help. In the same modal shell as its sibling (./modal-dialog.tsx).
import { useId } from "react";
import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import { formatTokens } from "@/lib/format";
import { FigureTiles } from "./figure-tiles";
import { ModalActions, ModalDialog } from "./modal-dialog";

/** What a 402 spend_limit_reached says (tokens): the cap, what counts against it (spent + held), where to change it. */
export interface SpendLimitDetail {
  cap: number;
  spent: number;
  limitsUrl: string;
}

const tokensText = (tokens: number, locale: string) => formatTokens(Math.round(tokens * 1000), locale);

/** The cap refused the request: what the cap is, what counts against it, and where to change it. */
export function SpendLimitDialog({
  required,
  limit,
  onClose,
}: {
  required: number;
  limit: SpendLimitDetail;
  onClose(): void;
}) {
  const titleId = useId();
  const summaryId = useId();
  const t = useTranslations("spendLimit");
  const tc = useTranslations("common");
  const locale = useLocale();

  const figures = [
    ["cap", limit.cap],
    ["spent", limit.spent],
    ["required", required],
  ] as const;
  return (
    <ModalDialog titleId={titleId} summaryId={summaryId} testId="spend-limit-dialog" onClose={onClose}>
      {(close) => (
        <div className="p-5 sm:p-6">
          <h2 id={titleId} className="text-lg font-semibold">
            {t("title")}
          </h2>
          <p id={summaryId} className="mt-1 text-sm text-zinc-700" data-testid="spend-limit-message">
            {t("summary", {
              required: tokensText(required, locale),
              cap: tokensText(limit.cap, locale),
              spent: tokensText(limit.spent, locale),
            })}
          </p>
          <FigureTiles
            className="mt-4 text-center"
            figures={figures.map(([key, value]) => ({
              label: t(key),
              value: tokensText(value, locale),
              testId: `spend-limit-${key}`,
            }))}
          />
          <ModalActions dismissLabel={tc("notNow")} onDismiss={() => close()}>
            <Link
              href={limit.limitsUrl}
              data-autofocus
              data-testid="spend-limit-change"
              onClick={() => close()}
              className="rounded-md bg-zinc-900 px-4 py-2 text-center text-sm font-medium text-white hover:bg-zinc-700"
            >
              {t("change")}
            </Link>
          </ModalActions>
        </div>
      )}
    </ModalDialog>
  );
}

"use client";
// The spend limit's 402 dialog (opened by the insufficient-tokens dialog's host for a 402
// spend_limit_reached): the cap, what counts against it and the request, and a link to change the cap
// (Settings → Limits & alerts) — buying tokens would not help. A native modal <dialog>, like its sibling.
import { useEffect, useId, useRef } from "react";
import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import { formatTokens } from "@/lib/format";

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
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const summaryId = useId();
  const t = useTranslations("spendLimit");
  const tc = useTranslations("common");
  const locale = useLocale();
  const previousFocus = useRef<HTMLElement | null>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || dialog.open) return;
    previousFocus.current = document.activeElement as HTMLElement | null;
    dialog.showModal();
    dialog.querySelector<HTMLElement>("[data-autofocus]")?.focus();
  }, []);

  const figures = [
    ["cap", limit.cap],
    ["spent", limit.spent],
    ["required", required],
  ] as const;
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={summaryId}
      onClose={() => {
        previousFocus.current?.focus?.();
        onClose();
      }}
      onClick={(event) => {
        if (event.target === event.currentTarget) ref.current?.close();
      }}
      data-testid="spend-limit-dialog"
      className="m-auto w-[calc(100%-2rem)] max-w-md rounded-xl border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/50"
    >
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
        <dl className="mt-4 grid grid-cols-3 gap-2 text-center text-sm">
          {figures.map(([key, value]) => (
            <div key={key} className="rounded-md bg-zinc-50 p-2">
              <dt className="text-xs text-zinc-600">{t(key)}</dt>
              <dd className="font-semibold tabular-nums" data-testid={`spend-limit-${key}`}>
                {tokensText(value, locale)}
              </dd>
            </div>
          ))}
        </dl>
        <div className="mt-5 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <button
            type="button"
            onClick={() => ref.current?.close()}
            className="rounded-md border border-zinc-300 px-4 py-2 text-sm font-medium text-zinc-800 hover:bg-zinc-50"
          >
            {tc("notNow")}
          </button>
          <Link
            href={limit.limitsUrl}
            data-autofocus
            data-testid="spend-limit-change"
            onClick={() => ref.current?.close()}
            className="rounded-md bg-zinc-900 px-4 py-2 text-center text-sm font-medium text-white hover:bg-zinc-700"
          >
            {t("change")}
          </Link>
        </div>
      </div>
    </dialog>
  );
}

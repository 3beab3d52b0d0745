"use client";
// A failed AI request, said plainly in the user's language: 402 with what is needed and a way to get
// tokens (or, refused by the user's spend limit, the cap and a link to change it), otherwise the message of the answer's error code (the API's own `message` is for developers,
// in English, and is shown only for a code this page does not know) — and what was charged when the
// provider billed before the failure. A 402 also opens the insufficient-tokens dialog (once per error)
// with the cheapest way to cover it.
import Link from "next/link";
import { useEffect } from "react";
import { useLocale, useTranslations } from "next-intl";
import { useInsufficientTokens } from "@/components/insufficient-tokens-dialog";
import { formatTokenAmount } from "./format";
import type { MeteredError } from "./use-metered-call";

/** The error codes the AI pages put in words (lib/http/api-error.ts, plus the page's own). */
export const KNOWN_ERROR_CODES = [
  "invalid_request",
  "unauthorized",
  "cross_site_request",
  "no_token_account",
  "not_found",
  "conflict",
  "request_in_progress",
  "payload_too_large",
  "idempotency_key_reused",
  "rate_limited",
  "internal_error",
  "upstream_error",
  "invalid_ai_answer",
  "unavailable",
  "network_error",
  "stream_cut",
] as const;
type KnownCode = (typeof KNOWN_ERROR_CODES)[number];

const isKnown = (code: string): code is KnownCode => (KNOWN_ERROR_CODES as readonly string[]).includes(code);

export function MeteredErrorAlert({ error }: { error: MeteredError }) {
  const t = useTranslations("ai.errors");
  const locale = useLocale();
  const openInsufficientTokens = useInsufficientTokens();
  const capped = error.status === 402 && error.error === "spend_limit_reached";
  const limitsUrl = error.limitsUrl ?? "/settings/limits";
  useEffect(() => {
    if (error.status !== 402) return;
    openInsufficientTokens({
      required: error.required ?? 0,
      available: error.available ?? 0,
      ...(error.error === "spend_limit_reached" && {
        spendLimit: { cap: error.cap ?? 0, spent: error.spent ?? 0, limitsUrl: error.limitsUrl ?? "/settings/limits" },
      }),
    });
  }, [error, openInsufficientTokens]);
  const amount = (tokens: number) => formatTokenAmount(tokens, locale);
  return (
    <div
      role="alert"
      className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900"
      data-testid="ai-error"
      data-status={error.status}
      data-code={error.error}
    >
      {capped ? (
        <p>
          {t.rich("spendLimit", {
            required: amount(error.required ?? 0),
            count: error.required ?? 0,
            cap: amount(error.cap ?? 0),
            link: (chunks) => (
              <Link href={limitsUrl} className="font-medium underline" data-testid="ai-error-limits-link">
                {chunks}
              </Link>
            ),
          })}
        </p>
      ) : error.status === 402 ? (
        <p>
          {t.rich("insufficient", {
            required: amount(error.required ?? 0),
            count: error.required ?? 0,
            available: amount(error.available ?? 0),
            link: (chunks) => (
              <Link href={error.upgradeUrl ?? "/settings/subscription"} className="font-medium underline">
                {chunks}
              </Link>
            ),
          })}
        </p>
      ) : (
        <p>
          {isKnown(error.error) ? t(`code.${error.error}`) : error.message || t("failed", { status: error.status })}
        </p>
      )}
      {error.charged !== undefined && error.charged > 0 && (
        <p className="mt-1 text-red-800">
          {t("chargedAnyway", { amount: amount(error.charged), count: error.charged })}
        </p>
      )}
    </div>
  );
}

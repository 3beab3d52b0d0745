"use client";
// A failed AI request, said plainly: 402 with what is needed and a way to get tokens, otherwise the
// route's message — and what was charged when the provider billed before the failure. A 402 also
// opens the insufficient-tokens dialog (once per error) with the cheapest way to cover it.
import Link from "next/link";
import { useEffect } from "react";
import { useInsufficientTokens } from "@/components/insufficient-tokens-dialog";
import { formatTokenAmount } from "./format";
import type { MeteredError } from "./use-metered-call";

export function MeteredErrorAlert({ error }: { error: MeteredError }) {
  const openInsufficientTokens = useInsufficientTokens();
  useEffect(() => {
    if (error.status === 402)
      openInsufficientTokens({ required: error.required ?? 0, available: error.available ?? 0 });
  }, [error, openInsufficientTokens]);
  return (
    <div
      role="alert"
      className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900"
      data-testid="ai-error"
      data-status={error.status}
    >
      {error.status === 402 ? (
        <p>
          Not enough tokens: this request may need up to {formatTokenAmount(error.required ?? 0)} tokens and you have{" "}
          {formatTokenAmount(error.available ?? 0)} available.{" "}
          <Link href={error.upgradeUrl ?? "/settings/subscription"} className="font-medium underline">
            Get more tokens
          </Link>
          .
        </p>
      ) : (
        <p>{error.message}</p>
      )}
      {error.charged !== undefined && error.charged > 0 && (
        <p className="mt-1 text-red-800">
          Charged {formatTokenAmount(error.charged)} tokens for what the AI provider billed.
        </p>
      )}
    </div>
  );
}

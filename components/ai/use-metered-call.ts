"use client";
// Calls a metered AI route from a page and keeps what the page shows: the result, what it cost
// (`tokens.charged` of the answer), or the error — 402 with what is required and available, 400 with
// the reason, 502 with what was charged anyway. After every call the server components (the
// sidebar's balance) are refreshed.
import { useRouter } from "next/navigation";
import { useCallback, useState } from "react";

export interface MeteredError {
  status: number;
  error: string;
  message: string;
  required?: number;
  available?: number;
  upgradeUrl?: string;
  /** Tokens charged although the call failed (what the provider billed). */
  charged?: number;
}

export type MeteredCallState<T> =
  | { status: "idle" }
  | { status: "running" }
  | { status: "done"; result: T; charged: number; remaining: number }
  | { status: "error"; error: MeteredError };

const FALLBACK: Record<number, string> = {
  401: "Your session has ended; sign in again.",
  402: "You do not have enough tokens for this request.",
  413: "The upload is too large.",
  429: "Too many requests; wait a moment and try again.",
};

export function useMeteredCall<T>() {
  const router = useRouter();
  const [state, setState] = useState<MeteredCallState<T>>({ status: "idle" });

  const run = useCallback(
    async (url: string, init: RequestInit): Promise<MeteredCallState<T>> => {
      setState({ status: "running" });
      let next: MeteredCallState<T>;
      try {
        const response = await fetch(url, { method: "POST", ...init });
        const body = (await response.json().catch(() => null)) as
          (Record<string, unknown> & { tokens?: { charged: number; remaining: number } }) | null;
        if (response.ok && body) {
          next = {
            status: "done",
            result: body as T,
            charged: body.tokens?.charged ?? 0,
            remaining: body.tokens?.remaining ?? 0,
          };
        } else {
          next = {
            status: "error",
            error: {
              status: response.status,
              error: String(body?.error ?? "error"),
              message: String(body?.message ?? FALLBACK[response.status] ?? `The request failed (${response.status}).`),
              required: body?.required as number | undefined,
              available: body?.available as number | undefined,
              upgradeUrl: body?.upgradeUrl as string | undefined,
              charged: body?.tokens?.charged,
            },
          };
        }
      } catch {
        next = {
          status: "error",
          error: {
            status: 0,
            error: "network_error",
            message: "The request could not be sent; check your connection and try again.",
          },
        };
      }
      setState(next);
      router.refresh();
      return next;
    },
    [router],
  );

  return { state, run, reset: useCallback(() => setState({ status: "idle" }), []) };
}

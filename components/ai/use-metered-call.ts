"use client";
// Calls a metered AI route from a page and keeps what the page shows: the result, what it cost
// (`tokens.charged` of the answer), or the error — 402 with what is required and available, 400 with
// the reason, 502 with what was charged anyway. After every call the server components (the
// sidebar's balance) are refreshed. The error keeps the answer's code, which the alert puts in the
// user's words; an answer without a body gets the code its status implies.
import { useRouter } from "next/navigation";
import { useCallback, useState } from "react";

export interface MeteredError {
  status: number;
  /** The answer's error code (lib/http/api-error.ts), or the page's own: "network_error", "stream_cut". */
  error: string;
  /** The answer's message: English, for developers; shown only for a code the page does not know. */
  message: string;
  required?: number;
  available?: number;
  upgradeUrl?: string;
  /** 402 spend_limit_reached: the cap, what counts against it (spent + held), where to change it. */
  cap?: number;
  spent?: number;
  limitsUrl?: string;
  /** Tokens charged although the call failed (what the provider billed). */
  charged?: number;
}

export type MeteredCallState<T> =
  | { status: "idle" }
  | { status: "running" }
  | { status: "done"; result: T; charged: number; remaining: number }
  | { status: "error"; error: MeteredError };

const FALLBACK_CODE: Record<number, string> = {
  401: "unauthorized",
  402: "insufficient_tokens",
  413: "payload_too_large",
  429: "rate_limited",
};

/** The code of an error answer: its own, or the one its status implies when it has no body. */
export function errorCode(status: number, body: Record<string, unknown> | null): string {
  return String(body?.error ?? FALLBACK_CODE[status] ?? "error");
}

const num = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : undefined);
const str = (value: unknown) => (typeof value === "string" ? value : undefined);

/** The error of an answer that is not 2xx, from its status and JSON body (null: none). */
export function meteredErrorOf(status: number, body: Record<string, unknown> | null): MeteredError {
  const tokens = body?.tokens as { charged?: unknown } | undefined;
  return {
    status,
    error: errorCode(status, body),
    message: String(body?.message ?? ""),
    required: num(body?.required),
    available: num(body?.available),
    upgradeUrl: str(body?.upgradeUrl),
    cap: num(body?.cap),
    spent: num(body?.spent),
    limitsUrl: str(body?.limitsUrl),
    charged: num(tokens?.charged),
  };
}

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
          next = { status: "error", error: meteredErrorOf(response.status, body) };
        }
      } catch {
        next = {
          status: "error",
          error: {
            status: 0,
            error: "network_error",
            message: "",
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

"use client";
// The estimated cost of the page's current input, recomputed (debounced) when the input changes, by a
// server action that prices it exactly as the route will hold it. An answer is kept with the input it
// belongs to, so a stale answer is never shown for a newer input.
import { useEffect, useState } from "react";

export type EstimateAnswer = { ok: true; tokens: number } | { ok: false; message: string };
export type EstimateState = { status: "idle" } | { status: "pending" } | EstimateAnswer;

export function useEstimate(
  estimate: (payload: unknown) => Promise<EstimateAnswer>,
  payload: unknown | null,
  delayMs = 300,
): EstimateState {
  const [answered, setAnswered] = useState<{ key: string; answer: EstimateAnswer } | null>(null);
  const key = payload === null ? null : JSON.stringify(payload);
  useEffect(() => {
    if (key === null) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      estimate(JSON.parse(key))
        .catch((): EstimateAnswer => ({ ok: false, message: "unavailable" }))
        .then((answer) => {
          if (!cancelled) setAnswered({ key, answer });
        });
    }, delayMs);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [key, estimate, delayMs]);
  if (key === null) return { status: "idle" };
  return answered?.key === key ? answered.answer : { status: "pending" };
}

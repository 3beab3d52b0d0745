// Monthly or yearly: how the pricing and subscription pages name the interval in their URLs
// (`?billing=yearly`) and what a yearly price saves against twelve monthly ones (integers only).
import { yearlyPriceCents, type BillingInterval, type Plan } from "../tokens/pricing-config";

/** The interval a page shows: `?billing=yearly` → year; anything else (or nothing) → month. */
export function intervalOfParam(value: string | string[] | undefined): BillingInterval {
  return value === "yearly" ? "year" : "month";
}

export function paramOfInterval(interval: BillingInterval): "monthly" | "yearly" {
  return interval === "year" ? "yearly" : "monthly";
}

export interface YearlySaving {
  /** 12 × monthly − yearly, in cents (0 when the yearly price saves nothing). */
  cents: number;
  /** Whole months free when the saving is a whole number of monthly prices, else null. */
  monthsFree: number | null;
  /** The saving as a share of twelve monthly prices, rounded down to a whole percent. */
  percent: number;
}

/** What a plan's yearly price saves against paying monthly for a year. */
export function yearlySaving(plan: Pick<Plan, "priceCents" | "yearlyPriceCents">): YearlySaving {
  const twelve = plan.priceCents * 12;
  const cents = Math.max(0, twelve - yearlyPriceCents(plan));
  const monthsFree = cents > 0 && cents % plan.priceCents === 0 ? cents / plan.priceCents : null;
  return { cents, monthsFree, percent: Math.floor((cents * 100) / twelve) };
}

/**
 * What to say about a saving, as a message of billing.planPrice with its ICU arguments: "2 months
 * free" (monthsFree, count), "Save 12%" (savePercent, percent), or null when there is no saving.
 */
export type YearlySavingMessage =
  { key: "monthsFree"; values: { count: number } } | { key: "savePercent"; values: { percent: number } };

export function yearlySavingMessage(saving: YearlySaving): YearlySavingMessage | null {
  if (saving.monthsFree !== null) return { key: "monthsFree", values: { count: saving.monthsFree } };
  return saving.percent > 0 ? { key: "savePercent", values: { percent: saving.percent } } : null;
}

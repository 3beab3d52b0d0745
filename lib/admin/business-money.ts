// The exact money of the admin console's figures (business.ts): the month and EUR-per-USD rate
// inputs, amounts kept as exact rationals of a cent, and the display, the only place that rounds.
import { z } from "zod";

// ─── Inputs ────────────────────────────────────────────────────────────────────────────────

export const monthSchema = z.string().regex(/^(20\d\d)-(0[1-9]|1[0-2])$/, "must be a month as YYYY-MM, e.g. 2026-03");

/** A EUR-per-USD rate as an exact rational: "0.92" → 92/100. */
export interface Rate {
  text: string;
  numerator: bigint;
  denominator: bigint;
}

export const rateSchema = z
  .string()
  .trim()
  .regex(/^\d{1,4}(\.\d{1,6})?$/, "must be a decimal EUR per USD rate such as 0.92 (up to 6 decimals)")
  .transform((text, ctx): Rate => {
    const [whole, frac = ""] = text.split(".");
    const numerator = BigInt(`${whole}${frac}`);
    if (numerator === 0n) {
      ctx.addIssue({ code: "custom", message: "must be greater than 0" });
      return z.NEVER;
    }
    return { text, numerator, denominator: 10n ** BigInt(frac.length) };
  });

export function parseRate(text: string): Rate {
  return rateSchema.parse(text);
}

export function monthBounds(month: string): { start: Date; end: Date } {
  const [y, m] = monthSchema.parse(month).split("-").map(Number) as [number, number];
  return { start: new Date(Date.UTC(y, m - 1, 1)), end: new Date(Date.UTC(y, m, 1)) };
}

export function currentMonth(now: Date = new Date()): string {
  return now.toISOString().slice(0, 7);
}

// ─── Exact money ───────────────────────────────────────────────────────────────────────────

/** Integer division rounded half away from zero. */
export function roundDiv(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new RangeError("divisor must be positive");
  const q = n / d;
  const r = n % d;
  if (2n * (r < 0n ? -r : r) >= d) return q + (n < 0n ? -1n : 1n);
  return q;
}

/** An amount of € exactly: `units` of 1/`per` cent. */
export interface ExactEur {
  units: bigint;
  per: bigint;
}

const centsUnit = (rate: Rate) => rate.denominator * 10_000n;

/** µ$ at the rate → exact €: µ$ × rate = µ€, and 1 cent = 10⁴ µ€. */
export function microUsdToEur(microUsd: bigint, rate: Rate): ExactEur {
  return { units: microUsd * rate.numerator, per: centsUnit(rate) };
}

export function centsToExact(cents: bigint, rate: Rate): ExactEur {
  return { units: cents * centsUnit(rate), per: centsUnit(rate) };
}

export const roundedCents = (x: ExactEur): bigint => roundDiv(x.units, x.per);

// ─── Display (rounding happens here only) ──────────────────────────────────────────────────

/** µ$ → "$3.49" (two decimals, half away from zero), or more decimals for small amounts. */
export function formatMicroUsd(microUsd: bigint, decimals: 2 | 4 = 2): string {
  const scale = 10n ** BigInt(6 - decimals);
  const rounded = roundDiv(microUsd, scale);
  const sign = rounded < 0n ? "-" : "";
  const abs = rounded < 0n ? -rounded : rounded;
  const unit = 10n ** BigInt(decimals);
  const whole = (abs / unit).toLocaleString("en-US");
  return `${sign}$${whole}.${(abs % unit).toString().padStart(decimals, "0")}`;
}

/** Basis points → "92.53%"; null → "—". */
export function formatBasisPoints(bp: bigint | null): string {
  if (bp === null) return "—";
  const sign = bp < 0n ? "-" : "";
  const abs = bp < 0n ? -bp : bp;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}%`;
}

// The `month` of a usage report request: "YYYY-MM", a real month, not after the current UTC month.
// Validated with zod so a bad value is a 400 that says what to send, never a 500.
import { z } from "zod";
import { utcMonth } from "./days";

const FORMAT = "month must be a calendar month as YYYY-MM, e.g. 2026-11";

export function reportMonthSchema(now: Date = new Date()) {
  const current = utcMonth(now);
  return (
    z
      .string({ error: `month is required: ${FORMAT}` })
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/, FORMAT)
      .refine((month) => month >= "2000-01", { message: "month must be 2000-01 or later" })
      // Both are zero-padded YYYY-MM, so string order is calendar order.
      .refine((month) => month <= current, { message: `month must not be after the current month (${current})` })
  );
}

export type ParsedMonth = { ok: true; month: string } | { ok: false; message: string };

/** Parses the `month` query parameter (null when absent). */
export function parseReportMonth(value: string | null, now: Date = new Date()): ParsedMonth {
  const parsed = reportMonthSchema(now).safeParse(value ?? undefined);
  return parsed.success ? { ok: true, month: parsed.data } : { ok: false, message: parsed.error.issues[0]!.message };
}

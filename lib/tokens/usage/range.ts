// The usage page's range (`?range=30|90`): anything else — absent, repeated, or not one of these —
// falls back to 30 days rather than failing the page.
import { z } from "zod";

export const USAGE_RANGES = [30, 90] as const;
export type UsageRange = (typeof USAGE_RANGES)[number];

const rangeSchema = z
  .enum(["30", "90"])
  .transform((value) => Number(value) as UsageRange)
  .catch(30);

export function parseUsageRange(value: string | string[] | undefined): UsageRange {
  return rangeSchema.parse(value);
}

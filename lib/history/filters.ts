// The history's filters and page cursor, as they travel in URL search params (the page and the CSV
// export read the same ones): `kind` (a ledger kind), `feature` (an AI feature slug) and `cursor`
// (from the previous page). Empty values mean "any" (a form submitted without JS sends them).
import { z } from "zod";
import type { FeatureSlug } from "../ai/features";
import { FEATURE_MODELS } from "../ai/models";
import { decodeCursor, TRANSACTION_KINDS, type HistoryFilters, type TransactionKind } from "../tokens/ledger";

const FEATURE_SLUGS = Object.keys(FEATURE_MODELS) as [FeatureSlug, ...FeatureSlug[]];

const emptyIsAbsent = (value: unknown) => (value === "" ? undefined : value);

export const historyParamsSchema = z.object({
  kind: z.preprocess(
    emptyIsAbsent,
    z.enum(TRANSACTION_KINDS, { error: `kind must be one of ${TRANSACTION_KINDS.join(", ")}` }).optional(),
  ),
  feature: z.preprocess(
    emptyIsAbsent,
    z.enum(FEATURE_SLUGS, { error: `feature must be one of ${FEATURE_SLUGS.join(", ")}` }).optional(),
  ),
  cursor: z.preprocess(
    emptyIsAbsent,
    z
      .string()
      .max(200)
      .refine(
        (value) => decodeCursor(value) !== null,
        "cursor is not a history page link; start again from the first page",
      )
      .optional(),
  ),
});

export interface HistoryParams {
  kind?: TransactionKind;
  feature?: FeatureSlug;
  cursor?: string;
}

export type ParsedHistoryParams =
  { ok: true; params: HistoryParams } | { ok: false; error: string; field: keyof HistoryParams };

type SearchParamsInput = URLSearchParams | Record<string, string | string[] | undefined>;

/** Reads kind, feature and cursor; a repeated parameter is refused (one value each). */
export function parseHistoryParams(input: SearchParamsInput): ParsedHistoryParams {
  const raw: Record<string, unknown> = {};
  for (const key of ["kind", "feature", "cursor"] as const) {
    const values =
      input instanceof URLSearchParams ? input.getAll(key) : [input[key]].flat().filter((v) => v !== undefined);
    if (values.length > 1) return { ok: false, field: key, error: `${key} may be given once` };
    raw[key] = values[0];
  }
  const parsed = historyParamsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, field: issue.path[0] as keyof HistoryParams, error: issue.message };
  }
  return { ok: true, params: parsed.data };
}

export function toHistoryFilters(params: HistoryParams): HistoryFilters {
  return { kinds: params.kind ? [params.kind] : undefined, feature: params.feature };
}

/** The query string of a history URL: only the filters set, plus a cursor. */
export function historyQuery(params: HistoryParams): string {
  const search = new URLSearchParams();
  if (params.kind) search.set("kind", params.kind);
  if (params.feature) search.set("feature", params.feature);
  if (params.cursor) search.set("cursor", params.cursor);
  const text = search.toString();
  return text ? `?${text}` : "";
}

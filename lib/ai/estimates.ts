// What a feature will hold for a given input, before the user runs it: the page's payload is parsed
// by the feature's `pageInput` (photos by their size only) and priced by the feature's own
// `estimate` — the very function its route holds with (lib/ai/feature.ts) — with the active pricing
// version. Pages call it through a session-checked server action as the user types or picks a photo.
import type { DbTx } from "../db/client";
import type { BoundCostEngine } from "../tokens/cost";
import { findFeature } from "./registry";

export type EstimateResult = { ok: true; millitokens: bigint } | { ok: false; message: string };

/** The hold `slug` would take for `payload` (the page's current input), or why it cannot be estimated yet. */
export async function estimateFeature(
  db: DbTx,
  userId: string,
  slug: string,
  payload: unknown,
  engine: BoundCostEngine,
): Promise<EstimateResult> {
  const feature = findFeature(slug);
  if (!feature) return { ok: false, message: `No estimate for "${slug}".` };
  const parsed = feature.pageInput.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, message: `${issue.path.join(".") || "input"} ${issue.message}` };
  }
  const estimate = await feature.estimate(parsed.data, { db, userId, engine });
  return { ok: true, millitokens: estimate.worstCase };
}

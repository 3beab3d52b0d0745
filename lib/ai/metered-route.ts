// `meteredRoute(feature)`: the route handler of an AI feature, built from its definition
// (./feature.ts) over this app's `withTokens` (./metered.ts). The route holds what the definition's
// `estimate` says — the same function the page's estimate calls — and runs its `run`; the app's
// route file is one line: `export const POST = meteredRoute(mealAnalyzer)`.
import { db } from "../db/client";
import type { FeatureDefinition } from "./feature";
import { withTokens } from "./metered";

export function meteredRoute<S extends string, TInput extends TQuote, TQuote>(
  feature: FeatureDefinition<S, TInput, TQuote>,
) {
  const source = feature.input ? { input: feature.input } : { parse: feature.parse };
  return withTokens<TInput>(feature.slug, feature.run, {
    ...source,
    estimate: (input, { userId, engine }) => feature.estimate(input, { userId, engine, db: db() }),
    ttlMs: feature.ttlMs,
    maxBodyBytes: feature.maxBodyBytes,
  });
}

// The registry of Tollgate's AI features, read from their definitions (lib/ai/features/): what each
// one is, the model it calls by default, where its route and page live, and what a typical request
// costs. The sidebar, the feature pages, the usage charts and the history read it.
//
// "Typical cost" is computed, never typed in: the cost engine prices a typical request of the
// feature (its real prompt with a typical input, for text and vision a typical answer length) with
// the pricing version's prices, so an admin price override moves it too. It is what a user should
// expect to pay, not the worst case held before a call (the page shows that one for the actual input).
import { costEngine, type BoundCostEngine } from "../tokens/cost";
import type { AnyFeature, FeatureKind } from "./feature";
import { FEATURES, type FeatureSlug } from "./features";

export type { FeatureKind } from "./feature";
export type { FeatureSlug } from "./features";

export interface AiFeature {
  slug: FeatureSlug;
  title: string;
  /** One sentence for the sidebar and the page header. */
  description: string;
  kind: FeatureKind;
  /** The default model (lib/ai/models.ts). */
  model: string;
  /** The metered route handler. */
  routePath: string;
  /** The page where a signed-in user runs it. */
  pagePath: string;
  /** What the typical request is, in words (shown next to the typical cost). */
  typicalRequest: string;
  /** Millitokens (= µ$) of a typical request, priced by `engine` (default: list prices). */
  typicalCost(engine?: BoundCostEngine): bigint;
}

let listPrices: BoundCostEngine | null = null;
const defaultEngine = () => (listPrices ??= costEngine());

function entry(feature: (typeof FEATURES)[number]): AiFeature {
  const { title, description, kind, typicalRequest, typicalCost } = feature.page;
  return {
    slug: feature.slug,
    title,
    description,
    kind,
    model: feature.model,
    routePath: feature.routePath,
    pagePath: feature.pagePath,
    typicalRequest,
    typicalCost: (engine = defaultEngine()) => typicalCost(engine, feature.model),
  };
}

/** Every feature, in the order the sidebar lists them. */
export const AI_FEATURES: readonly AiFeature[] = FEATURES.map(entry);

const BY_SLUG = new Map<string, AiFeature>(AI_FEATURES.map((feature) => [feature.slug, feature]));
const DEFINITIONS = new Map<string, AnyFeature>(FEATURES.map((feature) => [feature.slug, feature]));

export function aiFeature(slug: FeatureSlug): AiFeature {
  return BY_SLUG.get(slug)!;
}

export function isFeatureSlug(value: string): value is FeatureSlug {
  return BY_SLUG.has(value);
}

/** The definition of the feature `slug` (any string: a page's server action passes it), or undefined. */
export function findFeature(slug: string): AnyFeature | undefined {
  return DEFINITIONS.get(slug);
}

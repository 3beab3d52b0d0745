// What an AI page shows about its feature before anything runs: the registry's entry and the typical
// cost priced with the active pricing version.
import { millitokensToTokens } from "../tokens/units";
import { currentCostEngine } from "./metered";
import { aiFeature, type FeatureSlug } from "./registry";

export interface FeaturePageData {
  slug: FeatureSlug;
  title: string;
  description: string;
  model: string;
  routePath: string;
  typicalRequest: string;
  /** Tokens of a typical request. */
  typicalTokens: number;
}

export async function featurePageData(slug: FeatureSlug): Promise<FeaturePageData> {
  const feature = aiFeature(slug);
  return {
    slug,
    title: feature.title,
    description: feature.description,
    model: feature.model,
    routePath: feature.routePath,
    typicalRequest: feature.typicalRequest,
    typicalTokens: millitokensToTokens(feature.typicalCost(await currentCostEngine())),
  };
}

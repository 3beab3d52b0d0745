// Every AI feature of the product, one module each, in the order the sidebar lists them. The
// registry (../registry.ts), the page estimates (../estimates.ts) and the routes read these
// definitions; the slug union is derived from this list, so a slug that is not a feature is a type error.
import type { FEATURE_MODELS } from "../models";
import { activityAnalyzer } from "./activity-analyzer";
import { chat } from "./chat";
import { fridgeScanVision } from "./fridge-scan-vision";
import { generateTrainingIllustration } from "./generate-training-illustration";
import { mealAnalyzer } from "./meal-analyzer";
import { recipeGenerator } from "./recipe-generator";
import { scanEstimate } from "./scan-estimate";
import { scanRefineMorphs } from "./scan-refine-morphs";
import { transcribe } from "./transcribe";
import { voiceCoachRealtime } from "./voice-coach-realtime";

export const FEATURES = [
  chat,
  activityAnalyzer,
  mealAnalyzer,
  scanEstimate,
  scanRefineMorphs,
  generateTrainingIllustration,
  fridgeScanVision,
  recipeGenerator,
  voiceCoachRealtime,
  transcribe,
] as const;

/** The slug of an AI feature: exactly the slugs defined above. */
export type FeatureSlug = (typeof FEATURES)[number]["slug"];

// Each definition has its default model in ../models.ts and each model there a definition (checked
// here, not there: models.ts stays a leaf that the definitions import).
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const modelsMatchDefinitions: SameKeys<FeatureSlug, keyof typeof FEATURE_MODELS> = true;
void modelsMatchDefinitions;

export const FEATURE_SLUGS = FEATURES.map((feature) => feature.slug) as readonly FeatureSlug[];

export {
  activityAnalyzer,
  chat,
  fridgeScanVision,
  generateTrainingIllustration,
  mealAnalyzer,
  recipeGenerator,
  scanEstimate,
  scanRefineMorphs,
  transcribe,
  voiceCoachRealtime,
};

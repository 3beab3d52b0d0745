// POST /api/ai/recipe-generator — the feature defined in lib/ai/features/recipe-generator.ts, metered.
import { recipeGenerator } from "@/lib/ai/features/recipe-generator";
import { meteredRoute } from "@/lib/ai/metered-route";

export const POST = meteredRoute(recipeGenerator);

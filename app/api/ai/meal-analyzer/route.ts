// POST /api/ai/meal-analyzer — the feature defined in lib/ai/features/meal-analyzer.ts, metered.
import { mealAnalyzer } from "@/lib/ai/features/meal-analyzer";
import { meteredRoute } from "@/lib/ai/metered-route";

export const POST = meteredRoute(mealAnalyzer);

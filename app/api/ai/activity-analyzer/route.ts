// POST /api/ai/activity-analyzer — the feature defined in lib/ai/features/activity-analyzer.ts, metered.
import { activityAnalyzer } from "@/lib/ai/features/activity-analyzer";
import { meteredRoute } from "@/lib/ai/metered-route";

export const POST = meteredRoute(activityAnalyzer);

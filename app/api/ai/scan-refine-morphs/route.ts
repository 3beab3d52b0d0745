// POST /api/ai/scan-refine-morphs — the feature defined in lib/ai/features/scan-refine-morphs.ts, metered.
import { scanRefineMorphs } from "@/lib/ai/features/scan-refine-morphs";
import { meteredRoute } from "@/lib/ai/metered-route";

export const POST = meteredRoute(scanRefineMorphs);

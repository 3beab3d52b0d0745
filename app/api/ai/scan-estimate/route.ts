// POST /api/ai/scan-estimate — the feature defined in lib/ai/features/scan-estimate.ts, metered.
import { scanEstimate } from "@/lib/ai/features/scan-estimate";
import { meteredRoute } from "@/lib/ai/metered-route";

export const POST = meteredRoute(scanEstimate);

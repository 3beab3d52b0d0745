// POST /api/ai/fridge-scan-vision — the feature defined in lib/ai/features/fridge-scan-vision.ts, metered.
import { fridgeScanVision } from "@/lib/ai/features/fridge-scan-vision";
import { meteredRoute } from "@/lib/ai/metered-route";

export const POST = meteredRoute(fridgeScanVision);

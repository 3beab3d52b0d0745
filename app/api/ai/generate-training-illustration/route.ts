// POST /api/ai/generate-training-illustration — the feature defined in lib/ai/features/generate-training-illustration.ts, metered.
import { generateTrainingIllustration } from "@/lib/ai/features/generate-training-illustration";
import { meteredRoute } from "@/lib/ai/metered-route";

export const POST = meteredRoute(generateTrainingIllustration);

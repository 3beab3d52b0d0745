// POST /api/ai/transcribe — the feature defined in lib/ai/features/transcribe.ts, metered.
import { transcribe } from "@/lib/ai/features/transcribe";
import { meteredRoute } from "@/lib/ai/metered-route";

export const POST = meteredRoute(transcribe);

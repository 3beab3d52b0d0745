// POST /api/ai/voice-coach-realtime — the feature defined in lib/ai/features/voice-coach-realtime.ts, metered.
import { voiceCoachRealtime } from "@/lib/ai/features/voice-coach-realtime";
import { meteredRoute } from "@/lib/ai/metered-route";

export const POST = meteredRoute(voiceCoachRealtime);

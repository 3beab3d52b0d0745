// POST /api/ai/voice-coach-realtime/end { sessionId } — hangs up the user's session and answers
// with what it was charged (the usage the server observed; see docs/REALTIME_METERING.md).
import { sessionUserId } from "@/lib/auth/session";
import { endRequestSchema, endVoiceCoach, voiceCoachControl } from "@/lib/ai/voice-coach";

export const POST = voiceCoachControl(endRequestSchema, endVoiceCoach, sessionUserId);

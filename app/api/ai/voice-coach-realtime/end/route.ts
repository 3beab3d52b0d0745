// POST /api/ai/voice-coach-realtime/end { sessionId } — hangs up the user's session and answers
// with what it was charged (the usage the server observed; see docs/REALTIME_METERING.md). Any
// instance: the state is in Postgres.
import { sessionUserId } from "@/lib/auth/session";
import { openai } from "@/lib/ai/client";
import { endRequestSchema, endVoiceCoach, voiceCoachControl } from "@/lib/ai/voice-coach";
import { realtimeMeter } from "@/lib/ai/voice-coach-meter";

export const POST = voiceCoachControl(
  endRequestSchema,
  (userId, input) => endVoiceCoach(realtimeMeter(openai), userId, input),
  sessionUserId,
);

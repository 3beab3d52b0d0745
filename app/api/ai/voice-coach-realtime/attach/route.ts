// POST /api/ai/voice-coach-realtime/attach { sessionId } — the browser's peer connection is up; the
// session may answer turns by itself from now on. The page repeats it every few seconds as its
// keepalive. Any instance: the state is in Postgres.
import { sessionUserId } from "@/lib/auth/session";
import { openai } from "@/lib/ai/client";
import { attachRequestSchema, attachVoiceCoach, voiceCoachControl } from "@/lib/ai/voice-coach";
import { realtimeMeter } from "@/lib/ai/voice-coach-meter";

export const POST = voiceCoachControl(
  attachRequestSchema,
  (userId, input) => attachVoiceCoach(realtimeMeter(openai), userId, input),
  sessionUserId,
);

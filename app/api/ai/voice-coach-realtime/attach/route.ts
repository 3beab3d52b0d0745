// POST /api/ai/voice-coach-realtime/attach { sessionId, callId } — the browser names the call it
// started; the server attaches its own sideband to it and meters it from there.
import { sessionUserId } from "@/lib/auth/session";
import { attachRequestSchema, attachVoiceCoach, voiceCoachControl } from "@/lib/ai/voice-coach";

export const POST = voiceCoachControl(attachRequestSchema, (userId, input) => attachVoiceCoach(userId, input), sessionUserId);

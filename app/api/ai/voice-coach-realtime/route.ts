// POST /api/ai/voice-coach-realtime { maxSeconds, sdp } — starts a realtime voice session: holds the
// worst case of the chosen maximum length, creates the call at the provider with the browser's SDP
// offer and the server's own key, meters it on a server-side sideband, and answers with the SDP
// answer only — no key or secret (docs/REALTIME_METERING.md). The hold is settled when the session
// ends, not with this response.
import { openai } from "@/lib/ai/client";
import { withTokens } from "@/lib/ai/metered";
import { estimateVoiceCoach, startVoiceCoach, VOICE_COACH_HOLD_TTL_MS, voiceCoachRequestSchema } from "@/lib/ai/voice-coach";
import { realtimeMeter } from "@/lib/ai/voice-coach-meter";

export const POST = withTokens(
  "voice-coach-realtime",
  async ({ input, userId, defer }) => startVoiceCoach(realtimeMeter(openai), input, userId, defer()),
  {
    input: voiceCoachRequestSchema,
    estimate: (input, { engine }) => estimateVoiceCoach(engine, input),
    ttlMs: VOICE_COACH_HOLD_TTL_MS,
  },
);

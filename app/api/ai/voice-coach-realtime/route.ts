// POST /api/ai/voice-coach-realtime — starts a realtime voice session: holds the worst case of the
// chosen maximum length, mints a short-lived client secret for the browser, and meters the session
// on the server through a sideband connection (docs/REALTIME_METERING.md). The hold is settled when
// the session ends, not with this response.
import { openai } from "@/lib/ai/client";
import { withTokens } from "@/lib/ai/metered";
import { estimateVoiceCoach, startVoiceCoach, VOICE_COACH_HOLD_TTL_MS, voiceCoachRequestSchema } from "@/lib/ai/voice-coach";

export const POST = withTokens(
  "voice-coach-realtime",
  async ({ input, userId, defer }) => startVoiceCoach(openai(), input, userId, defer()),
  {
    input: voiceCoachRequestSchema,
    estimate: (input, { engine }) => estimateVoiceCoach(engine, input),
    ttlMs: VOICE_COACH_HOLD_TTL_MS,
  },
);

// Voice coach: { maxSeconds, sdp } starts a realtime voice session: holds the worst case of the
// chosen maximum length, creates the call at the provider with the browser's SDP offer and the
// server's own key, meters it on a server-side sideband, and answers with the SDP answer only — no
// key or secret (docs/REALTIME_METERING.md). The hold is settled when the session ends, not with
// the response (`defer()`); the attach and end routes control the session.
import { openai } from "../client";
import { defineFeature } from "../feature";
import {
  estimateVoiceCoach,
  startVoiceCoach,
  VOICE_COACH_HOLD_TTL_MS,
  VOICE_COACH_MODEL,
  voiceCoachRequestSchema,
} from "../voice-coach";
import { realtimeMeter } from "../voice-coach-meter";

export const voiceCoachRealtime = defineFeature({
  slug: "voice-coach-realtime",
  model: VOICE_COACH_MODEL,
  input: voiceCoachRequestSchema,
  // The page prices the chosen length before it has an SDP offer.
  pageInput: voiceCoachRequestSchema.pick({ maxSeconds: true }),
  estimate: (input, { engine }) => estimateVoiceCoach(engine, input),
  run: ({ input, userId, defer }) => startVoiceCoach(realtimeMeter(openai), input, userId, defer()),
  ttlMs: VOICE_COACH_HOLD_TTL_MS,
  page: {
    title: "Voice coach",
    description: "Talk with your coach in real time.",
    kind: "realtime",
    typicalRequest: "a two-minute voice session",
    typicalCost: (engine, model) =>
      engine.costOf(model, {
        kind: "realtime",
        textInputTokens: 2_000,
        textOutputTokens: 300,
        audioInputTokens: 1_200,
        audioOutputTokens: 1_200,
      }),
  },
});

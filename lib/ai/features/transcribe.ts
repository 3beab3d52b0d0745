// Transcribe: voice note → text, metered per second: multipart `file` (WAV, MP3, M4A, OGG or WebM,
// ≤ 25 MB) and optional `language`. The hold is the longest the file can play (never what its
// header claims); the charge is the usage the provider billed. Answers `{ text, seconds, tokens }`.
import { z } from "zod";
import { compressedHoldSeconds } from "../audio-duration";
import { openai } from "../client";
import { defineFeature } from "../feature";
import {
  estimateTranscription,
  MAX_AUDIO_BYTES,
  MAX_TRANSCRIBE_BODY_BYTES,
  parseTranscribeRequest,
  transcribe as transcribeAudio,
  TRANSCRIBE_MODEL,
} from "../transcribe";

/**
 * What a page sends before the upload, as the seconds the route will hold: a PCM WAV's length (as
 * the browser measured it); any other file the longest its size can play (the server never trusts
 * a compressed file's claimed length).
 */
const pageInput = z
  .union([
    z.object({
      bytes: z
        .number()
        .int()
        .positive("the voice note is empty")
        .max(MAX_AUDIO_BYTES, "voice notes must be at most 25 MB"),
      wav: z.literal(false),
    }),
    z.object({
      seconds: z
        .number()
        .positive("the voice note is empty")
        .max(24 * 3600),
      wav: z.literal(true).optional(),
    }),
  ])
  .transform((input) => ({
    seconds: "bytes" in input ? compressedHoldSeconds(input.bytes) : Math.ceil(input.seconds),
  }));

export const transcribe = defineFeature({
  slug: "transcribe",
  model: TRANSCRIBE_MODEL,
  parse: parseTranscribeRequest,
  pageInput,
  estimate: (input, { engine }) => estimateTranscription(engine, input),
  run: ({ input, meter, signal }) => transcribeAudio(openai(), input, meter, signal),
  maxBodyBytes: MAX_TRANSCRIBE_BODY_BYTES,
  ttlMs: 10 * 60_000,
  page: {
    title: "Transcribe",
    description: "A voice note: its text.",
    kind: "transcription",
    typicalRequest: "a one-minute voice note",
    typicalCost: (engine, model) => engine.estimateTranscriptionCost(model, { seconds: 60 }).worstCase,
  },
});

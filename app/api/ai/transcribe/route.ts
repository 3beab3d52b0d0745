// POST /api/ai/transcribe — voice note → text, metered per second: multipart `file` (WAV, MP3, M4A,
// OGG or WebM, ≤ 25 MB) and optional `language`. The hold is the longest the file can play (never
// what its header claims); the charge is the usage the provider billed. Answers `{ text, seconds, tokens }`.
import { openai } from "@/lib/ai/client";
import { withTokens } from "@/lib/ai/metered";
import { estimateTranscription, MAX_TRANSCRIBE_BODY_BYTES, parseTranscribeRequest, transcribe } from "@/lib/ai/transcribe";

export const POST = withTokens("transcribe", async ({ input, meter, signal }) => transcribe(openai(), input, meter, signal), {
  parse: parseTranscribeRequest,
  estimate: (input, { engine }) => estimateTranscription(engine, input),
  maxBodyBytes: MAX_TRANSCRIBE_BODY_BYTES,
  ttlMs: 10 * 60_000,
});

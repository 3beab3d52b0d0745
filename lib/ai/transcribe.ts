// Voice note → text (the original system's transcribe): Whisper, billed per second of audio.
//
// The upload is checked by its bytes (WAV, MP3, M4A, OGG, WebM; at most 25 MB — OpenAI's own limit).
// The hold never trusts what a container claims about the length (forgeable: audio-duration.ts): it
// is the exact duration of a PCM WAV, and for compressed audio the longest the byte size allows at
// the lowest bitrate a speech codec writes (`holdSeconds`). The charge is the usage the provider
// reports it billed — seconds (whisper-1) or tokens (gpt-4o-transcribe, gpt-4o-mini-transcribe);
// a response without usage is charged the held seconds.
import { toFile, type OpenAI } from "openai";
import { z } from "zod";
import type { BoundCostEngine, TranscriptionTokensUsage, TranscriptionUsage, Usage } from "../tokens/cost";
import type { Meter } from "../tokens/metering/meter";
import { BadRequestError, type Estimate } from "../tokens/metering/with-tokens";
import { providerCall } from "./attempts";
import { AUDIO_TYPES, holdSeconds, sniffAudioFormat, type AudioFormat } from "./audio-duration";
import { FEATURE_MODELS } from "./models";

export const TRANSCRIBE_MODEL = FEATURE_MODELS.transcribe;
export const MAX_AUDIO_BYTES = 25 * 1024 * 1024;
/** The request body limit: a file a little over 25 MB still gets a clear 400, not a bare 413. */
export const MAX_TRANSCRIBE_BODY_BYTES = 32 * 1024 * 1024;

const FORMAT_NAMES = "WAV, MP3, M4A, OGG (Opus or Vorbis) or WebM";

export interface TranscribeInput {
  audio: Buffer;
  format: AudioFormat;
  /** The seconds held: the longest the file can play (holdSeconds), never its header's claim. */
  seconds: number;
  /** ISO-639-1 language hint, if the user gave one. */
  language?: string;
}

const languageSchema = z
  .string()
  .trim()
  .regex(/^[a-z]{2}$/, "must be a two-letter ISO-639-1 code such as en or de")
  .optional()
  .or(z.literal("").transform(() => undefined));

/**
 * Reads and checks the multipart upload (field `file`, optional `language`). Every refusal is a
 * BadRequestError (400) saying what to send instead.
 */
export async function parseTranscribeRequest(request: Request, body: Buffer): Promise<TranscribeInput> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data")) {
    throw new BadRequestError("Send the voice note as multipart/form-data with the audio in a field named file.");
  }
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { "content-type": type } }).formData();
  } catch {
    throw new BadRequestError("The form data could not be read; send it as multipart/form-data.");
  }
  const file = form.get("file");
  if (!file || typeof file === "string")
    throw new BadRequestError("Attach the voice note as a file in the field named file.");
  if (file.size === 0) throw new BadRequestError("The audio file is empty.");
  if (file.size > MAX_AUDIO_BYTES) {
    throw new BadRequestError(
      `The audio file is ${(file.size / 1024 / 1024).toFixed(1)} MB; voice notes must be at most 25 MB.`,
    );
  }
  const language = languageSchema.safeParse(form.get("language") ?? undefined);
  if (!language.success) throw new BadRequestError(`language ${language.error.issues[0]?.message ?? "is invalid"}.`);

  const audio = Buffer.from(await file.arrayBuffer());
  const format = sniffAudioFormat(audio);
  if (!format)
    throw new BadRequestError(`The file is not audio of an accepted type (its content is not ${FORMAT_NAMES}).`);
  return { audio, format, seconds: holdSeconds(audio), language: language.data };
}

/** The price of the held seconds (the worst case the file allows). */
export function estimateTranscription(
  engine: BoundCostEngine,
  input: Pick<TranscribeInput, "seconds">,
  model: string = TRANSCRIBE_MODEL,
): Estimate {
  return engine.estimateTranscriptionCost(model, { seconds: input.seconds });
}

export interface Transcript {
  text: string;
  /** The seconds charged: as the provider reported them (the held seconds for a token-billed model). */
  seconds: number;
  model: string;
}

const count = (value: unknown): number | null =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : null;

/**
 * What the provider billed, from the response's `usage`: `{ type: "duration", seconds }` (whisper-1)
 * as a transcription of those seconds, or `{ type: "tokens", input_tokens, input_token_details:
 * { audio_tokens, text_tokens }, output_tokens }` (gpt-4o-transcribe and gpt-4o-mini-transcribe) as
 * a transcription-tokens usage, charged at the model's token prices. Input tokens without their
 * details count as audio (the dearer kind). Without usage: the held seconds (for a token-billed
 * model, priced as the hold's tokens: the charge is then exactly the hold).
 */
export function billedUsage(
  response: { usage?: unknown },
  heldSeconds: number,
): TranscriptionUsage | TranscriptionTokensUsage {
  const usage = response.usage as
    | {
        type?: unknown;
        seconds?: unknown;
        input_tokens?: unknown;
        output_tokens?: unknown;
        input_token_details?: { audio_tokens?: unknown; text_tokens?: unknown } | null;
      }
    | undefined;
  if (
    usage?.type === "duration" &&
    typeof usage.seconds === "number" &&
    Number.isFinite(usage.seconds) &&
    usage.seconds >= 0
  ) {
    return { kind: "transcription", seconds: usage.seconds };
  }
  if (usage?.type === "tokens") {
    const input = count(usage.input_tokens);
    const output = count(usage.output_tokens);
    if (input !== null && output !== null) {
      const audio = count(usage.input_token_details?.audio_tokens);
      const text = count(usage.input_token_details?.text_tokens);
      return audio !== null && text !== null
        ? { kind: "transcription-tokens", textInputTokens: text, audioInputTokens: audio, outputTokens: output }
        : { kind: "transcription-tokens", textInputTokens: 0, audioInputTokens: input, outputTokens: output };
    }
  }
  return { kind: "transcription", seconds: heldSeconds };
}

/** Transcribes the voice note and records what the provider billed on the meter. */
export async function transcribe(
  client: OpenAI,
  input: TranscribeInput,
  meter: Meter<Usage>,
  signal?: AbortSignal,
  model: string = TRANSCRIBE_MODEL,
): Promise<Transcript> {
  const file = await toFile(input.audio, `voice-note.${input.format}`, { type: AUDIO_TYPES[input.format] });
  const response = await providerCall(
    () =>
      client.audio.transcriptions.create(
        { model, file, response_format: "json", ...(input.language ? { language: input.language } : {}) },
        { signal },
      ),
    // No answer: the audio may have been transcribed and billed; it is charged the held seconds.
    { signal, onUnanswered: () => meter.record(model, { kind: "transcription", seconds: input.seconds }) },
  );
  const usage = billedUsage(response as { usage?: unknown }, input.seconds);
  meter.record(model, usage);
  return { text: response.text, seconds: usage.kind === "transcription" ? usage.seconds : input.seconds, model };
}

// Voice note → text (the original system's transcribe): Whisper, billed per second of audio.
//
// The upload is checked by its bytes (WAV, MP3, M4A, OGG, WebM; at most 25 MB — OpenAI's own limit)
// and its duration is read from them on the server (audio-duration.ts), so the hold is the exact
// price of that duration. The charge is the seconds the provider reports it billed; when a response
// carries no usage, the duration read here is charged.
import { toFile, type OpenAI } from "openai";
import { z } from "zod";
import type { BoundCostEngine, TranscriptionUsage, Usage } from "../tokens/cost";
import type { Meter } from "../tokens/metering/meter";
import { BadRequestError, type Estimate } from "../tokens/metering/with-tokens";
import { AUDIO_TYPES, readAudio, type AudioFormat } from "./audio-duration";
import { FEATURE_MODELS } from "./models";

export const TRANSCRIBE_MODEL = FEATURE_MODELS.transcribe;
export const MAX_AUDIO_BYTES = 25 * 1024 * 1024;
/** The request body limit: a file a little over 25 MB still gets a clear 400, not a bare 413. */
export const MAX_TRANSCRIBE_BODY_BYTES = 32 * 1024 * 1024;

const FORMAT_NAMES = "WAV, MP3, M4A, OGG (Opus or Vorbis) or WebM";

export interface TranscribeInput {
  audio: Buffer;
  format: AudioFormat;
  /** Duration read from the file, seconds. */
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
  if (!file || typeof file === "string") throw new BadRequestError("Attach the voice note as a file in the field named file.");
  if (file.size === 0) throw new BadRequestError("The audio file is empty.");
  if (file.size > MAX_AUDIO_BYTES) {
    throw new BadRequestError(`The audio file is ${(file.size / 1024 / 1024).toFixed(1)} MB; voice notes must be at most 25 MB.`);
  }
  const language = languageSchema.safeParse(form.get("language") ?? undefined);
  if (!language.success) throw new BadRequestError(`language ${language.error.issues[0]?.message ?? "is invalid"}.`);

  const audio = Buffer.from(await file.arrayBuffer());
  const { format, seconds } = readAudio(audio);
  if (!format) throw new BadRequestError(`The file is not audio of an accepted type (its content is not ${FORMAT_NAMES}).`);
  if (seconds === null) {
    throw new BadRequestError(
      `The duration of this ${format.toUpperCase()} file cannot be read from it (it may be damaged, empty, or a fragmented ` +
        "recording that declares none), and the price is set by the duration. Send a WAV or MP3 file, or re-save the recording.",
    );
  }
  return { audio, format, seconds, language: language.data };
}

/** The exact price of the duration read from the file. */
export function estimateTranscription(engine: BoundCostEngine, input: Pick<TranscribeInput, "seconds">): Estimate {
  return engine.estimateTranscriptionCost(TRANSCRIBE_MODEL, { seconds: input.seconds });
}

export interface Transcript {
  text: string;
  /** The seconds charged: as the provider reported them. */
  seconds: number;
  model: string;
}

/** The seconds the provider billed, from the response's `usage` ({ type: "duration", seconds }). */
export function billedUsage(response: { usage?: unknown }, measuredSeconds: number): TranscriptionUsage {
  const usage = response.usage as { type?: unknown; seconds?: unknown } | undefined;
  if (usage?.type === "duration" && typeof usage.seconds === "number" && Number.isFinite(usage.seconds) && usage.seconds >= 0) {
    return { kind: "transcription", seconds: usage.seconds };
  }
  return { kind: "transcription", seconds: measuredSeconds };
}

/** Transcribes the voice note and records the billed seconds on the meter. */
export async function transcribe(client: OpenAI, input: TranscribeInput, meter: Meter<Usage>, signal?: AbortSignal): Promise<Transcript> {
  const file = await toFile(input.audio, `voice-note.${input.format}`, { type: AUDIO_TYPES[input.format] });
  const response = await client.audio.transcriptions.create(
    { model: TRANSCRIBE_MODEL, file, response_format: "json", ...(input.language ? { language: input.language } : {}) },
    { signal },
  );
  const usage = billedUsage(response as { usage?: unknown }, input.seconds);
  meter.record(TRANSCRIBE_MODEL, usage);
  return { text: response.text, seconds: usage.seconds, model: TRANSCRIBE_MODEL };
}

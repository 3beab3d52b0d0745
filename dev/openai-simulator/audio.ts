// Audio: WAV header parsing, duration estimation and POST /v1/audio/transcriptions.
import type { ServerResponse } from "node:http";
import { HttpError, invalidRequest, sendJson, sendText, type ResponseContext } from "./http";
import { sha256Hex } from "./rng";
import { transcriptFor } from "./text";
import { AUDIO_TOKENS_PER_SECOND, encodingForModel } from "./tokens";

export interface WavInfo {
  /** 1 = PCM, 3 = IEEE float, 0xFFFE = WAVE_FORMAT_EXTENSIBLE, … */
  audioFormat: number;
  channels: number;
  sampleRate: number;
  byteRate: number;
  blockAlign: number;
  bitsPerSample: number;
  dataBytes: number;
  durationSeconds: number;
}

/**
 * Parses a RIFF/WAVE file: walks the chunks for "fmt " and "data"; duration = data bytes / byte rate
 * (byte rate recomputed from sample rate × block align when the header's is 0). A data chunk whose
 * declared size runs past the end of the file (streamed WAVs write 0 or 0xFFFFFFFF) counts the bytes
 * actually present. Returns null for anything that is not a WAV with a usable fmt chunk.
 */
export function parseWav(bytes: Uint8Array): WavInfo | null {
  if (bytes.length < 12) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (tag(0) !== "RIFF" || tag(8) !== "WAVE") return null;
  let offset = 12;
  let fmt: Omit<WavInfo, "dataBytes" | "durationSeconds"> | null = null;
  let dataBytes: number | null = null;
  while (offset + 8 <= bytes.length) {
    const id = tag(offset);
    const declared = view.getUint32(offset + 4, true);
    const bodyStart = offset + 8;
    const available = bytes.length - bodyStart;
    if (id === "fmt " && declared >= 16 && available >= 16) {
      fmt = {
        audioFormat: view.getUint16(bodyStart, true),
        channels: view.getUint16(bodyStart + 2, true),
        sampleRate: view.getUint32(bodyStart + 4, true),
        byteRate: view.getUint32(bodyStart + 8, true),
        blockAlign: view.getUint16(bodyStart + 12, true),
        bitsPerSample: view.getUint16(bodyStart + 14, true),
      };
    } else if (id === "data") {
      dataBytes = declared === 0 || declared > available ? available : declared;
      break;
    }
    offset = bodyStart + declared + (declared % 2); // chunks are word-aligned
  }
  if (!fmt || dataBytes === null) return null;
  const byteRate = fmt.byteRate > 0 ? fmt.byteRate : fmt.sampleRate * fmt.blockAlign;
  if (byteRate <= 0) return null;
  return { ...fmt, byteRate, dataBytes, durationSeconds: dataBytes / byteRate };
}

/**
 * Bitrate the simulator decodes compressed containers (M4A, OGG, WebM, …) at: 64 kbit/s = 8,000
 * bytes per second, a typical voice recording. Like the API, which decodes the audio, it never reads
 * what the container claims about its length.
 */
export const COMPRESSED_AUDIO_BYTES_PER_SECOND = 8_000;

// MPEG audio frame headers (ISO 11172-3 / 13818-3), kbit/s by [MPEG-1?][layer], index 1–14.
const MPEG_BITRATES: Record<"1" | "2", Record<1 | 2 | 3, readonly number[]>> = {
  "1": {
    1: [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    2: [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    3: [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  },
  "2": {
    1: [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    2: [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    3: [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  },
};
const MPEG_RATES: Record<number, readonly number[]> = {
  3: [44_100, 48_000, 32_000],
  2: [22_050, 24_000, 16_000],
  0: [11_025, 12_000, 8_000],
};

/** The MPEG audio frame at `at`: its byte length and duration, or null. */
function mpegFrame(bytes: Uint8Array, at: number): { length: number; seconds: number } | null {
  if (at + 4 > bytes.length || bytes[at] !== 0xff || (bytes[at + 1]! & 0xe0) !== 0xe0) return null;
  const version = (bytes[at + 1]! >> 3) & 3;
  const layerBits = (bytes[at + 1]! >> 1) & 3;
  const bitrateIndex = bytes[at + 2]! >> 4;
  const rateIndex = (bytes[at + 2]! >> 2) & 3;
  if (version === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const bitrate = MPEG_BITRATES[version === 3 ? "1" : "2"][layer][bitrateIndex - 1]! * 1000;
  const rate = MPEG_RATES[version]![rateIndex]!;
  const padding = (bytes[at + 2]! >> 1) & 1;
  const samples = layer === 1 ? 384 : layer === 3 && version !== 3 ? 576 : 1152;
  const length =
    layer === 1
      ? (Math.floor((12 * bitrate) / rate) + padding) * 4
      : Math.floor(((samples / 8) * bitrate) / rate) + padding;
  return { length, seconds: samples / rate };
}

/**
 * Decodes an MP3 as a decoder does: every frame in the file counts, and bytes that are no frame (tags,
 * junk) are skipped until the next frame header followed by another one. Null when there are fewer
 * than two frames.
 */
export function mp3DecodedSeconds(bytes: Uint8Array): number | null {
  let seconds = 0;
  let frames = 0;
  let at = 0;
  let synced = false; // the previous frame ended here: no look-ahead needed to trust this header
  while (at + 4 <= bytes.length) {
    const frame = mpegFrame(bytes, at);
    const fits = frame !== null && at + frame.length <= bytes.length;
    const next: boolean =
      fits && (synced || at + frame.length === bytes.length || mpegFrame(bytes, at + frame.length) !== null);
    synced = fits && next;
    if (frame && synced) {
      seconds += frame.seconds;
      frames++;
      at += frame.length;
    } else at++;
  }
  return frames >= 2 ? seconds : null;
}

/**
 * Duration in seconds, rounded to milliseconds: exact for WAV (its samples); for MP3 every frame the
 * file holds (junk skipped); for other compressed audio the byte size at 64 kbit/s — never what a
 * container's header claims, as the real API decodes the audio.
 */
export function audioDurationSeconds(bytes: Uint8Array): {
  seconds: number;
  source: "wav-header" | "mp3-frames" | "bitrate-estimate";
} {
  const wav = parseWav(bytes);
  if (wav) return { seconds: Math.round(wav.durationSeconds * 1000) / 1000, source: "wav-header" };
  const id3 = bytes[0] === 0x49 && bytes[1] === 0x44 && bytes[2] === 0x33; // "ID3"
  const mp3 = id3 || mpegFrame(bytes, 0) ? mp3DecodedSeconds(bytes) : null;
  if (mp3 !== null) return { seconds: Math.round(mp3 * 1000) / 1000, source: "mp3-frames" };
  return {
    seconds: Math.round((bytes.length / COMPRESSED_AUDIO_BYTES_PER_SECOND) * 1000) / 1000,
    source: "bitrate-estimate",
  };
}

const LANGUAGE_NAMES: Record<string, string> = {
  en: "english",
  de: "german",
  fr: "french",
  es: "spanish",
  it: "italian",
  nl: "dutch",
  pt: "portuguese",
  pl: "polish",
  sv: "swedish",
  ja: "japanese",
};

const RESPONSE_FORMATS = ["json", "text", "srt", "verbose_json", "vtt"] as const;

function timestamp(seconds: number, separator: "," | "."): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(ms % 1000, 3)}`;
}

export interface TranscriptionForm {
  fields: Map<string, string[]>;
  file: { name: string; type: string; bytes: Uint8Array } | null;
}

/**
 * POST /v1/audio/transcriptions. The transcript has ~2.5 words per second of audio, seeded by the
 * file's SHA-256. whisper-1 reports `usage: {type:"duration", seconds: ceil(duration)}`; other models
 * report token usage (audio: 10 tokens per second, rounded up; text: the `prompt` field's tokens;
 * output: the transcript's tokens). verbose_json/srt/vtt are whisper-1 only, as in the API.
 */
export async function handleTranscription(
  res: ServerResponse,
  ctx: ResponseContext,
  form: TranscriptionForm,
): Promise<unknown> {
  const field = (name: string) => form.fields.get(name)?.[0];
  const model = field("model");
  if (!model) throw invalidRequest("you must provide a model parameter", "model", "missing_required_parameter");
  if (!form.file) throw invalidRequest("Missing required parameter: 'file'.", "file", "missing_required_parameter");
  if (form.file.bytes.length === 0) throw invalidRequest("The audio file is empty.", "file", "invalid_value");
  const format = field("response_format") ?? "json";
  if (!(RESPONSE_FORMATS as readonly string[]).includes(format)) {
    throw invalidRequest(
      `Invalid value: '${format}'. Supported values are: 'json', 'text', 'srt', 'verbose_json', and 'vtt'.`,
      "response_format",
      "invalid_value",
    );
  }
  const whisper = model.startsWith("whisper");
  if (!whisper && format !== "json" && format !== "text") {
    throw new HttpError(
      400,
      `response_format '${format}' is not compatible with model '${model}'. Use 'json' or 'text' instead.`,
      "invalid_request_error",
      "response_format",
      "unsupported_value",
    );
  }

  const { seconds } = audioDurationSeconds(form.file.bytes);
  const text = transcriptFor(sha256Hex(form.file.bytes), seconds);
  const languageCode = field("language") ?? "en";
  const language = LANGUAGE_NAMES[languageCode] ?? languageCode;
  const encoding = await encodingForModel("gpt-4o");
  const usage = whisper
    ? { type: "duration" as const, seconds: Math.ceil(seconds) }
    : (() => {
        const audioTokens = Math.ceil(seconds * AUDIO_TOKENS_PER_SECOND);
        const textTokens = encoding.count(field("prompt") ?? "");
        const outputTokens = encoding.count(text);
        return {
          type: "tokens" as const,
          input_tokens: audioTokens + textTokens,
          input_token_details: { text_tokens: textTokens, audio_tokens: audioTokens },
          output_tokens: outputTokens,
          total_tokens: audioTokens + textTokens + outputTokens,
        };
      })();

  // Segments: one per sentence, timed in proportion to their length.
  const sentences = text.match(/[^.]+\./g) ?? [text];
  const totalChars = sentences.reduce((n, s) => n + s.length, 0);
  let cursor = 0;
  const segments = sentences.map((sentence, id) => {
    const start = (cursor / totalChars) * seconds;
    cursor += sentence.length;
    const end = (cursor / totalChars) * seconds;
    return {
      id,
      seek: 0,
      start: Math.round(start * 100) / 100,
      end: Math.round(end * 100) / 100,
      text: ` ${sentence.trim()}`,
      tokens: encoding.encode(` ${sentence.trim()}`),
      temperature: 0,
      avg_logprob: -0.25,
      compression_ratio: 1.2,
      no_speech_prob: 0.01,
    };
  });

  switch (format) {
    case "text":
      sendText(res, ctx, 200, `${text}\n`, "text/plain; charset=utf-8");
      return usage;
    case "srt":
      sendText(
        res,
        ctx,
        200,
        segments
          .map((s, i) => `${i + 1}\n${timestamp(s.start, ",")} --> ${timestamp(s.end, ",")}\n${s.text.trim()}\n`)
          .join("\n"),
        "text/plain; charset=utf-8",
      );
      return usage;
    case "vtt":
      sendText(
        res,
        ctx,
        200,
        `WEBVTT\n\n${segments.map((s) => `${timestamp(s.start, ".")} --> ${timestamp(s.end, ".")}\n${s.text.trim()}\n`).join("\n")}`,
        "text/vtt; charset=utf-8",
      );
      return usage;
    case "verbose_json": {
      const granularities = [
        ...(form.fields.get("timestamp_granularities[]") ?? []),
        ...(form.fields.get("timestamp_granularities") ?? []),
      ];
      const body: Record<string, unknown> = { task: "transcribe", language, duration: seconds, text, segments, usage };
      if (granularities.includes("word")) {
        const words = text.replace(/[.,]/g, "").split(/\s+/).filter(Boolean);
        body.words = words.map((word, i) => ({
          word,
          start: Math.round(((i * seconds) / words.length) * 100) / 100,
          end: Math.round((((i + 1) * seconds) / words.length) * 100) / 100,
        }));
        if (!granularities.includes("segment")) delete body.segments;
      }
      sendJson(res, ctx, 200, body);
      return usage;
    }
    default:
      sendJson(res, ctx, 200, { text, usage });
      return usage;
  }
}

// The type of an uploaded audio file, read from its bytes (never from its name or declared type),
// and the seconds its transcription hold covers.
//
// What a compressed container says about its length is a claim, not a measure: an M4A's mvhd, an
// OGG's last granule, a WebM's Duration are numbers anyone can write, and an MP3 walk stops at junk
// that a decoder skips to find more frames. So the hold never reads them: `holdSeconds` sets it from
// what the bytes can hold at most (below); only a PCM WAV's length is exact, from its layout. The
// container-header readers that show what a forged file claims live with the tests
// (test/ai/audio-headers.ts).
export const AUDIO_TYPES = {
  wav: "audio/wav",
  mp3: "audio/mpeg",
  m4a: "audio/mp4",
  ogg: "audio/ogg",
  webm: "audio/webm",
} as const;

export type AudioFormat = keyof typeof AUDIO_TYPES;

const ascii = (bytes: Uint8Array, offset: number, length: number) =>
  offset + length <= bytes.length ? String.fromCharCode(...bytes.subarray(offset, offset + length)) : "";

/** The container of these bytes by their signature, or null when it is none of AUDIO_TYPES. */
export function sniffAudioFormat(bytes: Uint8Array): AudioFormat | null {
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "WAVE") return "wav";
  if (ascii(bytes, 0, 4) === "OggS") return "ogg";
  if (ascii(bytes, 4, 4) === "ftyp") return "m4a";
  if (bytes.length >= 4 && bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3)
    return "webm";
  if (ascii(bytes, 0, 3) === "ID3") return "mp3";
  if (mp3FrameAt(bytes, 0)) return "mp3";
  return null;
}

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

// ── MP3 ──────────────────────────────────────────────────────────────────────────────────────────

const MP3_BITRATES = {
  // kbit/s by [version group][layer], index 1–14
  v1: {
    1: [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    2: [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    3: [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  },
  v2: {
    1: [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    2: [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    3: [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  },
} as const;
const MP3_SAMPLE_RATES = {
  3: [44_100, 48_000, 32_000],
  2: [22_050, 24_000, 16_000],
  0: [11_025, 12_000, 8_000],
} as const;

/** The MPEG audio frame starting at `offset`: its length in bytes, samples and sample rate, or null. */
export function mp3FrameAt(
  bytes: Uint8Array,
  offset: number,
): { length: number; samples: number; sampleRate: number } | null {
  if (offset + 4 > bytes.length) return null;
  const [b0, b1, b2] = [bytes[offset]!, bytes[offset + 1]!, bytes[offset + 2]!];
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return null;
  const version = (b1 >> 3) & 0x03; // 3 = MPEG1, 2 = MPEG2, 0 = MPEG2.5, 1 reserved
  const layerBits = (b1 >> 1) & 0x03; // 3 = layer I, 2 = II, 1 = III
  const bitrateIndex = (b2 >> 4) & 0x0f;
  const rateIndex = (b2 >> 2) & 0x03;
  if (version === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const mpeg1 = version === 3;
  const bitrate = MP3_BITRATES[mpeg1 ? "v1" : "v2"][layer][bitrateIndex - 1]! * 1000;
  const sampleRate = MP3_SAMPLE_RATES[version as 3 | 2 | 0][rateIndex]!;
  const padding = (b2 >> 1) & 0x01;
  if (layer === 1) return { length: (Math.floor((12 * bitrate) / sampleRate) + padding) * 4, samples: 384, sampleRate };
  const samples = layer === 3 && !mpeg1 ? 576 : 1152;
  return { length: Math.floor(((samples / 8) * bitrate) / sampleRate) + padding, samples, sampleRate };
}

// ── The hold: the longest the bytes can play ─────────────────────────────────────────────────────

/**
 * The lowest bitrate at which the compressed codecs accepted here still carry speech: Opus's lowest
 * target (6 kbit/s; AAC-HE v2 and MPEG-2.5 Layer III go no lower than 8). A file of n bytes plays at
 * most n × 8 ÷ 6,000 seconds at any bitrate a real encoder writes.
 */
export const MIN_COMPRESSED_BITS_PER_SECOND = 6_000;

/** WAV sample formats whose block align fixes the byte rate: PCM, IEEE float, A-law, µ-law, extensible. */
const WAV_LINEAR_FORMATS = new Set([0x0001, 0x0003, 0x0006, 0x0007, 0xfffe]);

/**
 * The PCM duration of a WAV: data bytes ÷ (sample rate × block align) — the layout a decoder plays
 * the samples by, never the header's byte-rate field. Null for a WAV of another (compressed) format
 * or without a usable fmt chunk.
 */
export function wavPcmSeconds(bytes: Uint8Array): number | null {
  if (ascii(bytes, 0, 4) !== "RIFF" || ascii(bytes, 8, 4) !== "WAVE") return null;
  const v = view(bytes);
  let rate = 0;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = ascii(bytes, offset, 4);
    const size = v.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === "fmt " && size >= 16 && body + 16 <= bytes.length) {
      const format = v.getUint16(body, true);
      const sampleRate = v.getUint32(body + 4, true);
      const blockAlign = v.getUint16(body + 12, true);
      rate = WAV_LINEAR_FORMATS.has(format) ? sampleRate * blockAlign : 0;
    } else if (id === "data") {
      if (rate <= 0) return null;
      const present = bytes.length - body;
      return (size === 0 || size > present ? present : size) / rate;
    }
    offset = body + size + (size % 2);
  }
  return null;
}

/**
 * The seconds a transcription hold covers for these bytes: for PCM WAV its exact duration; for every
 * compressed format (or a WAV holding one) the longest the byte size allows at
 * MIN_COMPRESSED_BITS_PER_SECOND, whatever the container claims. So a 30-minute file whose header
 * says 1 s is held for at least its 30 minutes; the charge is then what the provider reports it
 * billed. Rounded up to a whole second (the unit of the bill).
 */
export function holdSeconds(bytes: Uint8Array): number {
  const pcm = wavPcmSeconds(bytes);
  if (pcm !== null && pcm > 0) return Math.ceil(pcm);
  return compressedHoldSeconds(bytes.length);
}

/** The longest `byteLength` bytes of compressed audio can play (at MIN_COMPRESSED_BITS_PER_SECOND), whole seconds, ≥ 1. */
export function compressedHoldSeconds(byteLength: number): number {
  return Math.max(1, Math.ceil((byteLength * 8) / MIN_COMPRESSED_BITS_PER_SECOND));
}

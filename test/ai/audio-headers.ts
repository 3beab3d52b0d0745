// What an audio file's container header claims about its length (tests only). The product never
// reads these claims — they are forgeable, so the transcription hold comes from the byte size
// (lib/ai/audio-duration.ts `holdSeconds`) — but tests use them to show what a forged file says:
//
//   WAV   RIFF/WAVE: data bytes ÷ byte rate of the fmt chunk (exact; the samples are all there).
//   MP3   MPEG audio frames walked one by one: Σ samples per frame ÷ sample rate (exact for the
//         frames present; an ID3v2 tag in front and a trailing ID3v1 tag are skipped).
//   M4A   ISO BMFF (mp4, m4a): moov → mvhd duration ÷ timescale. A fragmented file (as some
//         browsers record) declares 0 there and is refused.
//   OGG   Opus or Vorbis: the last page's granule position ÷ the sample rate (Opus: 48 kHz, minus
//         the pre-skip of its header; Vorbis: the rate of its identification header).
//   WEBM  Matroska Segment → Info: Duration × TimecodeScale; when absent (browsers' MediaRecorder
//         writes none) the clusters are walked: the last block's time, plus one maximal frame
//         (120 ms, the longest Opus packet) so the worst case is never below the real duration.
//
// Every reader returns null when the bytes are not what it reads.
import { mp3FrameAt, sniffAudioFormat, type AudioFormat } from "../../lib/ai/audio-duration";

const ascii = (bytes: Uint8Array, offset: number, length: number) =>
  offset + length <= bytes.length ? String.fromCharCode(...bytes.subarray(offset, offset + length)) : "";

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Type and duration, or null when the type is not allowed or its duration cannot be read. */
export function readAudio(bytes: Uint8Array): { format: AudioFormat | null; seconds: number | null } {
  const format = sniffAudioFormat(bytes);
  if (!format) return { format: null, seconds: null };
  const seconds = READERS[format](bytes);
  return { format, seconds: seconds !== null && Number.isFinite(seconds) && seconds > 0 ? seconds : null };
}

const READERS: Record<AudioFormat, (bytes: Uint8Array) => number | null> = {
  wav: wavSeconds,
  mp3: mp3Seconds,
  m4a: mp4Seconds,
  ogg: oggSeconds,
  webm: webmSeconds,
};

// ── WAV ──────────────────────────────────────────────────────────────────────────────────────────

export function wavSeconds(bytes: Uint8Array): number | null {
  if (ascii(bytes, 0, 4) !== "RIFF" || ascii(bytes, 8, 4) !== "WAVE") return null;
  const v = view(bytes);
  let byteRate = 0;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = ascii(bytes, offset, 4);
    const size = v.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === "fmt " && size >= 16 && body + 16 <= bytes.length) {
      const sampleRate = v.getUint32(body + 4, true);
      const blockAlign = v.getUint16(body + 12, true);
      byteRate = v.getUint32(body + 8, true) || sampleRate * blockAlign;
    } else if (id === "data") {
      if (byteRate <= 0) return null;
      // A streamed WAV declares 0 or 0xFFFFFFFF: count the bytes actually present.
      const present = bytes.length - body;
      return (size === 0 || size > present ? present : size) / byteRate;
    }
    offset = body + size + (size % 2);
  }
  return null;
}

export function mp3Seconds(bytes: Uint8Array): number | null {
  let offset = 0;
  if (ascii(bytes, 0, 3) === "ID3" && bytes.length >= 10) {
    // ID3v2: 10-byte header, synch-safe size, optional 10-byte footer.
    const size =
      ((bytes[6]! & 0x7f) << 21) | ((bytes[7]! & 0x7f) << 14) | ((bytes[8]! & 0x7f) << 7) | (bytes[9]! & 0x7f);
    offset = 10 + size + (bytes[5]! & 0x10 ? 10 : 0);
  }
  // Tolerate a little padding between the tag and the first frame.
  const searchEnd = Math.min(bytes.length, offset + 4096);
  while (offset < searchEnd && !(mp3FrameAt(bytes, offset) && framesFollow(bytes, offset))) offset++;
  let seconds = 0;
  let frames = 0;
  for (let frame = mp3FrameAt(bytes, offset); frame; frame = mp3FrameAt(bytes, offset)) {
    if (offset + frame.length > bytes.length) break; // a truncated last frame is not decoded
    seconds += frame.samples / frame.sampleRate;
    frames++;
    offset += frame.length;
  }
  return frames >= 2 ? seconds : null;
}

/** A frame at `offset` followed by another one: a real frame, not 0xFFE… in other data. */
function framesFollow(bytes: Uint8Array, offset: number): boolean {
  const frame = mp3FrameAt(bytes, offset)!;
  return mp3FrameAt(bytes, offset + frame.length) !== null;
}

// ── MP4 / M4A ────────────────────────────────────────────────────────────────────────────────────

/** The boxes inside [start, end): type, body start, end. */
function* boxes(bytes: Uint8Array, start: number, end: number): Generator<{ type: string; body: number; end: number }> {
  const v = view(bytes);
  let offset = start;
  while (offset + 8 <= end) {
    let size = v.getUint32(offset);
    const type = ascii(bytes, offset + 4, 4);
    let header = 8;
    if (size === 1) {
      if (offset + 16 > end) return;
      size = Number(v.getBigUint64(offset + 8));
      header = 16;
    } else if (size === 0) size = end - offset;
    if (size < header || offset + size > end) {
      // A box running past the end (a truncated upload): still readable if its header is here.
      yield { type, body: offset + header, end };
      return;
    }
    yield { type, body: offset + header, end: offset + size };
    offset += size;
  }
}

export function mp4Seconds(bytes: Uint8Array): number | null {
  const v = view(bytes);
  for (const box of boxes(bytes, 0, bytes.length)) {
    if (box.type !== "moov") continue;
    for (const inner of boxes(bytes, box.body, box.end)) {
      if (inner.type !== "mvhd" || inner.body + 32 > bytes.length) continue;
      const version = bytes[inner.body]!;
      const timescale = v.getUint32(inner.body + (version === 1 ? 20 : 12));
      const duration = version === 1 ? Number(v.getBigUint64(inner.body + 24)) : v.getUint32(inner.body + 16);
      if (timescale === 0 || duration === 0 || (version === 0 && duration === 0xffffffff)) return null;
      return duration / timescale;
    }
  }
  return null;
}

// ── OGG (Opus, Vorbis) ───────────────────────────────────────────────────────────────────────────

export function oggSeconds(bytes: Uint8Array): number | null {
  if (ascii(bytes, 0, 4) !== "OggS" || bytes.length < 28) return null;
  const v = view(bytes);
  const serial = v.getUint32(14, true);
  const segments = bytes[26]!;
  const packet = 27 + segments; // the first packet: the codec's identification header
  let rate: number;
  let preSkip = 0;
  if (ascii(bytes, packet, 8) === "OpusHead" && packet + 12 <= bytes.length) {
    rate = 48_000; // Opus granule positions always count 48 kHz samples
    preSkip = v.getUint16(packet + 10, true);
  } else if (bytes[packet] === 0x01 && ascii(bytes, packet + 1, 6) === "vorbis" && packet + 16 <= bytes.length) {
    rate = v.getUint32(packet + 12, true);
  } else return null;
  if (rate === 0) return null;
  // The last page of the same logical stream with a granule position (−1 means "no packet ends here").
  for (let offset = bytes.length - 27; offset >= 0; offset--) {
    if (bytes[offset] !== 0x4f || ascii(bytes, offset, 4) !== "OggS" || v.getUint32(offset + 14, true) !== serial)
      continue;
    const granule = v.getBigInt64(offset + 6, true);
    if (granule < 0n) continue;
    return Math.max(0, Number(granule) - preSkip) / rate;
  }
  return null;
}

// ── WebM / Matroska ──────────────────────────────────────────────────────────────────────────────

const EBML = {
  segment: 0x18538067,
  info: 0x1549a966,
  timecodeScale: 0x2ad7b1,
  duration: 0x4489,
  cluster: 0x1f43b675,
  timecode: 0xe7,
  simpleBlock: 0xa3,
  blockGroup: 0xa0,
  block: 0xa1,
};
/** The longest Opus packet: the margin added to the last block's start when no Duration is written. */
const MAX_FRAME_SECONDS = 0.12;

/** An EBML variable-length integer at `offset`: its value (marker removed for sizes) and length. */
function vint(
  bytes: Uint8Array,
  offset: number,
  keepMarker: boolean,
): { value: number; length: number; unknown: boolean } | null {
  const first = bytes[offset];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23; // 1…8
  if (offset + length > bytes.length) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + bytes[offset + i]!;
    if (bytes[offset + i] !== 0xff) allOnes = false;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

function readUint(bytes: Uint8Array, body: number, end: number): number {
  let value = 0;
  for (let i = body; i < Math.min(end, bytes.length); i++) value = value * 256 + bytes[i]!;
  return value;
}

/** Master elements read by descending into them (so unknown sizes, as in live recordings, just work). */
const ENTERED = new Set([EBML.segment, EBML.info, EBML.cluster, EBML.blockGroup]);

/**
 * One linear pass over the elements: the master elements that matter are entered, every other
 * element is skipped by its size. Reads Info's TimecodeScale and Duration, and each block's time
 * (its cluster's Timecode + its own relative timecode).
 */
export function webmSeconds(bytes: Uint8Array): number | null {
  const v = view(bytes);
  let scale = 1_000_000; // ns per tick (the default TimecodeScale)
  let duration: number | null = null;
  let clusterTicks = 0;
  let lastTicks = -1;
  let sawSegment = false;
  let offset = 0;
  while (offset < bytes.length) {
    const id = vint(bytes, offset, true);
    const size = id && vint(bytes, offset + id.length, false);
    if (!id || !size) break;
    const body = offset + id.length + size.length;
    const end = size.unknown ? bytes.length : body + size.value;
    if (ENTERED.has(id.value)) {
      if (id.value === EBML.segment) sawSegment = true;
      offset = body;
      continue;
    }
    if (id.value === EBML.timecodeScale) scale = readUint(bytes, body, end);
    else if (id.value === EBML.duration && end <= bytes.length) {
      duration = size.value === 4 ? v.getFloat32(body) : size.value === 8 ? v.getFloat64(body) : null;
    } else if (id.value === EBML.timecode) clusterTicks = readUint(bytes, body, end);
    else if (id.value === EBML.simpleBlock || id.value === EBML.block) {
      const track = vint(bytes, body, false);
      if (track && body + track.length + 2 <= bytes.length)
        lastTicks = Math.max(lastTicks, clusterTicks + v.getInt16(body + track.length));
    }
    offset = end;
  }
  if (!sawSegment || scale <= 0) return null;
  if (duration !== null && duration > 0) return (duration * scale) / 1e9;
  if (lastTicks < 0) return null;
  return (lastTicks * scale) / 1e9 + MAX_FRAME_SECONDS;
}

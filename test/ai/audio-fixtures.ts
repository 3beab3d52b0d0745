// Audio files of a known duration, built byte by byte (tests only): each container laid out as its
// specification and common encoders write it, with silent or constant content.

const u32le = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const u16le = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
const u32be = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

/** PCM16 WAV of `seconds`. `streamed`: the data chunk declares size 0, as live writers do. */
export function wavFile(seconds: number, { sampleRate = 16_000, channels = 1, streamed = false } = {}): Uint8Array {
  const blockAlign = channels * 2;
  const data = Buffer.alloc(Math.round(seconds * sampleRate) * blockAlign, 0x01);
  const fmt = Buffer.concat([
    u16le(1),
    u16le(channels),
    u32le(sampleRate),
    u32le(sampleRate * blockAlign),
    u16le(blockAlign),
    u16le(16),
  ]);
  const body = Buffer.concat([
    Buffer.from("WAVE"),
    Buffer.from("fmt "),
    u32le(16),
    fmt,
    Buffer.from("data"),
    u32le(streamed ? 0 : data.length),
    data,
  ]);
  return new Uint8Array(Buffer.concat([Buffer.from("RIFF"), u32le(streamed ? 0 : body.length), body]));
}

/** MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: `frames` frames of 417 bytes (1,152 samples each). */
export function mp3File(frames: number, { id3 = false } = {}): Uint8Array {
  const frame = Buffer.alloc(417, 0x55);
  frame.set([0xff, 0xfb, 0x90, 0x00]);
  const parts: Buffer[] = [];
  if (id3) {
    const tag = Buffer.alloc(300, 0);
    parts.push(Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, (300 >> 7) & 0x7f, 300 & 0x7f]), tag);
  }
  for (let i = 0; i < frames; i++) parts.push(frame);
  if (id3) parts.push(Buffer.concat([Buffer.from("TAG"), Buffer.alloc(125, 0x20)]));
  return new Uint8Array(Buffer.concat(parts));
}

const box = (type: string, ...content: Buffer[]) => {
  const body = Buffer.concat(content);
  return Buffer.concat([u32be(8 + body.length), Buffer.from(type), body]);
};

/**
 * An M4A with ftyp, moov/mvhd (timescale 1,000 or 48,000 for version 1) and an mdat of `mdatBytes`
 * (default 2,000). With a large mdat and a small `seconds`, a file whose header lies about its length.
 */
export function mp4File(seconds: number, { version = 0, mdatBytes = 2_000 } = {}): Uint8Array {
  const ftyp = box("ftyp", Buffer.from("M4A "), u32be(0), Buffer.from("M4A isom"));
  let mvhd: Buffer;
  if (version === 1) {
    const b = Buffer.alloc(4 + 8 + 8 + 4 + 8 + 80);
    b[0] = 1;
    b.writeUInt32BE(48_000, 20);
    b.writeBigUInt64BE(BigInt(Math.round(seconds * 48_000)), 24);
    mvhd = box("mvhd", b);
  } else {
    const b = Buffer.alloc(4 + 4 + 4 + 4 + 4 + 80);
    b.writeUInt32BE(1_000, 12);
    b.writeUInt32BE(Math.round(seconds * 1_000), 16);
    mvhd = box("mvhd", b);
  }
  return new Uint8Array(
    Buffer.concat([ftyp, box("moov", mvhd, box("trak", Buffer.alloc(16))), box("mdat", Buffer.alloc(mdatBytes, 7))]),
  );
}

function oggPage(serial: number, sequence: number, granule: bigint, packet: Buffer, headerType = 0): Buffer {
  const header = Buffer.alloc(27);
  header.write("OggS", 0);
  header[5] = headerType;
  header.writeBigInt64LE(granule, 6);
  header.writeUInt32LE(serial, 14);
  header.writeUInt32LE(sequence, 18);
  const lacing: number[] = [];
  let left = packet.length;
  while (left >= 255) {
    lacing.push(255);
    left -= 255;
  }
  lacing.push(left);
  header[26] = lacing.length;
  return Buffer.concat([header, Buffer.from(lacing), packet]);
}

/**
 * OGG Opus of `seconds`: OpusHead (pre-skip 312), OpusTags, audio pages, the last granule = 48 kHz ×
 * seconds + pre-skip. `audioBytes`: one more page of that much audio before the last (a file longer
 * than its granules claim).
 */
export function oggOpusFile(seconds: number, { audioBytes = 0 } = {}): Uint8Array {
  const head = Buffer.concat([
    Buffer.from("OpusHead"),
    Buffer.from([1, 1]),
    u16le(312),
    u32le(16_000),
    u16le(0),
    Buffer.from([0]),
  ]);
  const total = BigInt(Math.round(seconds * 48_000) + 312);
  return new Uint8Array(
    Buffer.concat([
      oggPage(77, 0, 0n, head, 2),
      oggPage(77, 1, 0n, Buffer.concat([Buffer.from("OpusTags"), u32le(0), u32le(0)])),
      oggPage(77, 2, total / 2n, Buffer.alloc(400, 3)),
      oggPage(77, 3, -1n, Buffer.alloc(100, 3)), // no packet ends on this page
      ...(audioBytes > 0 ? [oggPage(77, 3, total / 2n, Buffer.alloc(audioBytes, 3))] : []),
      oggPage(77, 4, total, Buffer.alloc(400, 3), 4),
      oggPage(77, 5, -1n, Buffer.alloc(10, 3)),
    ]),
  );
}

/** OGG Vorbis of `seconds` at `rate`. */
export function oggVorbisFile(seconds: number, rate: number): Uint8Array {
  const id = Buffer.concat([
    Buffer.from([1]),
    Buffer.from("vorbis"),
    u32le(0),
    Buffer.from([2]),
    u32le(rate),
    u32le(0),
    u32le(128_000),
    u32le(0),
    Buffer.from([0xb8, 1]),
  ]);
  return new Uint8Array(
    Buffer.concat([
      oggPage(5, 0, 0n, id, 2),
      oggPage(5, 1, BigInt(Math.round(seconds * rate)), Buffer.alloc(500, 9), 4),
    ]),
  );
}

const ebmlSize = (n: number) => {
  // 8-byte size vint (0x01 marker), enough for any test element
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  b[0] = 0x01;
  return b;
};
const el = (id: number[], ...content: Buffer[]) => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from(id), ebmlSize(body.length), body]);
};
const UNKNOWN = Buffer.from([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

/**
 * A WebM with Opus audio. `durationMs`: Info carries Duration (TimecodeScale 1 ms). `clusters`:
 * no Duration, unknown-size Segment and Clusters as MediaRecorder writes them, each cluster
 * [timecode, block relative times]. A large `blockBytes` with a small Duration: a file whose header lies.
 */
export function webmFile({
  durationMs,
  clusters = [[0, [0, 20, 40]]],
  blockBytes = 60,
}: {
  durationMs?: number;
  clusters?: [number, number[]][];
  /** Audio bytes of each block (default 60). */
  blockBytes?: number;
}): Uint8Array {
  const header = el([0x1a, 0x45, 0xdf, 0xa3], el([0x42, 0x82], Buffer.from("webm")));
  const scale = el([0x2a, 0xd7, 0xb1], Buffer.from([0x0f, 0x42, 0x40]));
  const info = el(
    [0x15, 0x49, 0xa9, 0x66],
    scale,
    ...(durationMs !== undefined
      ? [
          el(
            [0x44, 0x89],
            (() => {
              const b = Buffer.alloc(8);
              b.writeDoubleBE(durationMs);
              return b;
            })(),
          ),
        ]
      : []),
  );
  const tracks = el([0x16, 0x54, 0xae, 0x6b], Buffer.alloc(30, 0x42));
  const clusterBytes = clusters.map(([timecode, blocks]) =>
    Buffer.concat([
      Buffer.from([0x1f, 0x43, 0xb6, 0x75]),
      UNKNOWN,
      el([0xe7], u16be(timecode)),
      ...blocks.map((rel) =>
        el([0xa3], Buffer.from([0x81]), i16be(rel), Buffer.from([0x80]), Buffer.alloc(blockBytes, 0xfc)),
      ),
    ]),
  );
  return new Uint8Array(
    Buffer.concat([header, Buffer.from([0x18, 0x53, 0x80, 0x67]), UNKNOWN, info, tracks, ...clusterBytes]),
  );
}

const u16be = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
const i16be = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};

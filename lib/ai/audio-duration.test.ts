// The audio readers (the product's hold, and the tests' header readers) against files built byte by byte with a known duration: each container's
// layout is written out here the way encoders write it, so a reader that misreads a field fails.
import { describe, expect, it } from "vitest";
import { holdSeconds, sniffAudioFormat, wavPcmSeconds } from "./audio-duration";
import { mp3File, mp4File, oggOpusFile, oggVorbisFile, wavFile, webmFile } from "@/test/ai/audio-fixtures";
import { readAudio } from "@/test/ai/audio-headers";

describe("readAudio", () => {
  it("reads a PCM WAV's duration from its data size and byte rate", () => {
    expect(readAudio(wavFile(2.5))).toEqual({ format: "wav", seconds: 2.5 });
    expect(readAudio(wavFile(1, { sampleRate: 48_000, channels: 2 }))).toEqual({ format: "wav", seconds: 1 });
  });

  it("counts the bytes present when a streamed WAV declares no data size", () => {
    expect(readAudio(wavFile(3, { streamed: true })).seconds).toBe(3);
  });

  it("walks MP3 frames, after an ID3v2 tag and before an ID3v1 tag", () => {
    expect(readAudio(mp3File(100))).toEqual({ format: "mp3", seconds: (100 * 1152) / 44_100 });
    expect(readAudio(mp3File(250, { id3: true })).seconds).toBeCloseTo((250 * 1152) / 44_100, 9);
  });

  it("reads an M4A's mvhd duration (version 0 and 1), and refuses a fragmented one that declares 0", () => {
    expect(readAudio(mp4File(3.5))).toEqual({ format: "m4a", seconds: 3.5 });
    expect(readAudio(mp4File(61.25, { version: 1 })).seconds).toBe(61.25);
    expect(readAudio(mp4File(0))).toEqual({ format: "m4a", seconds: null });
  });

  it("reads OGG Opus (48 kHz granules minus the pre-skip) and OGG Vorbis (its own rate)", () => {
    expect(readAudio(oggOpusFile(2))).toEqual({ format: "ogg", seconds: 2 });
    expect(readAudio(oggVorbisFile(7.5, 44_100))).toEqual({ format: "ogg", seconds: 7.5 });
  });

  it("reads a WebM's Duration, and without one (MediaRecorder) the last block plus one maximal frame", () => {
    expect(readAudio(webmFile({ durationMs: 4_500 }))).toEqual({ format: "webm", seconds: 4.5 });
    const live = readAudio(
      webmFile({
        clusters: [
          [0, [0, 20, 980]],
          [1_000, [0, 500, 980]],
        ],
      }),
    );
    expect(live.format).toBe("webm");
    expect(live.seconds).toBeCloseTo(1.98 + 0.12, 9);
  });

  it("refuses what is not audio of an allowed type, and audio whose duration cannot be read", () => {
    expect(sniffAudioFormat(new TextEncoder().encode("hello, this is not audio at all"))).toBeNull();
    expect(readAudio(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]))).toEqual({
      format: null,
      seconds: null,
    });
    expect(readAudio(wavFile(0))).toEqual({ format: "wav", seconds: null });
    expect(readAudio(wavFile(2).subarray(0, 30))).toEqual({ format: "wav", seconds: null });
  });
});

describe("holdSeconds: never what a header claims", () => {
  it("holds a PCM WAV's exact length, from its sample rate and block align (not its byte-rate field)", () => {
    expect(holdSeconds(wavFile(61.5))).toBe(62);
    const forged = Buffer.from(wavFile(10));
    forged.writeUInt32LE(0x7fffffff, 28); // the fmt chunk's byte rate, claiming 10 s play in a blink
    expect(wavPcmSeconds(forged)).toBe(10);
    expect(holdSeconds(forged)).toBe(10);
  });

  it("holds compressed audio for the longest its bytes can play at 6 kbit/s, whatever the container says", () => {
    const forged = mp4File(1, { mdatBytes: 1_350_000 }); // "1 s"
    expect(readAudio(forged).seconds).toBe(1);
    expect(holdSeconds(forged)).toBe(Math.ceil((forged.length * 8) / 6_000));
    expect(holdSeconds(oggOpusFile(4))).toBe(Math.ceil((oggOpusFile(4).length * 8) / 6_000));
    expect(holdSeconds(mp4File(0))).toBeGreaterThanOrEqual(1); // declares nothing: still held
  });
});

// POST /api/ai/transcribe below HTTP: the real route, the real SDK against the loopback simulator,
// the real cost engine and Postgres. Only the session lookup is replaced.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import OpenAI from "openai";
import { costEngine, costOf, type Usage } from "../tokens/cost";
import { Meter } from "../tokens/metering/meter";
import { verifyLedger } from "../tokens/ledger";
import { mp3File, mp4File, oggOpusFile, wavFile, webmFile } from "@/test/ai/audio-fixtures";
import { readAudio } from "@/test/ai/audio-headers";
import { FREE_TIER, leaveAvailable, startRouteHarness, type RouteHarness } from "@/test/ai/route-harness";
import { MAX_AUDIO_BYTES, TRANSCRIBE_MODEL, transcribe } from "./transcribe";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("../auth/session", () => ({
  sessionUserId: async () => session.userId,
  sessionClaims: async () =>
    session.userId ? { userId: session.userId, sessionVersion: 0, verify: async () => true } : null,
}));

let h: RouteHarness;
let POST: (request: Request) => Promise<Response>;

beforeAll(async () => {
  h = await startRouteHarness(session, "transcribe");
  ({ POST } = await import("@/app/api/ai/transcribe/route"));
});

afterAll(async () => h?.close());

function upload(
  bytes: Uint8Array,
  { name = "note.wav", type = "audio/wav", fields = {} as Record<string, string> } = {},
) {
  const form = new FormData();
  form.set("file", new File([new Uint8Array(bytes)], name, { type }));
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  return POST(new Request("http://localhost/api/ai/transcribe", { method: "POST", body: form }));
}

const lastTranscription = () => h.simulator.requests.filter((r) => r.path === "/v1/audio/transcriptions").at(-1);

describe("POST /api/ai/transcribe", () => {
  it("transcribes a WAV and charges exactly the seconds the provider reports", async () => {
    const userId = await h.signIn();
    const response = await upload(wavFile(61.5), { fields: { language: "en" } });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.text.split(" ").length).toBeGreaterThan(100);

    const reported = lastTranscription()!;
    expect(reported.usage).toEqual({ type: "duration", seconds: 62 });
    expect(reported.body).toMatchObject({
      fields: { model: TRANSCRIBE_MODEL, language: "en" },
      file: { name: "voice-note.wav", type: "audio/wav" },
    });
    const expected = costOf(TRANSCRIBE_MODEL, { kind: "transcription", seconds: 62 });
    expect(expected).toBe(6_200n); // 62 s × 100 µ$
    const [row] = await h.consumeRows(userId);
    expect(row!.costMicroUsd).toBe(expected);
    expect(row!.feature).toBe("transcribe");
    expect(row!.usage).toMatchObject({ model: TRANSCRIBE_MODEL, seconds: 62, billedSeconds: 62 });
    expect(body).toMatchObject({
      seconds: 62,
      tokens: { charged: 6.2, remaining: Number(FREE_TIER - expected) / 1000 },
    });
    expect((await verifyLedger(h.t.db, { userIds: [userId] })).mismatches).toEqual([]);
  });

  /** The hold of `bytes` of compressed audio: the longest they can play at 6 kbit/s, whole seconds. */
  const worstCaseSeconds = (bytes: Uint8Array) => Math.ceil((bytes.length * 8) / 6_000);
  const holdOf = async (userId: string) =>
    (await h.t.db.tokenReservation.findFirstOrThrow({ where: { userId, feature: "transcribe" } })).amount;

  it.each([
    ["MP3", mp3File(1_000), "note.mp3", "audio/mpeg"],
    ["M4A", mp4File(12.25, { mdatBytes: 98_000 }), "note.m4a", "audio/mp4"],
    ["OGG Opus", oggOpusFile(4), "note.ogg", "audio/ogg"],
    ["an M4A that declares no duration (fragmented)", mp4File(0), "x.m4a", "audio/mp4"],
  ])(
    "accepts %s, holding the longest its bytes can play and charging the seconds the provider reports",
    async (_label, bytes, name, type) => {
      const userId = await h.signIn();
      const hold = costOf(TRANSCRIBE_MODEL, { kind: "transcription", seconds: worstCaseSeconds(bytes) });
      await leaveAvailable(h.t, userId, hold); // exactly the hold
      const response = await upload(bytes, { name, type });
      expect(response.status).toBe(200);
      const reported = lastTranscription()!.usage as { type: "duration"; seconds: number };
      expect(reported.type).toBe("duration");
      expect(await holdOf(userId)).toBe(hold);
      const [row] = await h.consumeRows(userId);
      expect(row!.costMicroUsd).toBe(costOf(TRANSCRIBE_MODEL, { kind: "transcription", seconds: reported.seconds }));
      expect(row!.costMicroUsd).toBeLessThanOrEqual(hold);
      expect(row!.shortfall).toBe(0n);
    },
  );

  it.each([
    // 30 minutes of audio at 64 kbit/s behind an mvhd that says 1 s.
    ["an M4A whose mvhd says 1 s", () => mp4File(1, { mdatBytes: 1_800 * 8_000 }), "long.m4a", "audio/mp4", 1_800],
    // Two frames, junk, then 10 minutes of frames: a header walk stops at the junk after 0.05 s.
    [
      "an MP3 with junk after its first frames",
      () => {
        const frames = Buffer.from(mp3File(Math.ceil((600 * 44_100) / 1152)));
        return new Uint8Array(
          Buffer.concat([frames.subarray(0, 417 * 2), Buffer.alloc(64, 0), frames.subarray(417 * 2)]),
        );
      },
      "long.mp3",
      "audio/mpeg",
      600,
    ],
    // 10 minutes of audio at 64 kbit/s behind granules and a Duration that say 1 s.
    ["an OGG whose granules say 1 s", () => oggOpusFile(1, { audioBytes: 600 * 8_000 }), "long.ogg", "audio/ogg", 600],
    [
      "a WebM whose Duration says 1 s",
      () => webmFile({ durationMs: 1_000, blockBytes: 1_600_000 }),
      "long.webm",
      "audio/webm",
      600,
    ],
  ])(
    "holds and charges %s for its real length, never what its header claims",
    async (_label, make, name, type, seconds) => {
      const bytes = make();
      expect(readAudio(bytes).seconds ?? 0).toBeLessThan(2); // what the header claims
      const userId = await h.signIn(5_000_000n);
      const response = await upload(bytes, { name, type });
      expect(response.status).toBe(200);
      const reported = lastTranscription()!.usage as { type: "duration"; seconds: number };
      expect(reported.seconds).toBeGreaterThanOrEqual(seconds);
      const charge = costOf(TRANSCRIBE_MODEL, { kind: "transcription", seconds: reported.seconds });
      const hold = await holdOf(userId);
      expect(hold).toBe(costOf(TRANSCRIBE_MODEL, { kind: "transcription", seconds: worstCaseSeconds(bytes) }));
      expect(hold).toBeGreaterThanOrEqual(charge);
      const [row] = await h.consumeRows(userId);
      expect(row!.costMicroUsd).toBe(charge);
      expect(row!.shortfall).toBe(0n);
      expect((await verifyLedger(h.t.db, { userIds: [userId] })).mismatches).toEqual([]);
    },
  );

  it.each([
    // the catalogue's prices per 1M (audio in, text in, out), and the hold of 20 s at 10 audio + 4 output tokens a second
    ["gpt-4o-transcribe", 6_000_000n, 2_500_000n, 10_000_000n, 2_000n], //      20 × (10 × 6 + 4 × 10) µ$
    ["gpt-4o-mini-transcribe", 3_000_000n, 1_250_000n, 5_000_000n, 1_000n], // 20 × (10 × 3 + 4 × 5) µ$
  ])(
    "charges %s exactly the tokens the provider reports (audio and prompt in, text out)",
    async (model, audioPrice, textPrice, outputPrice, hold) => {
      expect(costEngine().estimateTranscriptionCost(model, { seconds: 20 }).worstCase).toBe(hold);
      const client = new OpenAI({ apiKey: "sk-test", baseURL: h.simulator.url, maxRetries: 0 });
      const meter = new Meter<Usage>("transcribe-tokens", costEngine(), null);
      const transcript = await transcribe(
        client,
        { audio: Buffer.from(wavFile(20)), format: "wav", seconds: 20 },
        meter,
        undefined,
        model,
      );
      expect(transcript.text.length).toBeGreaterThan(10);
      const usage = lastTranscription()!.usage as {
        type: "tokens";
        input_tokens: number;
        input_token_details: { audio_tokens: number; text_tokens: number };
        output_tokens: number;
      };
      expect(usage.type).toBe("tokens");
      expect(usage.input_token_details.audio_tokens).toBe(200); // 20 s at 10 audio tokens a second
      const perMillion =
        BigInt(usage.input_token_details.audio_tokens) * audioPrice +
        BigInt(usage.input_token_details.text_tokens) * textPrice +
        BigInt(usage.output_tokens) * outputPrice;
      expect(meter.cost).toBe((perMillion + 999_999n) / 1_000_000n);
      expect(meter.calls[0]!.breakdown).toMatchObject({
        model,
        priceSource: "catalogue",
        audioInputTokens: 200,
        textInputTokens: usage.input_token_details.text_tokens,
        outputTokens: usage.output_tokens,
      });
      // recorded as the tokens it reports (one representation), not as a duration
      expect(meter.calls[0]!.breakdown).not.toHaveProperty("seconds");
    },
  );

  it("answers 402 when the balance is one millitoken short of the duration's price, calling nothing", async () => {
    const userId = await h.signIn();
    const price = costOf(TRANSCRIBE_MODEL, { kind: "transcription", seconds: 30 });
    await leaveAvailable(h.t, userId, price - 1n);
    const before = h.simulator.requests.length;
    const response = await upload(wavFile(30));
    expect(response.status).toBe(402);
    expect(await response.json()).toMatchObject({ error: "insufficient_tokens", required: 3, available: 2.999 });
    expect(h.simulator.requests.length).toBe(before);
    expect(await h.consumeRows(userId)).toEqual([]);
    expect(await h.t.db.tokenReservation.count({ where: { userId, feature: "transcribe" } })).toBe(0);
  });

  it.each([
    [
      "a PNG named .wav",
      () => upload(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(100).fill(0)])),
      "not audio of an accepted type",
    ],
    ["an empty file", () => upload(new Uint8Array(0)), "empty"],
    ["a file over 25 MB", () => upload(new Uint8Array(MAX_AUDIO_BYTES + 1)), "at most 25 MB"],
    ["a bad language", () => upload(wavFile(1), { fields: { language: "english" } }), "two-letter"],
    [
      "a form without a file",
      () => POST(new Request("http://localhost/api/ai/transcribe", { method: "POST", body: new FormData() })),
      "field named file",
    ],
    [
      "a JSON body",
      () =>
        POST(
          new Request("http://localhost/api/ai/transcribe", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: "{}",
          }),
        ),
      "multipart/form-data",
    ],
  ])("answers 400 for %s, holding nothing", async (_label, send, message) => {
    const userId = await h.signIn();
    const before = h.simulator.requests.length;
    const response = await send();
    expect(response.status).toBe(400);
    expect((await response.json()).message).toContain(message);
    expect(h.simulator.requests.length).toBe(before);
    expect(await h.t.db.tokenReservation.count({ where: { userId } })).toBe(0);
  });
});

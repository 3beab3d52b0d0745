// POST /api/ai/transcribe below HTTP: the real route, the real SDK against the loopback simulator,
// the real cost engine and Postgres. Only the session lookup is replaced.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { costOf } from "../tokens/cost";
import { verifyLedger } from "../tokens/ledger";
import { mp3File, mp4File, oggOpusFile, wavFile } from "./testing/audio-fixtures";
import { FREE_TIER, leaveAvailable, startRouteHarness, type RouteHarness } from "./testing/route-harness";
import { MAX_AUDIO_BYTES, TRANSCRIBE_MODEL } from "./transcribe";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("../auth/session", () => ({ sessionUserId: async () => session.userId }));

let h: RouteHarness;
let POST: (request: Request) => Promise<Response>;

beforeAll(async () => {
  h = await startRouteHarness(session, "transcribe");
  ({ POST } = await import("../../app/api/ai/transcribe/route"));
});

afterAll(async () => h?.close());

function upload(bytes: Uint8Array, { name = "note.wav", type = "audio/wav", fields = {} as Record<string, string> } = {}) {
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
    expect(reported.body).toMatchObject({ fields: { model: TRANSCRIBE_MODEL, language: "en" }, file: { name: "voice-note.wav", type: "audio/wav" } });
    const expected = costOf(TRANSCRIBE_MODEL, { kind: "transcription", seconds: 62 });
    expect(expected).toBe(6_200n); // 62 s × 100 µ$
    const [row] = await h.consumeRows(userId);
    expect(row!.costMicroUsd).toBe(expected);
    expect(row!.feature).toBe("transcribe");
    expect(row!.usage).toMatchObject({ model: TRANSCRIBE_MODEL, seconds: 62, billedSeconds: 62 });
    expect(body).toMatchObject({ seconds: 62, tokens: { charged: 6.2, remaining: Number(FREE_TIER - expected) / 1000 } });
    expect((await verifyLedger(h.t.db, { userIds: [userId] })).mismatches).toEqual([]);
  });

  it.each([
    ["MP3", mp3File(1_000), "note.mp3", "audio/mpeg", Math.ceil((1_000 * 1152) / 44_100)],
    ["M4A", mp4File(12.25), "note.m4a", "audio/mp4", 13],
    ["OGG Opus", oggOpusFile(4), "note.ogg", "audio/ogg", 4],
  ])("accepts %s, holding and charging the duration read from the file", async (_label, bytes, name, type, seconds) => {
    const userId = await h.signIn();
    const price = costOf(TRANSCRIBE_MODEL, { kind: "transcription", seconds });
    await leaveAvailable(h.t, userId, price); // exactly the hold: the estimate is exact
    const response = await upload(bytes, { name, type });
    expect(response.status).toBe(200);
    expect(lastTranscription()!.usage).toEqual({ type: "duration", seconds });
    const [row] = await h.consumeRows(userId);
    expect(row!.costMicroUsd).toBe(price);
    expect(row!.shortfall).toBe(0n);
  });

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
    ["a PNG named .wav", () => upload(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(100).fill(0)])), "not audio of an accepted type"],
    ["an empty file", () => upload(new Uint8Array(0)), "empty"],
    ["a file over 25 MB", () => upload(new Uint8Array(MAX_AUDIO_BYTES + 1)), "at most 25 MB"],
    ["an M4A that declares no duration", () => upload(mp4File(0), { name: "x.m4a", type: "audio/mp4" }), "duration of this M4A file cannot be read"],
    ["a bad language", () => upload(wavFile(1), { fields: { language: "english" } }), "two-letter"],
    ["a form without a file", () => POST(new Request("http://localhost/api/ai/transcribe", { method: "POST", body: new FormData() })), "field named file"],
    [
      "a JSON body",
      () => POST(new Request("http://localhost/api/ai/transcribe", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })),
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

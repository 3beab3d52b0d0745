// The page's estimate and the route's hold are one figure: for every AI feature, the estimate a page
// gets for an input (estimateFeature, what its server action calls) equals the reservation the real
// route takes for the same input — the real route module, the real SDK against the loopback
// simulator, the real cost engine and Postgres (only the session lookup is replaced).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { estimateFeature } from "./estimates";
import { FEATURE_SLUGS, type FeatureSlug } from "./features";
import { renderPng } from "@/dev/openai-simulator/images";
import { mp3File, wavFile } from "@/test/ai/audio-fixtures";
import { startRouteHarness, type RouteHarness } from "@/test/ai/route-harness";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("../auth/session", () => ({
  sessionUserId: async () => session.userId,
  sessionClaims: async () =>
    session.userId ? { userId: session.userId, sessionVersion: 0, verify: async () => true } : null,
}));

type Route = (request: Request) => Promise<Response>;
let h: RouteHarness;

beforeAll(async () => {
  h = await startRouteHarness(session, "parity");
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const url = (slug: string) => `http://localhost/api/ai/${slug}`;
const json = (slug: string, body: unknown) =>
  new Request(url(slug), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

function form(slug: string, fields: Record<string, string | File | File[]>): Request {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) data.append(key, v);
  return new Request(url(slug), { method: "POST", body: data });
}

const png = (width: number, height: number, seed: string) =>
  new File([new Uint8Array(renderPng(seed, width, height))], `${seed}.png`, { type: "image/png" });
const audio = (bytes: Uint8Array, name: string, type: string) => new File([new Uint8Array(bytes)], name, { type });

/** A browser's SDP offer (audio + the events data channel). */
const OFFER = [
  "v=0",
  "o=- 1 2 IN IP4 127.0.0.1",
  "s=-",
  "t=0 0",
  "m=audio 9 UDP/TLS/RTP/SAVPF 111",
  "a=mid:0",
  "a=rtpmap:111 opus/48000/2",
  "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
  "a=mid:1",
  "",
].join("\r\n");

interface Case {
  name: string;
  /** What the page sends to its estimate action for this input. */
  page: unknown;
  /** The same input, as the page then posts it to the route. */
  request(): Request;
  /** Ends what the call left running (a realtime session), once its hold is read. */
  cleanUp?(response: Response): Promise<void>;
}

const MP3 = mp3File(400);
const REFINE = {
  heightCm: 178,
  measurements: {
    neckCm: 38,
    shouldersCm: 118,
    chestCm: 100,
    waistCm: 86,
    hipsCm: 99,
    thighCm: 57,
    upperArmCm: 33,
    bodyFatPercent: 18,
  },
  corrections: [{ measurement: "waistCm", value: 82 }],
  note: "measured in the morning",
};
const RECIPE = {
  ingredients: ["eggs", "spinach", "rice"],
  goal: "lose_fat",
  maxCaloriesPerServing: 600,
  restrictions: ["no nuts"],
};
const ILLUSTRATION = { description: "Goblet squat with a kettlebell", size: "1024x1536", quality: "low" };

// A Record over the slug union: a feature without a case here is a type error, and a test below fails.
const CASES: Record<FeatureSlug, Case[]> = {
  chat: [
    {
      name: "a first message",
      page: { message: "How should I warm up before heavy squats?" },
      request: () => json("chat", { message: "How should I warm up before heavy squats?" }),
    },
  ],
  "activity-analyzer": [
    {
      name: "a log with a weight",
      page: { description: "Ran 8 km in 45 minutes, then yoga.", weightKg: 70 },
      request: () => json("activity-analyzer", { description: "Ran 8 km in 45 minutes, then yoga.", weightKg: 70 }),
    },
  ],
  "meal-analyzer": [
    {
      name: "one photo and a note",
      page: { photos: [{ width: 640, height: 480 }], note: "lunch after training" },
      request: () => form("meal-analyzer", { photo: png(640, 480, "meal"), note: "lunch after training" }),
    },
  ],
  "scan-estimate": [
    {
      name: "two photos, height and sex",
      page: {
        photos: [
          { width: 720, height: 1280 },
          { width: 720, height: 1280 },
        ],
        heightCm: 178,
        sex: "male",
      },
      request: () =>
        form("scan-estimate", {
          photo: [png(720, 1280, "front"), png(720, 1280, "side")],
          heightCm: "178",
          sex: "male",
        }),
    },
  ],
  "scan-refine-morphs": [
    { name: "one correction and a note", page: REFINE, request: () => json("scan-refine-morphs", REFINE) },
  ],
  "generate-training-illustration": [
    {
      name: "a portrait at low quality",
      page: ILLUSTRATION,
      request: () => json("generate-training-illustration", ILLUSTRATION),
    },
  ],
  "fridge-scan-vision": [
    {
      name: "two photos of different sizes",
      page: {
        photos: [
          { width: 1200, height: 900 },
          { width: 300, height: 800 },
        ],
      },
      request: () => form("fridge-scan-vision", { photo: [png(1200, 900, "fridge-a"), png(300, 800, "fridge-b")] }),
    },
  ],
  "recipe-generator": [
    {
      name: "three ingredients, a limit and a restriction",
      page: RECIPE,
      request: () => json("recipe-generator", RECIPE),
    },
  ],
  "voice-coach-realtime": [
    {
      name: "a 30-second session",
      page: { maxSeconds: 30 },
      request: () => json("voice-coach-realtime", { maxSeconds: 30, sdp: OFFER }),
      async cleanUp(response) {
        const { sessionId } = await response.json();
        const { POST: end } = await import("../../app/api/ai/voice-coach-realtime/end/route");
        expect((await end(json("voice-coach-realtime/end", { sessionId }))).status).toBe(200);
      },
    },
  ],
  transcribe: [
    {
      name: "a WAV, by the length the browser measured",
      page: { seconds: 12.3, wav: true },
      request: () => form("transcribe", { file: audio(wavFile(12.3), "note.wav", "audio/wav") }),
    },
    {
      name: "an MP3, by its size",
      page: { bytes: MP3.length, wav: false },
      request: () => form("transcribe", { file: audio(MP3, "note.mp3", "audio/mpeg") }),
    },
  ],
};

describe("the page's estimate is what the route holds", () => {
  it("covers every feature of the registry", () => {
    expect(Object.keys(CASES).sort()).toEqual([...FEATURE_SLUGS].sort());
  });

  const all = (Object.entries(CASES) as [FeatureSlug, Case[]][]).flatMap(([slug, cases]) =>
    cases.map((c) => ({ slug, ...c })),
  );

  it.each(all)("$slug: $name", async ({ slug, page, request, cleanUp }) => {
    const userId = await h.signIn(5_000_000n);
    const { db } = await import("../db/client");
    const { currentCostEngine } = await import("./singletons");
    const estimate = await estimateFeature(db(), userId, slug, page, await currentCostEngine());
    expect(estimate).toMatchObject({ ok: true });

    const route: Route = (await import(`../../app/api/ai/${slug}/route.ts`)).POST;
    const response = await route(request());
    expect(response.status).toBe(200);
    if (cleanUp) await cleanUp(response);
    else await response.text(); // a stream is settled once read to its end

    const holds = await h.t.db.tokenReservation.findMany({ where: { userId, feature: slug } });
    expect(holds).toHaveLength(1);
    expect(estimate.ok && estimate.millitokens).toBe(holds[0]!.amount);
    expect(holds[0]!.amount).toBeGreaterThan(0n);
  });
});

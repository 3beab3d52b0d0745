// The six structured / vision AI routes end to end below HTTP: the real route modules, the real
// OpenAI SDK against the loopback simulator, the real cost engine and Postgres (only the session
// lookup is replaced). For each route: a success charges exactly the cost engine's price of the
// usage the simulator reported; 402 when the balance is short (nothing held, no model call); 400 for
// invalid input (no model call, no hold). Then the validate-and-retry-once path, charged per attempt.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { z } from "zod";
import { costOf, countChatTokens, imageInputTokens, textUsage } from "../tokens/cost";
import { verifyLedger } from "../tokens/ledger";
import { activityOutputSchema } from "./features/activity-analyzer";
import { fridgeOutputSchema } from "./features/fridge-scan-vision";
import { mealOutputSchema } from "./features/meal-analyzer";
import type { FeatureSlug } from "./features";
import { FEATURE_MODELS } from "./models";
import { recipeOutputSchema } from "./features/recipe-generator";
import { scanOutputSchema } from "./features/scan-estimate";
import { refineOutputSchema } from "./features/scan-refine-morphs";
import { renderPng } from "@/dev/openai-simulator/images";
import { leaveAvailable, startRouteHarness, type RouteHarness } from "@/test/ai/route-harness";
import { MAX_IMAGE_BYTES } from "./uploads";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("../auth/session", () => ({
  sessionUserId: async () => session.userId,
  sessionClaims: async () =>
    session.userId ? { userId: session.userId, sessionVersion: 0, verify: async () => true } : null,
}));

type Route = (request: Request) => Promise<Response>;
let h: RouteHarness;
const routes = {} as Record<string, Route>;

beforeAll(async () => {
  h = await startRouteHarness(session, "structured");
  for (const slug of [
    "activity-analyzer",
    "meal-analyzer",
    "scan-estimate",
    "scan-refine-morphs",
    "fridge-scan-vision",
    "recipe-generator",
  ]) {
    routes[slug] = (await import(`../../app/api/ai/${slug}/route.ts`)).POST;
  }
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const png = (width: number, height: number, seed = "meal") =>
  new File([new Uint8Array(renderPng(seed, width, height))], `${seed}.png`, { type: "image/png" });

function json(slug: string, body: unknown, raw?: string): Request {
  return new Request(`http://localhost/api/ai/${slug}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: raw ?? JSON.stringify(body),
  });
}

function form(slug: string, fields: Record<string, string | File | File[]>): Request {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) data.append(key, v);
  return new Request(`http://localhost/api/ai/${slug}`, { method: "POST", body: data });
}

interface Case {
  slug: FeatureSlug;
  valid(): Request;
  resultKey: string;
  schema: z.ZodType;
  /** Pixel sizes of the images the valid request sends. */
  images: { width: number; height: number }[];
  invalid: { name: string; request(): Request; message: RegExp }[];
}

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
};

const notAnImage = () =>
  new File([new TextEncoder().encode("this is plain text, not a picture")], "meal.png", { type: "image/png" });
const tooLarge = () => {
  const bytes = new Uint8Array(MAX_IMAGE_BYTES + 1);
  bytes.set(renderPng("big", 8, 8));
  return new File([bytes], "big.png", { type: "image/png" });
};

const CASES: Case[] = [
  {
    slug: "activity-analyzer",
    valid: () =>
      json("activity-analyzer", { description: "Ran 8 km in 45 minutes, then 20 minutes of yoga.", weightKg: 70 }),
    resultKey: "analysis",
    schema: activityOutputSchema,
    images: [],
    invalid: [
      {
        name: "bad JSON",
        request: () => json("activity-analyzer", null, "{ description: "),
        message: /not valid JSON/,
      },
      {
        name: "empty description",
        request: () => json("activity-analyzer", { description: "" }),
        message: /description/,
      },
    ],
  },
  {
    slug: "scan-refine-morphs",
    valid: () => json("scan-refine-morphs", REFINE),
    resultKey: "refined",
    schema: refineOutputSchema,
    images: [],
    invalid: [
      { name: "bad JSON", request: () => json("scan-refine-morphs", null, "[1,"), message: /not valid JSON/ },
      {
        name: "unknown measurement",
        request: () => json("scan-refine-morphs", { ...REFINE, corrections: [{ measurement: "toes", value: 3 }] }),
        message: /corrections\.0\.measurement/,
      },
    ],
  },
  {
    slug: "recipe-generator",
    valid: () =>
      json("recipe-generator", { ingredients: ["eggs", "spinach", "rice"], goal: "build_muscle", servings: 2 }),
    resultKey: "recipes",
    schema: recipeOutputSchema,
    images: [],
    invalid: [
      { name: "bad JSON", request: () => json("recipe-generator", null, "nope"), message: /not valid JSON/ },
      {
        name: "no ingredients",
        request: () => json("recipe-generator", { ingredients: [], goal: "maintain" }),
        message: /at least one ingredient/,
      },
    ],
  },
  {
    slug: "meal-analyzer",
    valid: () => form("meal-analyzer", { photo: png(640, 480), note: "lunch after training" }),
    resultKey: "analysis",
    schema: mealOutputSchema,
    images: [{ width: 640, height: 480 }],
    invalid: [
      { name: "no photo", request: () => form("meal-analyzer", { note: "hi" }), message: /Add a meal photo/ },
      {
        name: "text declared as PNG",
        request: () => form("meal-analyzer", { photo: notAnImage() }),
        message: /not a JPEG, PNG, WebP or GIF image/,
      },
      {
        name: "a PDF",
        request: () => form("meal-analyzer", { photo: new File(["%PDF-1.4"], "m.pdf", { type: "application/pdf" }) }),
        message: /application\/pdf/,
      },
      { name: "over 10 MB", request: () => form("meal-analyzer", { photo: tooLarge() }), message: /at most 10 MB/ },
      {
        name: "JSON instead of a form",
        request: () => json("meal-analyzer", { photo: "x" }),
        message: /multipart\/form-data/,
      },
    ],
  },
  {
    slug: "fridge-scan-vision",
    valid: () => form("fridge-scan-vision", { photo: [png(1200, 900, "fridge-a"), png(300, 800, "fridge-b")] }),
    resultKey: "inventory",
    schema: fridgeOutputSchema,
    images: [
      { width: 1200, height: 900 },
      { width: 300, height: 800 },
    ],
    invalid: [
      {
        name: "four photos",
        request: () => form("fridge-scan-vision", { photo: [1, 2, 3, 4].map((i) => png(20, 20, `f${i}`)) }),
        message: /at most 3 fridge photos/,
      },
      {
        name: "text declared as PNG",
        request: () => form("fridge-scan-vision", { photo: notAnImage() }),
        message: /not a JPEG/,
      },
    ],
  },
  {
    slug: "scan-estimate",
    valid: () =>
      form("scan-estimate", { photo: [png(720, 1280, "front"), png(720, 1280, "side")], heightCm: "178", sex: "male" }),
    resultKey: "scan",
    schema: scanOutputSchema,
    images: [
      { width: 720, height: 1280 },
      { width: 720, height: 1280 },
    ],
    invalid: [
      {
        name: "no height",
        request: () => form("scan-estimate", { photo: png(100, 200, "front") }),
        message: /height in cm/,
      },
      {
        name: "height out of range",
        request: () => form("scan-estimate", { photo: png(100, 200, "front"), heightCm: "20" }),
        message: /heightCm/,
      },
      {
        name: "over 10 MB",
        request: () => form("scan-estimate", { photo: tooLarge(), heightCm: "170" }),
        message: /at most 10 MB/,
      },
    ],
  },
];

const chatCalls = () => h.simulator.requests.filter((r) => r.path === "/v1/chat/completions");

type SimUsage = {
  prompt_tokens: number;
  completion_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number };
};
const priceOf = (model: string, usage: SimUsage) =>
  costOf(
    model,
    textUsage({
      inputTokens: usage.prompt_tokens,
      cachedInputTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
      outputTokens: usage.completion_tokens,
      reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
    }),
  );

describe.each(CASES)("POST /api/ai/$slug", (c) => {
  const model = FEATURE_MODELS[c.slug];

  it("answers schema-valid JSON and charges exactly the cost engine's price of the reported usage", async () => {
    const userId = await h.signIn();
    const before = chatCalls().length;
    const response = await routes[c.slug]!(c.valid());
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(c.schema.safeParse(body[c.resultKey]).success).toBe(true);
    expect(body.attempts).toBe(1);

    const calls = chatCalls().slice(before);
    expect(calls).toHaveLength(1);
    const usage = calls[0]!.usage as SimUsage;
    // The reported prompt is the real one: the text messages plus each image by its real size.
    const sent = calls[0]!.body as {
      messages: { role: string; content: string | { type: string; text?: string }[] }[];
    };
    const text = sent.messages.map((m) => ({
      role: m.role as "system" | "user",
      content: typeof m.content === "string" ? m.content : m.content.find((p) => p.type === "text")!.text!,
    }));
    const imageTokens = c.images.reduce((sum, size) => sum + imageInputTokens(model, size), 0);
    expect(usage.prompt_tokens).toBe(countChatTokens(model, text) + imageTokens);

    const expected = priceOf(model, usage);
    const rows = await h.consumeRows(userId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.costMicroUsd).toBe(expected);
    expect(rows[0]!.allowanceDelta).toBe(-expected);
    expect(rows[0]!.feature).toBe(c.slug);
    // The API answers with the snapshot that served the call; it is recorded, and priced as its catalogue entry.
    expect(model).toBe("gpt-5-mini");
    expect(rows[0]!.usage).toMatchObject({
      model: "gpt-5-mini-2025-08-07",
      pricedAs: model,
      inputTokens: usage.prompt_tokens,
      outputTokens: usage.completion_tokens,
    });
    expect(body.tokens).toEqual({ charged: Number(expected) / 1000, remaining: (100_000 - Number(expected)) / 1000 });
    expect(response.headers.get("x-tokens-remaining")).toBe(String((100_000 - Number(expected)) / 1000));
    expect(await h.t.db.tokenReservation.count({ where: { userId, status: "held" } })).toBe(0);
    expect((await verifyLedger(h.t.db, { userIds: [userId] })).mismatches).toEqual([]);
  });

  it("answers 402 when the balance cannot cover the worst case, holding nothing and calling no model", async () => {
    const userId = await h.signIn();
    await leaveAvailable(h.t, userId, 500n);
    const before = chatCalls().length;
    const response = await routes[c.slug]!(c.valid());
    expect(response.status).toBe(402);
    expect(await response.json()).toMatchObject({
      error: "insufficient_tokens",
      available: 0.5,
      upgradeUrl: "/settings/subscription",
    });
    expect(chatCalls().length).toBe(before);
    expect(await h.consumeRows(userId)).toEqual([]);
    expect(await h.t.db.tokenReservation.count({ where: { userId } })).toBe(1); // only the test's own hold
  });

  it.each(c.invalid)(
    "answers 400 for $name, with a message, before any hold or model call",
    async ({ request, message }) => {
      const userId = await h.signIn();
      const before = chatCalls().length;
      const response = await routes[c.slug]!(request());
      expect(response.status).toBe(400);
      const body = await response.json();
      expect(body.error).toBe("invalid_request");
      expect(body.message).toMatch(message);
      expect(chatCalls().length).toBe(before);
      expect(await h.t.db.tokenReservation.count({ where: { userId } })).toBe(0);
      expect(await h.consumeRows(userId)).toEqual([]);
    },
  );
});

describe.each(["activity-analyzer", "meal-analyzer"] as const)("validate and retry once (%s)", (slug) => {
  const c = CASES.find((x) => x.slug === slug)!;
  const model = FEATURE_MODELS[slug];

  it.each(["schema-mismatch", "invalid-json"] as const)(
    "an answer failing validation once (%s) is retried, and both attempts are charged",
    async (fault) => {
      const userId = await h.signIn();
      const before = chatCalls().length;
      h.simulator.injectFault(fault, 1);
      const response = await routes[slug]!(c.valid());
      expect(response.status).toBe(200);
      const body = await response.json();
      expect(body.attempts).toBe(2);
      expect(c.schema.safeParse(body[c.resultKey]).success).toBe(true);

      const calls = chatCalls().slice(before);
      expect(calls.map((r) => r.fault)).toEqual([fault, null]);
      const expected = calls.reduce((sum, r) => sum + priceOf(model, r.usage as SimUsage), 0n);
      const rows = await h.consumeRows(userId);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.costMicroUsd).toBe(expected);
      expect(rows[0]!.usage).toMatchObject({ calls: 2, model: "gpt-5-mini-2025-08-07" });
      expect(body.tokens.charged).toBe(Number(expected) / 1000);
      expect((await verifyLedger(h.t.db, { userIds: [userId] })).mismatches).toEqual([]);
    },
  );

  it("two failing answers give a clear 502, charged exactly both attempts and nothing else", async () => {
    const userId = await h.signIn();
    const before = chatCalls().length;
    h.simulator.injectFault("schema-mismatch", 2);
    const response = await routes[slug]!(c.valid());
    expect(response.status).toBe(502);
    const body = await response.json();
    expect(body.error).toBe("invalid_ai_answer");
    expect(body.message).toMatch(
      /could not give a usable answer.*charged only what the provider billed for the 2 attempts/,
    );

    const calls = chatCalls().slice(before);
    expect(calls).toHaveLength(2);
    const expected = calls.reduce((sum, r) => sum + priceOf(model, r.usage as SimUsage), 0n);
    const rows = await h.consumeRows(userId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.costMicroUsd).toBe(expected);
    expect(body.tokens).toEqual({ charged: Number(expected) / 1000, remaining: (100_000 - Number(expected)) / 1000 });
    expect(await h.t.db.tokenReservation.count({ where: { userId, status: "held" } })).toBe(0);
    expect((await verifyLedger(h.t.db, { userIds: [userId] })).mismatches).toEqual([]);
  });
});

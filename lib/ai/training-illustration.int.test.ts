// POST /api/ai/generate-training-illustration below HTTP: the real route, the real SDK against the
// loopback simulator, the real cost engine and Postgres. Only the session lookup is replaced.
import { imageSize } from "image-size";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { costEngine, resolvePrice } from "../tokens/cost";
import { verifyLedger } from "../tokens/ledger";
import { FREE_TIER, leaveAvailable, startRouteHarness, type RouteHarness } from "@/test/ai/route-harness";
import { ILLUSTRATION_MODEL, illustrationPrompt } from "./training-illustration";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("../auth/session", () => ({
  sessionUserId: async () => session.userId,
  sessionClaims: async () =>
    session.userId ? { userId: session.userId, sessionVersion: 0, verify: async () => true } : null,
}));

let h: RouteHarness;
let POST: (request: Request) => Promise<Response>;

beforeAll(async () => {
  h = await startRouteHarness(session, "illustration");
  ({ POST } = await import("@/app/api/ai/generate-training-illustration/route"));
});

afterAll(async () => h?.close());

const call = (body: unknown, contentType = "application/json") =>
  POST(
    new Request("http://localhost/api/ai/generate-training-illustration", {
      method: "POST",
      headers: { "content-type": contentType },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );

describe("POST /api/ai/generate-training-illustration", () => {
  /** gpt-image-1's token prices, as the catalogue (@pydantic/genai-prices) gives them. */
  const tokenPrices = () => {
    const resolved = resolvePrice(ILLUSTRATION_MODEL);
    if (resolved.price.kind !== "image" || !resolved.price.tokens)
      throw new Error(`${ILLUSTRATION_MODEL} has no token prices`);
    return resolved.price.tokens;
  };
  /** The exact charge of gpt-image-1's reported usage at the catalogue's token prices, rounded up once. */
  const chargeOf = (usage: {
    input_tokens_details: { text_tokens: number; image_tokens: number };
    output_tokens: number;
  }) => {
    const p = tokenPrices();
    const microUsdTimes1M =
      BigInt(usage.input_tokens_details.text_tokens) * BigInt(p.textInputMicroUsdPer1M) +
      BigInt(usage.input_tokens_details.image_tokens) * BigInt(p.imageInputMicroUsdPer1M) +
      BigInt(usage.output_tokens) * BigInt(p.imageOutputMicroUsdPer1M);
    return (microUsdTimes1M + 999_999n) / 1_000_000n;
  };

  it("prices gpt-image-1 from the catalogue: $5 text / $10 image input, $40 image output per 1M", () => {
    expect(resolvePrice(ILLUSTRATION_MODEL)).toMatchObject({ source: "catalogue", pricedAs: "gpt-image-1" });
    expect(tokenPrices()).toMatchObject({
      textInputMicroUsdPer1M: 5_000_000,
      imageInputMicroUsdPer1M: 10_000_000,
      imageOutputMicroUsdPer1M: 40_000_000,
    });
  });
  type ImagesUsage = Parameters<typeof chargeOf>[0] & { input_tokens: number };

  it("charges a default illustration exactly gpt-image-1's reported usage, the prompt's tokens included", async () => {
    const userId = await h.signIn(1_000_000n);
    const description = "Romanian deadlift with a barbell, hinge at the hips, neutral spine";
    const response = await call({ description });
    expect(response.status).toBe(200);
    const reported = h.simulator.requests.at(-1)!;
    expect(reported.body).toMatchObject({
      model: ILLUSTRATION_MODEL,
      prompt: illustrationPrompt(description),
      size: "1024x1024",
      quality: "medium",
    });
    const usage = reported.usage as ImagesUsage;
    expect(usage.input_tokens_details.text_tokens).toBeGreaterThan(40);
    expect(usage.output_tokens).toBe(1_056);
    const expected = chargeOf(usage);
    // 1,056 output tokens × $40/1M = 42,240 µ$, plus the prompt at $5/1M: above the $0.042 per-image figure.
    expect(expected).toBe(
      42_240n + BigInt(Math.ceil((usage.input_tokens_details.text_tokens * 5_000_000) / 1_000_000)),
    );
    const [row] = await h.consumeRows(userId);
    expect(row!.costMicroUsd).toBe(expected);
    expect(row!.usage).toMatchObject({
      images: 1,
      size: "1024x1024",
      quality: "medium",
      textInputTokens: usage.input_tokens_details.text_tokens,
      imageInputTokens: 0,
      outputTokens: 1_056,
    });
    expect((await verifyLedger(h.t.db, { userIds: [userId] })).mismatches).toEqual([]);
  });

  it("returns the image of the requested size and charges exactly the usage the provider reports", async () => {
    const userId = await h.signIn(1_000_000n);
    const response = await call({
      description: "Bulgarian split squat with dumbbells",
      size: "1024x1536",
      quality: "high",
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.image).toMatch(/^data:image\/png;base64,/);
    const png = Buffer.from(body.image.split(",")[1], "base64");
    expect(imageSize(png)).toMatchObject({ width: 1024, height: 1536 });

    const reported = h.simulator.requests.at(-1)!;
    expect(reported.body).toMatchObject({ model: ILLUSTRATION_MODEL, size: "1024x1536", quality: "high", n: 1 });
    const usage = reported.usage as ImagesUsage;
    expect(usage.output_tokens).toBe(6_240);
    const expected = chargeOf(usage);
    // 6,240 output tokens × $40/1M = 249,600 µ$ (the per-image price of a high 1024×1536), plus the prompt at $5/1M.
    expect(expected).toBe(249_600n + BigInt(usage.input_tokens_details.text_tokens) * 5n);
    const [row] = await h.consumeRows(userId);
    expect(row!.costMicroUsd).toBe(expected);
    expect(row!.feature).toBe("generate-training-illustration");
    expect(row!.usage).toMatchObject({
      model: ILLUSTRATION_MODEL,
      images: 1,
      size: "1024x1536",
      quality: "high",
      costMicroUsd: String(expected),
    });
    expect(row!.allowanceDelta + row!.purchasedDelta).toBe(-expected);
    expect(body.tokens).toEqual({
      charged: Number(expected) / 1000,
      remaining: Number(FREE_TIER + 1_000_000n - expected) / 1000,
    });
    expect((await verifyLedger(h.t.db, { userIds: [userId] })).mismatches).toEqual([]);
  });

  it("uses the default size and quality when none is given, and holds exactly what it charges", async () => {
    const userId = await h.signIn();
    const description = "Plank on the forearms";
    const expected = costEngine().estimateImageCost(ILLUSTRATION_MODEL, {
      count: 1,
      size: "1024x1024",
      quality: "medium",
      prompt: illustrationPrompt(description),
    }).worstCase;
    // Exactly the price available: the hold is the exact price, so it fits to the millitoken.
    await leaveAvailable(h.t, userId, expected);
    const response = await call({ description });
    expect(response.status).toBe(200);
    const [row] = await h.consumeRows(userId);
    expect(row!.costMicroUsd).toBe(expected);
    expect(row!.costMicroUsd).toBe(chargeOf(h.simulator.requests.at(-1)!.usage as ImagesUsage));
    expect(row!.shortfall).toBe(0n);
  });

  it("answers 402 when the balance is one millitoken short, holding and charging nothing", async () => {
    const userId = await h.signIn();
    const price = costEngine().estimateImageCost(ILLUSTRATION_MODEL, {
      count: 1,
      size: "1024x1024",
      quality: "high",
      prompt: illustrationPrompt("Kettlebell swing"),
    }).worstCase;
    await leaveAvailable(h.t, userId, price - 1n);
    const before = h.simulator.requests.length;
    const response = await call({ description: "Kettlebell swing", quality: "high" });
    expect(response.status).toBe(402);
    expect(await response.json()).toMatchObject({
      error: "insufficient_tokens",
      required: Number(price) / 1000,
      available: Number(price - 1n) / 1000,
    });
    expect(h.simulator.requests.length).toBe(before); // the model was never called
    expect(await h.consumeRows(userId)).toEqual([]);
    expect(await h.t.db.tokenReservation.count({ where: { userId, feature: "generate-training-illustration" } })).toBe(
      0,
    );
  });

  it.each([
    [{ description: "x" }, "description"],
    [{ description: "Push-up", size: "512x512" }, "size must be one of"],
    [{ description: "Push-up", quality: "ultra" }, "quality must be one of"],
    [{ description: "a".repeat(1_001) }, "at most 1,000"],
    ["{not json", "not valid JSON"],
  ])("answers 400 for %j", async (body, message) => {
    const userId = await h.signIn();
    const response = await call(body);
    expect(response.status).toBe(400);
    expect((await response.json()).message).toContain(message);
    expect(await h.consumeRows(userId)).toEqual([]);
  });

  it("answers 400 for a body that is not JSON", async () => {
    await h.signIn();
    const response = await call("description=squat", "application/x-www-form-urlencoded");
    expect(response.status).toBe(400);
  });
});

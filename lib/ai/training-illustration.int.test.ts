// POST /api/ai/generate-training-illustration below HTTP: the real route, the real SDK against the
// loopback simulator, the real cost engine and Postgres. Only the session lookup is replaced.
import { imageSize } from "image-size";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { costOf } from "../tokens/cost";
import { verifyLedger } from "../tokens/ledger";
import { FREE_TIER, leaveAvailable, startRouteHarness, type RouteHarness } from "./testing/route-harness";
import { ILLUSTRATION_MODEL } from "./training-illustration";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("../auth/session", () => ({ sessionUserId: async () => session.userId }));

let h: RouteHarness;
let POST: (request: Request) => Promise<Response>;

beforeAll(async () => {
  h = await startRouteHarness(session, "illustration");
  ({ POST } = await import("../../app/api/ai/generate-training-illustration/route"));
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
  it("returns the image and charges exactly the price of the image the provider reports", async () => {
    const userId = await h.signIn(1_000_000n);
    const response = await call({ description: "Bulgarian split squat with dumbbells", size: "1024x1536", quality: "high" });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.image).toMatch(/^data:image\/png;base64,/);
    const png = Buffer.from(body.image.split(",")[1], "base64");
    expect(imageSize(png)).toMatchObject({ width: 1024, height: 1536 });

    const reported = h.simulator.requests.at(-1)!;
    expect(reported.body).toMatchObject({ model: ILLUSTRATION_MODEL, size: "1024x1536", quality: "high", n: 1 });
    const expected = costOf(ILLUSTRATION_MODEL, { kind: "image", count: 1, size: "1024x1536", quality: "high" });
    expect(expected).toBe(249_600n); // a high-quality 1024×1536 image: 6,240 output tokens × $40 per 1M
    const [row] = await h.consumeRows(userId);
    expect(row!.costMicroUsd).toBe(expected);
    expect(row!.feature).toBe("generate-training-illustration");
    expect(row!.usage).toMatchObject({ model: ILLUSTRATION_MODEL, images: 1, size: "1024x1536", quality: "high", costMicroUsd: "249600" });
    expect(row!.allowanceDelta + row!.purchasedDelta).toBe(-expected);
    expect(body.tokens).toEqual({ charged: 249.6, remaining: Number(FREE_TIER + 1_000_000n - expected) / 1000 });
    expect((await verifyLedger(h.t.db, { userIds: [userId] })).mismatches).toEqual([]);
  });

  it("uses the default size and quality when none is given, and holds exactly what it charges", async () => {
    const userId = await h.signIn();
    const expected = costOf(ILLUSTRATION_MODEL, { kind: "image", count: 1, size: "1024x1024", quality: "medium" });
    // Exactly the price available: the hold is the exact price, so it fits to the millitoken.
    await leaveAvailable(h.t, userId, expected);
    const response = await call({ description: "Plank on the forearms" });
    expect(response.status).toBe(200);
    const [row] = await h.consumeRows(userId);
    expect(row!.costMicroUsd).toBe(expected);
    expect(row!.shortfall).toBe(0n);
  });

  it("answers 402 when the balance is one millitoken short, holding and charging nothing", async () => {
    const userId = await h.signIn();
    const price = costOf(ILLUSTRATION_MODEL, { kind: "image", count: 1, size: "1024x1024", quality: "high" });
    await leaveAvailable(h.t, userId, price - 1n);
    const before = h.simulator.requests.length;
    const response = await call({ description: "Kettlebell swing", quality: "high" });
    expect(response.status).toBe(402);
    expect(await response.json()).toMatchObject({ error: "insufficient_tokens", required: Number(price) / 1000, available: Number(price - 1n) / 1000 });
    expect(h.simulator.requests.length).toBe(before); // the model was never called
    expect(await h.consumeRows(userId)).toEqual([]);
    expect(await h.t.db.tokenReservation.count({ where: { userId, feature: "generate-training-illustration" } })).toBe(0);
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

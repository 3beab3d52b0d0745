// The request id of a metered call over real Postgres: the caller's valid X-Request-Id is kept, any
// other replaced by a new one; it is echoed on every answer (success, refusals, failures) and carried
// by every log line of the call — written through the app's pino logger (lib/log.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createLogger, eventLog } from "../../log";
import { LedgerPipeline } from "../ledger/pipeline";
import { fakeChunkReader, userWithBalance, wordCostEngine, type WordUsage } from "@/test/metering/fixtures";
import { createWithTokens } from "./with-tokens";

let t: TestDatabase;
let pipeline: LedgerPipeline | undefined;
let signedIn: string | null = null;
let pricingFails: Error | null = null;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  t = await createTestDatabase({ poolMax: 10 });
});
afterAll(async () => {
  await t?.drop();
});

const withTokens = createWithTokens<WordUsage>({
  db: () => t.db,
  ledger: () => (pipeline ??= new LedgerPipeline({ pool: t.pool, db: t.db })),
  currentUserId: async () => signedIn,
  pricing: async () => {
    if (pricingFails) throw pricingFails;
    return { context: { version: 1 }, engine: wordCostEngine };
  },
  upgradeUrl: "/settings/subscription",
  rateLimit: false,
  chunkReader: fakeChunkReader,
  log: eventLog(
    createLogger({ level: "info", destination: { write: (line: string) => void lines.push(JSON.parse(line)) } }).child({
      module: "metering",
    }),
  ),
});

const input = z.object({ prompt: z.string().min(1), fail: z.boolean().optional(), stream: z.boolean().optional() });
const route = withTokens(
  "test",
  async ({ input: i, meter, requestId, stream }) => {
    meter.recordText("test-model", { inputTokens: 1, outputTokens: 1 });
    if (i.fail) throw Object.assign(new Error("provider down"), { status: 500 });
    if (i.stream)
      return stream(
        (async function* () {
          yield { model: "test-model", choices: [{ delta: { content: "hi" } }] };
        })(),
      );
    return { seen: requestId };
  },
  {
    input,
    estimate: () => ({ model: "test-model", worstCase: 100n }),
    maxBodyBytes: 200,
    rateLimit: { limit: 3, windowMs: 60_000 },
  },
);

function post(body: unknown, requestId?: string) {
  return new Request("http://localhost/api/ai/test", {
    method: "POST",
    headers: { "content-type": "application/json", ...(requestId === undefined ? {} : { "x-request-id": requestId }) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("withTokens: the request id", () => {
  it("echoes a caller's valid id on a 200, and hands it to the handler", async () => {
    signedIn = await userWithBalance(t.db, 1_000n, "reqid");
    const response = await route(post({ prompt: "hi" }, "client-req.42:a"));
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("client-req.42:a");
    expect((await response.json()).seen).toBe("client-req.42:a");
  });

  it("replaces an invalid or oversized id with a new one", async () => {
    signedIn = await userWithBalance(t.db, 1_000n, "reqid");
    for (const bad of ["x".repeat(129), "two words", ""]) {
      const response = await route(post({ prompt: "hi" }, bad));
      expect(response.status).toBe(200);
      const id = response.headers.get("x-request-id");
      expect(id).toMatch(UUID);
      expect((await response.json()).seen).toBe(id);
    }
    const none = await route(post({ prompt: "hi" }));
    expect(none.headers.get("x-request-id")).toMatch(UUID);
  });

  it("is on a streamed answer", async () => {
    signedIn = await userWithBalance(t.db, 1_000n, "reqid");
    const response = await route(post({ prompt: "hi", stream: true }, "stream-1"));
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    expect(response.headers.get("x-request-id")).toBe("stream-1");
    await response.text();
  });

  it("is on every refusal: 401, 400, 413, 402 and 429", async () => {
    signedIn = null;
    const unauthorized = await route(post({ prompt: "hi" }, "r-401"));
    expect([unauthorized.status, unauthorized.headers.get("x-request-id")]).toEqual([401, "r-401"]);

    signedIn = await userWithBalance(t.db, 1_000n, "reqid");
    const invalid = await route(post({ prompt: "" }, "r-400"));
    expect([invalid.status, invalid.headers.get("x-request-id")]).toEqual([400, "r-400"]);
    const tooLarge = await route(post({ prompt: "x".repeat(500) }, "r-413"));
    expect([tooLarge.status, tooLarge.headers.get("x-request-id")]).toEqual([413, "r-413"]);
    await route(post({ prompt: "hi" }));
    const limited = await route(post({ prompt: "hi" }, "r-429"));
    expect([limited.status, limited.headers.get("x-request-id")]).toEqual([429, "r-429"]);

    signedIn = await userWithBalance(t.db, 50n, "reqid");
    const poor = await route(post({ prompt: "hi" }, "r-402"));
    expect([poor.status, poor.headers.get("x-request-id")]).toEqual([402, "r-402"]);
  });

  it("is on a 503 and on every log line of the call, and on a failed call's lines with the ledger's callId", async () => {
    signedIn = await userWithBalance(t.db, 1_000n, "reqid");
    pricingFails = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const unavailable = await route(post({ prompt: "hi" }, "r-503"));
    pricingFails = null;
    expect([unavailable.status, unavailable.headers.get("x-request-id")]).toEqual([503, "r-503"]);
    expect(lines.filter((line) => line.requestId === "r-503")).toEqual([
      expect.objectContaining({ level: "warn", module: "metering", event: "database_unavailable", feature: "test" }),
    ]);

    signedIn = await userWithBalance(t.db, 1_000n, "reqid");
    const failed = await route(post({ prompt: "hi", fail: true }, "r-502"));
    expect([failed.status, failed.headers.get("x-request-id")]).toEqual([502, "r-502"]);
    const [line] = lines.filter((l) => l.requestId === "r-502");
    expect(line).toMatchObject({ event: "handler_failed", userId: signedIn, status: 500, message: "provider down" });
    expect(line!.callId).toEqual(expect.any(String));
    expect(line!.callId).not.toBe("r-502");
    // Every line the wrapper wrote in this file belongs to a call.
    expect(lines.every((l) => typeof l.requestId === "string")).toBe(true);
  });
});

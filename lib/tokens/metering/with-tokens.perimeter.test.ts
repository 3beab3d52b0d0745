// withTokens' perimeter without a database: a cross-site request and an oversized chunked body are
// refused before the session is even looked up further, the ledger touched or the handler run.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { HotLedger } from "../ledger";
import { createWithTokens } from "./with-tokens";

const untouchable = (what: string) => () => {
  throw new Error(`${what} must not be used`);
};
const calls = { session: 0, handler: 0 };
const withTokens = createWithTokens<unknown>({
  db: () => ({}) as Db,
  ledger: () => ({}) as HotLedger, // any use of it would throw
  currentUserId: async () => {
    calls.session++;
    return "user-1";
  },
  pricing: untouchable("pricing"),
  upgradeUrl: "/x",
  rateLimit: false,
  appOrigin: () => "https://tollgate.example.com",
});
const route = withTokens(
  "test",
  () => {
    calls.handler++;
    return {};
  },
  { input: z.object({}), estimate: () => ({ model: "m", worstCase: 1n }), maxBodyBytes: 100_000 } as never,
);

describe("withTokens reads at most its body limit", () => {
  it("refuses a 400 MB chunked body with 413 after pulling about the limit, and never runs the handler", async () => {
    const CHUNK = 16 * 1024;
    let pulled = 0;
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (pulled >= 400_000_000) return controller.close();
          pulled += CHUNK;
          controller.enqueue(new Uint8Array(CHUNK));
        },
        cancel() {
          cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    const request = new Request("https://tollgate.example.com/api/ai/test", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    const response = await route(request);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: "payload_too_large",
      message: "The request body must be at most 100000 bytes.",
    });
    expect(pulled).toBeLessThanOrEqual(100_000 + CHUNK);
    expect(cancelled).toBe(true);
    expect(calls.handler).toBe(0);
  });
});

describe("withTokens refuses cross-site requests first", () => {
  it("answers 403 before looking up the session or reading the body", async () => {
    const before = calls.session;
    const body = new ReadableStream<Uint8Array>({ pull: () => expect.unreachable("the body was read") });
    const response = await route(
      new Request("https://tollgate.example.com/api/ai/test", {
        method: "POST",
        headers: { "sec-fetch-site": "cross-site", origin: "http://evil.example", "content-type": "application/json" },
        body,
        duplex: "half",
      } as RequestInit),
    );
    expect(response.status).toBe(403);
    expect((await response.json()).error).toBe("cross_site_request");
    expect(calls.session).toBe(before);
  });
});

import { describe, expect, it } from "vitest";
import { payloadTooLarge, readBodyLimited, readJsonLimited, withBodyLimit } from "./body";

const CHUNK = 64 * 1024;

/**
 * A chunked body (no Content-Length) of `chunks` chunks of 64 KiB, made on demand: `pulled` counts
 * the bytes the reader took, `cancelled` tells whether it stopped the stream.
 */
function chunkedRequest(chunks: number) {
  const state = { pulled: 0, cancelled: false };
  let sent = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (sent === chunks) return controller.close();
        sent++;
        state.pulled += CHUNK;
        controller.enqueue(new Uint8Array(CHUNK).fill(120));
      },
      cancel() {
        state.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  const request = new Request("http://localhost/api/x", { method: "POST", body, duplex: "half" } as RequestInit);
  expect(request.headers.get("content-length")).toBeNull();
  return { request, state };
}

describe("readBodyLimited", () => {
  it("refuses a chunked body over the limit with 413 after pulling at most the limit plus one chunk, and cancels the stream", async () => {
    const limit = 1_000_000;
    const { request, state } = chunkedRequest(6_400); // 400 MiB if read whole
    const read = await readBodyLimited(request, limit);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.response.status).toBe(413);
    expect(await read.response.json()).toEqual({
      error: "payload_too_large",
      message: "The request body must be at most 1000000 bytes.",
    });
    expect(state.pulled).toBeLessThanOrEqual(limit + CHUNK);
    expect(state.pulled).toBeGreaterThan(limit);
    expect(state.cancelled).toBe(true);
  });

  it("returns a chunked body within the limit whole, byte for byte", async () => {
    const { request, state } = chunkedRequest(3);
    const read = await readBodyLimited(request, 3 * CHUNK);
    expect(read.ok && read.body.length).toBe(3 * CHUNK);
    expect(read.ok && read.body.every((b) => b === 120)).toBe(true);
    expect(state.cancelled).toBe(false);
  });

  it("refuses a declared Content-Length over the limit without reading anything", async () => {
    const body = new ReadableStream<Uint8Array>({ pull: () => expect.unreachable("the body was read") });
    const request = new Request("http://localhost/api/x", {
      method: "POST",
      body,
      headers: { "content-length": "2000" },
      duplex: "half",
    } as RequestInit);
    const read = await readBodyLimited(request, 1_999);
    expect(read.ok ? 200 : read.response.status).toBe(413);
  });

  it("answers 400 when the body breaks off (the client went away)", async () => {
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) return controller.error(new Error("aborted"));
        sent = true;
        controller.enqueue(new Uint8Array(10));
      },
    });
    const read = await readBodyLimited(
      new Request("http://localhost/api/x", { method: "POST", body, duplex: "half" } as RequestInit),
      100,
    );
    expect(read.ok ? null : [read.response.status, await read.response.json()]).toEqual([
      400,
      { error: "invalid_request", message: "The request body could not be read." },
    ]);
  });

  it("reads an empty body as zero bytes", async () => {
    const read = await readBodyLimited(new Request("http://localhost/api/x", { method: "POST" }), 10);
    expect(read.ok && read.body.length).toBe(0);
  });

  it("payloadTooLarge is the one 413 body", async () => {
    expect(await payloadTooLarge(5).json()).toEqual({
      error: "payload_too_large",
      message: "The request body must be at most 5 bytes.",
    });
  });
});

describe("readJsonLimited", () => {
  const post = (body: string) => new Request("http://localhost/api/x", { method: "POST", body });

  it("parses JSON within the limit, 400 for bad JSON, 413 over the limit", async () => {
    expect(await readJsonLimited(post('{"a":1}'), 100)).toEqual({ ok: true, value: { a: 1 } });
    const bad = await readJsonLimited(post("{a"), 100);
    expect(bad.ok ? null : [bad.response.status, await bad.response.json()]).toEqual([
      400,
      { error: "invalid_request", message: "The request body is not valid JSON." },
    ]);
    const big = await readJsonLimited(post(JSON.stringify({ a: "x".repeat(200) })), 100);
    expect(big.ok ? null : big.response.status).toBe(413);
  });
});

describe("withBodyLimit", () => {
  class SubRequest extends Request {
    readonly marker = "sub";
  }

  it("hands the handler an equal request of the same class with the body read within the limit", async () => {
    const seen: { marker?: string; body: string; method: string; type: string | null; url: string }[] = [];
    const wrapped = withBodyLimit(100, async (request: SubRequest) => {
      seen.push({
        marker: request.marker,
        body: await request.text(),
        method: request.method,
        type: request.headers.get("content-type"),
        url: request.url,
      });
      return new Response("ok");
    });
    const request = new SubRequest("http://localhost/api/auth/callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "email=a%40b.c&password=x",
    });
    expect((await wrapped(request)).status).toBe(200);
    expect(seen).toEqual([
      {
        marker: "sub",
        body: "email=a%40b.c&password=x",
        method: "POST",
        type: "application/x-www-form-urlencoded",
        url: "http://localhost/api/auth/callback/credentials",
      },
    ]);
  });

  it("answers 413 for a chunked body over the limit, pulling about the limit, and never runs the handler", async () => {
    let ran = false;
    const wrapped = withBodyLimit(100_000, async () => {
      ran = true;
      return new Response("ok");
    });
    const { request, state } = chunkedRequest(1_000);
    const response = await wrapped(request);
    expect(response.status).toBe(413);
    expect(state.pulled).toBeLessThanOrEqual(100_000 + CHUNK);
    expect(ran).toBe(false);
  });

  it("passes GET through untouched", async () => {
    const wrapped = withBodyLimit(1, async (request: Request) => new Response(request.method));
    expect(await (await wrapped(new Request("http://localhost/api/auth/session"))).text()).toBe("GET");
  });
});

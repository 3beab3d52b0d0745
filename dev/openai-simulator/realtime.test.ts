// The simulator's realtime WebSocket: a client connecting with a minted client secret, a sideband on
// the same call seeing every response.done, hang-up, and the refusals the app's metering relies on.
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { startOpenAISimulator, type OpenAISimulator } from "./index";

let sim: OpenAISimulator;
let client: OpenAI;

beforeAll(async () => {
  sim = await startOpenAISimulator();
  client = new OpenAI({ apiKey: "sk-test", baseURL: sim.url, maxRetries: 0 });
});
afterAll(async () => sim?.close());

const wsUrl = (query: string) => `${sim.url.replace("http", "ws")}/realtime?${query}`;

type Event = { type: string; [key: string]: unknown };

/** Opens a socket and collects its events; `next(type)` waits for the next event of that type. */
async function open(url: string, options: WebSocket.ClientOptions & { protocols?: string[] } = {}) {
  const ws = new WebSocket(url, options.protocols ?? [], options);
  const events: Event[] = [];
  const waiters: { type: string; resolve: (e: Event) => void; from: number }[] = [];
  let closed: { code: number } | null = null;
  ws.on("message", (data) => {
    events.push(JSON.parse(data.toString()));
    for (const w of [...waiters]) {
      const hit = events.slice(w.from).find((e) => e.type === w.type);
      if (hit) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(hit);
      }
    }
  });
  const closedPromise = new Promise<{ code: number }>((resolve) =>
    ws.on("close", (code) => resolve((closed = { code }))),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once("error", reject);
  });
  let seen = 0;
  return {
    ws,
    events,
    closed: () => closed,
    closedPromise,
    next(type: string) {
      const from = seen;
      const hit = events.slice(from).findIndex((e) => e.type === type);
      if (hit >= 0) {
        seen = from + hit + 1;
        return Promise.resolve(events[from + hit]!);
      }
      return new Promise<Event>((resolve) =>
        waiters.push({
          type,
          from,
          resolve: (e) => {
            seen = events.indexOf(e) + 1;
            resolve(e);
          },
        }),
      );
    },
  };
}

/** A browser's SDP offer (audio + the events data channel), as Chromium writes one. */
export const OFFER = [
  "v=0",
  "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
  "s=-",
  "t=0 0",
  "a=group:BUNDLE 0 1",
  "m=audio 9 UDP/TLS/RTP/SAVPF 111",
  "c=IN IP4 0.0.0.0",
  "a=mid:0",
  "a=sendrecv",
  "a=rtcp-mux",
  "a=rtpmap:111 opus/48000/2",
  "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
  "c=IN IP4 0.0.0.0",
  "a=mid:1",
  "a=sctp-port:5000",
  "",
].join("\r\n");

/** Creates a WebRTC call as our server does (the SDK's multipart `sdp` + `session`) and joins a test peer to it. */
async function serverCall(instructions = "You are a coach.") {
  const response = await client.realtime.calls.create({
    sdp: OFFER,
    session: { type: "realtime", model: "gpt-realtime", instructions },
  });
  const callId = response.headers.get("location")!.split("/").pop()!;
  const peer = sim.realtime.peer(callId);
  return { response, callId, peer };
}

const userTurn = (text: string) => ({
  type: "conversation.item.create",
  item: { type: "message", role: "user", content: [{ type: "input_text", text }] },
});

describe("simulator realtime calls (POST /v1/realtime/calls)", () => {
  it("answers an SDP offer with 201, an SDP answer and the call id in Location", async () => {
    const response = await client.realtime.calls.create({
      sdp: OFFER,
      session: { type: "realtime", model: "gpt-realtime", max_output_tokens: 256 },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toBe("application/sdp");
    expect(response.headers.get("location")).toMatch(/^\/v1\/realtime\/calls\/rtc_sim_[0-9a-f]{24}$/);
    const answer = await response.text();
    expect(answer).toMatch(/^v=0\r\n/);
    expect(answer).toContain("a=mid:0");
    expect(answer).toContain("m=application 9 UDP/DTLS/SCTP webrtc-datachannel");
    const callId = response.headers.get("location")!.split("/").pop()!;
    expect(sim.realtime.list().find((c) => c.id === callId)!.session).toMatchObject({
      model: "gpt-realtime",
      max_output_tokens: 256,
    });
    await client.realtime.calls.hangup(callId);
  });

  it("refuses a body without an SDP offer, and a malformed one (400)", async () => {
    const bad = await client.realtime.calls
      .create({ sdp: "hello" })
      .catch((e: unknown) => e as { status: number; error: { param: string } });
    expect(bad).toMatchObject({ status: 400, error: { param: "sdp", code: "invalid_offer" } });
    const res = await fetch(`${sim.url}/realtime/calls`, {
      method: "POST",
      headers: { authorization: "Bearer sk-test", "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(400);
  });

  it("sends every server event to the peer and the sideband alike, with the fields the spec requires", async () => {
    const { callId, peer } = await serverCall();
    const sideband = await open(wsUrl(`call_id=${callId}`), { headers: { authorization: "Bearer sk-test" } });
    expect((await sideband.next("session.created")).session).toMatchObject({ instructions: "You are a coach." });

    peer.send(userTurn("How do I breathe during squats?"));
    peer.send({ type: "input_audio_buffer.append", audio: Buffer.alloc(48_000 * 3).toString("base64") });
    peer.send({ type: "input_audio_buffer.commit" });
    peer.send({ type: "response.create" });
    const committed = await sideband.next("input_audio_buffer.committed");
    expect(committed).toMatchObject({ event_id: expect.any(String), item_id: expect.stringMatching(/^item_sim_/) });
    const transcript = await sideband.next("response.output_audio_transcript.done");
    expect(transcript).toMatchObject({
      response_id: expect.any(String),
      item_id: expect.any(String),
      output_index: 0,
      content_index: 0,
      transcript: expect.any(String),
    });
    const first = (await sideband.next("response.done")).response as {
      usage: {
        input_token_details: { audio_tokens: number; cached_tokens: number };
        output_token_details: { text_tokens: number; audio_tokens: number };
      };
    };
    expect(first.usage.input_token_details.audio_tokens).toBe(30); // 3 s × 10 tokens
    expect(first.usage.input_token_details.cached_tokens).toBe(0);
    expect(first.usage.output_token_details.audio_tokens).toBe(2 * first.usage.output_token_details.text_tokens);
    peer.send({ type: "response.create" });
    const second = (await sideband.next("response.done")).response as {
      usage: { input_token_details: { audio_tokens: number; cached_tokens_details: { audio_tokens: number } } };
    };
    expect(second.usage.input_token_details.audio_tokens).toBe(30 + first.usage.output_token_details.audio_tokens);

    const call = sim.realtime.list().find((c) => c.id === callId)!;
    expect(call.responses).toEqual([first.usage, second.usage]);
    expect(peer.events.find((e) => e.type === "response.done")!.response).toEqual(first);
    expect(peer.events[0]).toMatchObject({ type: "session.created" }); // sent before the peer joined, kept for it

    await client.realtime.calls.hangup(callId);
    expect(await peer.closed).toBe("hangup");
    expect((await sideband.closedPromise).code).toBe(1000);
    expect(sim.realtime.list().find((c) => c.id === callId)!.ended).toBe(true);
  });

  it("refuses a sideband with a client secret (403) and an unknown call (404)", async () => {
    const { callId } = await serverCall();
    const secret = await client.realtime.clientSecrets.create({ expires_after: { anchor: "created_at", seconds: 30 } });
    await expect(
      open(wsUrl(`call_id=${callId}`), { headers: { authorization: `Bearer ${secret.value}` } }),
    ).rejects.toThrow("HTTP 403");
    await expect(open(wsUrl("call_id=rtc_sim_nope"), { headers: { authorization: "Bearer sk-test" } })).rejects.toThrow(
      "HTTP 404",
    );
    await client.realtime.calls.hangup(callId);
  });

  it("drops a sideband without a close frame while the call goes on", async () => {
    const { callId, peer } = await serverCall();
    const sideband = await open(wsUrl(`call_id=${callId}`), { headers: { authorization: "Bearer sk-test" } });
    sim.realtime.dropSidebands(callId);
    expect((await sideband.closedPromise).code).toBe(1006);
    peer.send({ type: "response.create" });
    await vi.waitFor(() => expect(peer.events.some((e) => e.type === "response.done")).toBe(true));
    peer.leave();
  });
});

describe("simulator realtime WebSocket (GET /v1/realtime?model=)", () => {
  it("opens a session with a minted client secret and refuses an unknown one (401)", async () => {
    const secret = await client.realtime.clientSecrets.create({
      expires_after: { anchor: "created_at", seconds: 30 },
      session: { type: "realtime", model: "gpt-realtime", instructions: "You are a coach." },
    });
    const browser = await open(wsUrl("model=gpt-realtime"), {
      protocols: ["realtime", `openai-insecure-api-key.${secret.value}`],
    });
    expect(((await browser.next("session.created")).session as { id: string }).id).toBe(secret.session.id);
    browser.ws.send(JSON.stringify(userTurn("Hi")));
    browser.ws.send(JSON.stringify({ type: "response.create" }));
    await browser.next("response.done");
    await expect(
      open(wsUrl("model=gpt-realtime"), { protocols: ["realtime", "openai-insecure-api-key.ek_sim_forged"] }),
    ).rejects.toThrow("HTTP 401");
    browser.ws.close();
  });
});

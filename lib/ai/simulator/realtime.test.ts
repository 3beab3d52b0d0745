// The simulator's realtime WebSocket: a client connecting with a minted client secret, a sideband on
// the same call seeing every response.done, hang-up, and the refusals the app's metering relies on.
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
  const closedPromise = new Promise<{ code: number }>((resolve) => ws.on("close", (code) => resolve((closed = { code }))));
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
        waiters.push({ type, from, resolve: (e) => { seen = events.indexOf(e) + 1; resolve(e); } }),
      );
    },
  };
}

async function browserCall(instructions = "You are a coach.") {
  const secret = await client.realtime.clientSecrets.create({
    expires_after: { anchor: "created_at", seconds: 30 },
    session: { type: "realtime", model: "gpt-realtime", instructions },
  });
  const browser = await open(wsUrl("model=gpt-realtime"), { protocols: ["realtime", `openai-insecure-api-key.${secret.value}`] });
  const created = await browser.next("session.created");
  return { secret, browser, callId: created.call_id as string, session: created.session as { id: string } };
}

describe("simulator realtime", () => {
  it("streams every response.done to the client and the sideband alike, with usage that re-reads the conversation", async () => {
    const { browser, callId, session, secret } = await browserCall();
    expect(callId).toMatch(/^rtc_sim_/);
    expect(session.id).toBe(secret.session.id);
    const sideband = await open(wsUrl(`call_id=${callId}`), { headers: { authorization: "Bearer sk-test" } });
    expect((await sideband.next("session.created")).call_id).toBe(callId);

    browser.ws.send(JSON.stringify({ type: "conversation.item.create", item: { type: "message", role: "user", content: [{ type: "input_text", text: "How do I breathe during squats?" }] } }));
    browser.ws.send(JSON.stringify({ type: "input_audio_buffer.append", audio: Buffer.alloc(48_000 * 3).toString("base64") }));
    browser.ws.send(JSON.stringify({ type: "input_audio_buffer.commit" }));
    browser.ws.send(JSON.stringify({ type: "response.create" }));
    const first = (await sideband.next("response.done")).response as { usage: { input_token_details: { audio_tokens: number; cached_tokens: number }; output_token_details: { text_tokens: number; audio_tokens: number } } };
    expect(first.usage.input_token_details.audio_tokens).toBe(30); // 3 s × 10 tokens
    expect(first.usage.input_token_details.cached_tokens).toBe(0);
    expect(first.usage.output_token_details.audio_tokens).toBe(2 * first.usage.output_token_details.text_tokens);
    browser.ws.send(JSON.stringify({ type: "response.create" }));
    const second = (await sideband.next("response.done")).response as { usage: { input_token_details: { audio_tokens: number; cached_tokens_details: { audio_tokens: number } } } };
    expect(second.usage.input_token_details.audio_tokens).toBe(30 + first.usage.output_token_details.audio_tokens);
    expect(second.usage.input_token_details.cached_tokens_details.audio_tokens).toBe(0); // 30 rounds down to 0 of 64

    const call = sim.realtime.list().find((c) => c.id === callId)!;
    expect(call.responses).toEqual([first.usage, second.usage]);
    expect((await browser.next("response.done")).response).toEqual(first);

    await client.realtime.calls.hangup(callId);
    expect((await browser.closedPromise).code).toBe(1000);
    expect((await sideband.closedPromise).code).toBe(1000);
    expect(sim.realtime.list().find((c) => c.id === callId)!.ended).toBe(true);
  });

  it("refuses a sideband with a client secret (403), an unknown call (404) and an unknown secret (401)", async () => {
    const { secret, callId, browser } = await browserCall();
    await expect(open(wsUrl(`call_id=${callId}`), { headers: { authorization: `Bearer ${secret.value}` } })).rejects.toThrow("HTTP 403");
    await expect(open(wsUrl("call_id=rtc_sim_nope"), { headers: { authorization: "Bearer sk-test" } })).rejects.toThrow("HTTP 404");
    await expect(open(wsUrl("model=gpt-realtime"), { protocols: ["realtime", "openai-insecure-api-key.ek_sim_forged"] })).rejects.toThrow("HTTP 401");
    browser.ws.close();
  });

  it("drops a sideband without a close frame while the call goes on", async () => {
    const { browser, callId } = await browserCall();
    const sideband = await open(wsUrl(`call_id=${callId}`), { headers: { authorization: "Bearer sk-test" } });
    sim.realtime.dropSidebands(callId);
    expect((await sideband.closedPromise).code).toBe(1006);
    browser.ws.send(JSON.stringify({ type: "response.create" }));
    await browser.next("response.done");
    browser.ws.close();
  });
});

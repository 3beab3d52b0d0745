// The simulator's POST /v1/realtime/calls with a real WebRTC peer (werift) on both ends: ICE and
// DTLS on loopback, the `oai-events` data channel carrying the call's events both ways, the
// sideband seeing the same response.done, and a hang-up closing the peer's channel.
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { RTCPeerConnection } from "werift";
import WebSocket from "ws";
import { startOpenAISimulator, type OpenAISimulator } from "./index";

let sim: OpenAISimulator;
let client: OpenAI;

beforeAll(async () => {
  sim = await startOpenAISimulator({ webrtc: true });
  client = new OpenAI({ apiKey: "sk-test", baseURL: sim.url, maxRetries: 0 });
});
afterAll(async () => sim?.close());

describe("simulator realtime calls over real WebRTC", () => {
  it("answers a browser-like peer: data channel events both ways, the same usage on the sideband, hang-up closes the channel", async () => {
    const browser = new RTCPeerConnection({ iceAdditionalHostAddresses: ["127.0.0.1"] });
    browser.addTransceiver("audio", { direction: "sendrecv" });
    const channel = browser.createDataChannel("oai-events");
    const events: { type: string; [key: string]: unknown }[] = [];
    channel.onMessage.subscribe((data) => events.push(JSON.parse(data.toString())));
    await browser.setLocalDescription(await browser.createOffer());
    await vi.waitFor(() => expect(browser.iceGatheringState).toBe("complete"), { timeout: 5_000 });

    const response = await client.realtime.calls.create({
      sdp: browser.localDescription!.sdp,
      session: { type: "realtime", model: "gpt-realtime", instructions: "Coach." },
    });
    expect(response.status).toBe(201);
    const callId = response.headers.get("location")!.split("/").pop()!;
    const answer = await response.text();
    expect(answer).toMatch(/a=fingerprint:sha-256 /);
    expect(answer).toMatch(/a=candidate:/);
    const sideband = new WebSocket(`${sim.url.replace("http", "ws")}/realtime?call_id=${callId}`, {
      headers: { authorization: "Bearer sk-test" },
    });
    const seen: unknown[] = [];
    sideband.on("message", (data) => {
      const event = JSON.parse(data.toString());
      if (event.type === "response.done") seen.push(event.response.usage);
    });
    await new Promise((resolve) => sideband.once("open", resolve));
    await browser.setRemoteDescription({ type: "answer", sdp: answer });

    await vi.waitFor(() => expect(channel.readyState).toBe("open"), { timeout: 10_000 });
    await vi.waitFor(() => expect(events[0]?.type).toBe("session.created"));
    channel.send(
      JSON.stringify({
        type: "conversation.item.create",
        item: { type: "message", role: "user", content: [{ type: "input_text", text: "How deep should I squat?" }] },
      }),
    );
    channel.send(JSON.stringify({ type: "response.create" }));
    await vi.waitFor(() => expect(events.some((e) => e.type === "response.done")).toBe(true), { timeout: 5_000 });
    const done = events.find((e) => e.type === "response.done") as unknown as { response: { usage: unknown } };
    expect(seen).toEqual([done.response.usage]);
    expect(sim.realtime.list().find((c) => c.id === callId)!.responses).toEqual([done.response.usage]);

    await client.realtime.calls.hangup(callId);
    await vi.waitFor(() => expect(channel.readyState).toBe("closed"), { timeout: 10_000 });
    expect(sim.realtime.list().find((c) => c.id === callId)!.ended).toBe(true);
    sideband.close();
    await browser.close();
  }, 30_000);
});

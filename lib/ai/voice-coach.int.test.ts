// The realtime voice coach end to end below HTTP: the real routes (start, attach, end), the real SDK
// minting the client secret at the simulator, a "browser" WebSocket on the simulator's realtime
// endpoint, the server's sideband reading response.done, the real cost engine and Postgres.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { costOf, estimateRealtimeCost, type RealtimeUsage } from "../tokens/cost";
import { verifyLedger } from "../tokens/ledger";
import { realtimeTiming, worstCaseUsage } from "./realtime-metering";
import type { RealtimeUsageReport } from "./simulator/realtime";
import { leaveAvailable, startRouteHarness, type RouteHarness } from "./testing/route-harness";
import { VOICE_COACH_HOLD_TTL_MS, VOICE_COACH_MODEL } from "./voice-coach";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("../auth/session", () => ({ sessionUserId: async () => session.userId }));

let h: RouteHarness;
type Route = (request: Request) => Promise<Response>;
let start: Route;
let attach: Route;
let end: Route;
const defaults = { ...realtimeTiming };

beforeAll(async () => {
  h = await startRouteHarness(session, "voice");
  start = (await import("../../app/api/ai/voice-coach-realtime/route")).POST;
  attach = (await import("../../app/api/ai/voice-coach-realtime/attach/route")).POST;
  end = (await import("../../app/api/ai/voice-coach-realtime/end/route")).POST;
});
afterEach(() => Object.assign(realtimeTiming, defaults));
afterAll(async () => h?.close());

const post = (route: Route, body: unknown) =>
  route(new Request("http://localhost/api/ai/voice-coach-realtime", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));

/** Starts a session and connects a "browser" to the simulator with the client secret, as the page does. */
async function connect(maxSeconds: number, { attachIt = true } = {}) {
  const response = await post(start, { maxSeconds });
  expect(response.status).toBe(200);
  const started = await response.json();
  expect(started.connect.transport).toBe("websocket");
  const browser = new WebSocket(started.connect.url, ["realtime", `openai-insecure-api-key.${started.clientSecret}`]);
  const done: unknown[] = [];
  let callId = "";
  const created = new Promise<void>((resolve) =>
    browser.on("message", (data) => {
      const event = JSON.parse(data.toString());
      if (event.type === "session.created") {
        callId = event.call_id;
        resolve();
      }
      if (event.type === "response.done") done.push(event);
    }),
  );
  const closed = new Promise<number>((resolve) => browser.on("close", (code) => resolve(code)));
  await created;
  if (attachIt) expect((await post(attach, { sessionId: started.sessionId, callId })).status).toBe(200);
  /** Asks for `n` answers and waits until the browser has them all. */
  const talk = async (n: number) => {
    const target = done.length + n;
    for (let i = 0; i < n; i++) {
      browser.send(JSON.stringify({ type: "conversation.item.create", item: { type: "message", role: "user", content: [{ type: "input_text", text: `Set ${i}: how is my squat depth?` }] } }));
      browser.send(JSON.stringify({ type: "input_audio_buffer.append", audio: Buffer.alloc(48_000 * 2).toString("base64") }));
      browser.send(JSON.stringify({ type: "input_audio_buffer.commit" }));
      browser.send(JSON.stringify({ type: "response.create" }));
    }
    await vi.waitFor(() => expect(done.length).toBe(target));
  };
  return { started, browser, callId: () => callId, talk, closed };
}

/** The summed usage the simulator reported for a call, as the cost engine's realtime usage. */
function reported(callId: string): RealtimeUsage {
  const call = h.simulator.realtime.list().find((c) => c.id === callId)!;
  const sum = (f: (u: RealtimeUsageReport) => number) => call.responses.reduce((n, u) => n + f(u), 0);
  return {
    kind: "realtime",
    textInputTokens: sum((u) => u.input_token_details.text_tokens),
    cachedTextInputTokens: sum((u) => u.input_token_details.cached_tokens_details.text_tokens),
    textOutputTokens: sum((u) => u.output_token_details.text_tokens),
    audioInputTokens: sum((u) => u.input_token_details.audio_tokens),
    cachedAudioInputTokens: sum((u) => u.input_token_details.cached_tokens_details.audio_tokens),
    audioOutputTokens: sum((u) => u.output_token_details.audio_tokens),
  };
}

const plus = (a: RealtimeUsage, b: Omit<RealtimeUsage, "kind">): RealtimeUsage => ({
  kind: "realtime",
  textInputTokens: a.textInputTokens + b.textInputTokens,
  cachedTextInputTokens: (a.cachedTextInputTokens ?? 0) + (b.cachedTextInputTokens ?? 0),
  textOutputTokens: a.textOutputTokens + b.textOutputTokens,
  audioInputTokens: a.audioInputTokens + b.audioInputTokens,
  cachedAudioInputTokens: (a.cachedAudioInputTokens ?? 0) + (b.cachedAudioInputTokens ?? 0),
  audioOutputTokens: a.audioOutputTokens + b.audioOutputTokens,
});

const hold = (seconds: number) => estimateRealtimeCost(VOICE_COACH_MODEL, { maxSessionSeconds: seconds }).worstCase;

describe("voice-coach-realtime", () => {
  it("holds the worst case, then charges exactly the summed usage of the N response.done events", async () => {
    const userId = await h.signIn(1_000_000n);
    const { started, talk, callId, closed } = await connect(60);
    expect(started.held).toBe(Number(hold(60)) / 1000);
    const reservation = await h.t.db.tokenReservation.findFirstOrThrow({ where: { userId, feature: "voice-coach-realtime" } });
    expect(reservation).toMatchObject({ status: "held", amount: hold(60) });
    expect(reservation.expiresAt.getTime() - Date.now()).toBeGreaterThan(300_000); // outlives the longest session

    await talk(3);
    const response = await post(end, { sessionId: started.sessionId });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(await closed).toBe(1000); // the server hung up the call

    const usage = reported(callId());
    expect(h.simulator.realtime.list().find((c) => c.id === callId())!.responses).toHaveLength(3);
    expect(usage.cachedTextInputTokens).toBeGreaterThan(0); // the later responses re-read a cached prefix
    const expected = costOf(VOICE_COACH_MODEL, usage);
    const [row] = await h.consumeRows(userId);
    expect(row!.costMicroUsd).toBe(expected);
    expect(row!.usage).toMatchObject({ model: VOICE_COACH_MODEL, inputTokens: usage.textInputTokens, audioOutputTokens: usage.audioOutputTokens });
    expect(body).toMatchObject({ outcome: "ended", responses: 3, tokens: { charged: Number(expected) / 1000 } });
    expect(await h.t.db.tokenReservation.findUniqueOrThrow({ where: { id: reservation.id } })).toMatchObject({ status: "settled" });
    // Ending again returns the same settlement and charges nothing more.
    expect(await (await post(end, { sessionId: started.sessionId })).json()).toEqual(body);
    expect(await h.consumeRows(userId)).toHaveLength(1);
    expect((await verifyLedger(h.t.db, { userIds: [userId] })).mismatches).toEqual([]);
  });

  it("cuts the session off at its maximum length and charges what was used until then", async () => {
    realtimeTiming.msPerSessionSecond = 40; // a "10 s" session lasts 400 ms
    const userId = await h.signIn(1_000_000n);
    const { talk, callId, closed, browser } = await connect(10);
    await talk(2);
    expect(await closed).toBe(1000); // hung up by the server at the maximum length
    browser.send(JSON.stringify({ type: "response.create" })); // too late: the call is over
    await vi.waitFor(async () => expect(await h.consumeRows(userId)).toHaveLength(1));
    const [row] = await h.consumeRows(userId);
    expect(h.simulator.realtime.list().find((c) => c.id === callId())!.responses).toHaveLength(2);
    expect(row!.costMicroUsd).toBe(costOf(VOICE_COACH_MODEL, reported(callId())));
    expect((await verifyLedger(h.t.db, { userIds: [userId] })).mismatches).toEqual([]);
  });

  it("gives the client no way to report usage: extra fields are refused, and the charge is the sideband's", async () => {
    const userId = await h.signIn(1_000_000n);
    const { started, talk, callId } = await connect(30, { attachIt: false });
    const forged = { textInputTokens: 1, textOutputTokens: 0, audioInputTokens: 0, audioOutputTokens: 0 };
    const refusedAttach = await post(attach, { sessionId: started.sessionId, callId: callId(), usage: forged });
    expect(refusedAttach.status).toBe(400);
    expect((await refusedAttach.json()).message).toContain("usage");
    expect((await post(attach, { sessionId: started.sessionId, callId: callId() })).status).toBe(200);
    // A second attach (say, to a cheaper call) is refused.
    expect((await post(attach, { sessionId: started.sessionId, callId: "rtc_sim_other" })).status).toBe(409);
    // Another user can neither see nor end this session.
    await h.signIn();
    expect((await post(end, { sessionId: started.sessionId })).status).toBe(404);
    session.userId = userId;

    await talk(2);
    expect((await post(end, { sessionId: started.sessionId, usage: forged })).status).toBe(400);
    const response = await post(end, { sessionId: started.sessionId, responses: 0 });
    expect(response.status).toBe(400);
    await post(end, { sessionId: started.sessionId });
    const [row] = await h.consumeRows(userId);
    expect(row!.costMicroUsd).toBe(costOf(VOICE_COACH_MODEL, reported(callId())));
    expect(row!.costMicroUsd).toBeGreaterThan(1_000n);
  });

  it("charges the whole hold when no call is attached within the secret's lifetime", async () => {
    realtimeTiming.attachGraceMs = -9_800; // the 10 s secret window + grace = 200 ms
    const userId = await h.signIn(1_000_000n);
    const { browser } = await connect(30, { attachIt: false });
    await vi.waitFor(async () => expect(await h.consumeRows(userId)).toHaveLength(1));
    const [row] = await h.consumeRows(userId);
    expect(row!.costMicroUsd).toBe(hold(30));
    browser.close();
  });

  it("charges what was observed plus the worst case of the remaining time when the sideband is lost", async () => {
    const userId = await h.signIn(1_000_000n);
    const startedAt = Date.now();
    const { talk, callId, closed } = await connect(10);
    await talk(2);
    const observed = reported(callId());
    h.simulator.realtime.dropSidebands(callId());
    expect(await closed).toBe(1000); // the server hangs up a call it can no longer see
    await vi.waitFor(async () => expect(await h.consumeRows(userId)).toHaveLength(1));
    const elapsed = (Date.now() - startedAt) / 1000;
    const [row] = await h.consumeRows(userId);
    // Remaining whole seconds: between ceil(10 − elapsed) and 10.
    const candidates = [];
    for (let s = Math.ceil(10 - elapsed); s <= 10; s++) candidates.push(costOf(VOICE_COACH_MODEL, plus(observed, worstCaseUsage(s))));
    expect(candidates).toContain(row!.costMicroUsd);
    expect(row!.costMicroUsd).toBeGreaterThan(costOf(VOICE_COACH_MODEL, observed));
  });

  it("settles before the hold expires, even if the session is still running", async () => {
    realtimeTiming.expiryMarginMs = VOICE_COACH_HOLD_TTL_MS - 300; // the expiry timer fires after ~300 ms
    const userId = await h.signIn(3_000_000n);
    const { started, talk, callId } = await connect(300);
    await talk(1);
    await vi.waitFor(async () => expect(await h.consumeRows(userId)).toHaveLength(1));
    const body = await (await post(end, { sessionId: started.sessionId })).json();
    expect(body).toMatchObject({ outcome: "hold_expiring", responses: 1 });
    const [row] = await h.consumeRows(userId);
    expect(row!.costMicroUsd).toBeGreaterThan(costOf(VOICE_COACH_MODEL, reported(callId())));
    expect(row!.costMicroUsd).toBeLessThanOrEqual(costOf(VOICE_COACH_MODEL, plus(reported(callId()), worstCaseUsage(300))));
    expect((await verifyLedger(h.t.db, { userIds: [userId] })).mismatches).toEqual([]);
  });

  it("answers 402 when the worst case does not fit, minting no secret and holding nothing", async () => {
    const userId = await h.signIn();
    await leaveAvailable(h.t, userId, hold(30) - 1n);
    const minted = h.simulator.requests.filter((r) => r.path === "/v1/realtime/client_secrets").length;
    const response = await post(start, { maxSeconds: 30 });
    expect(response.status).toBe(402);
    expect(await response.json()).toMatchObject({ error: "insufficient_tokens", required: Number(hold(30)) / 1000 });
    expect(h.simulator.requests.filter((r) => r.path === "/v1/realtime/client_secrets").length).toBe(minted);
    expect(await h.t.db.tokenReservation.count({ where: { userId, feature: "voice-coach-realtime" } })).toBe(0);
  });

  it.each([[{ maxSeconds: 45 }], [{ maxSeconds: "60" }], [{ maxSeconds: 60, model: "gpt-4o-realtime-preview" }]])("answers 400 for %j", async (body) => {
    const userId = await h.signIn(1_000_000n);
    const response = await post(start, body);
    expect(response.status).toBe(400);
    expect(await h.t.db.tokenReservation.count({ where: { userId } })).toBe(0);
  });
});

// The realtime voice coach end to end below HTTP: the real routes (start, attach, end), the real SDK
// creating the call at the simulator (POST /v1/realtime/calls with the browser's SDP offer), the
// server's sideband reading response.done, the real cost engine and Postgres. The "browser" is the
// simulator's test peer on the call (what the data channel carries). A second meter over the same
// database plays another app instance.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { SIMULATOR_API_KEY } from "../env";
import { costOf, estimateRealtimeCost, type RealtimeUsage } from "../tokens/cost";
import { verifyLedger } from "../tokens/ledger";
import { setOwnSpendLimit } from "../tokens/spend-limit";
import { RealtimeMeter, realtimeTiming, worstCaseUsage } from "./realtime-metering";
import type { RealtimeUsageReport } from "@/dev/openai-simulator/realtime";
import { leaveAvailable, startRouteHarness, type RouteHarness } from "@/test/ai/route-harness";
import { MAX_OUTPUT_TOKENS_PER_RESPONSE, VOICE_COACH_INSTRUCTIONS, VOICE_COACH_MODEL } from "./voice-coach";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("../auth/session", () => ({
  sessionUserId: async () => session.userId,
  sessionClaims: async () =>
    session.userId ? { userId: session.userId, sessionVersion: 0, verify: async () => true } : null,
}));

/** A browser's SDP offer (audio + the events data channel). */
const OFFER = [
  "v=0",
  "o=- 1 2 IN IP4 127.0.0.1",
  "s=-",
  "t=0 0",
  "a=group:BUNDLE 0 1",
  "m=audio 9 UDP/TLS/RTP/SAVPF 111",
  "a=mid:0",
  "a=rtpmap:111 opus/48000/2",
  "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
  "a=mid:1",
  "a=sctp-port:5000",
  "",
].join("\r\n");

let h: RouteHarness;
type Route = (request: Request) => Promise<Response>;
let start: Route;
let attach: Route;
let end: Route;
/** Another app instance: its own in-memory state over the same database and provider. */
let other: RealtimeMeter;
const defaults = { ...realtimeTiming };
// vi.waitFor's 1 s default is too short for a sideband round trip on a busy 2-core machine (the
// build runs beside the tests in `npm test`); a condition met sooner returns sooner.
const waitFor = <T>(check: () => T | Promise<T>, options: { timeout?: number; interval?: number } = {}) =>
  vi.waitFor(check, { timeout: 10_000, interval: 50, ...options });

beforeAll(async () => {
  h = await startRouteHarness(session, "voice");
  start = (await import("@/app/api/ai/voice-coach-realtime/route")).POST;
  attach = (await import("@/app/api/ai/voice-coach-realtime/attach/route")).POST;
  end = (await import("@/app/api/ai/voice-coach-realtime/end/route")).POST;
  const { db } = await import("../db/client");
  const { currentCostEngine, ledger } = await import("./metered");
  const { openai } = await import("./client");
  const { providerTransport } = await import("./voice-coach");
  other = new RealtimeMeter({
    db,
    ledger,
    engine: currentCostEngine,
    provider: providerTransport(openai()),
    log: () => undefined,
  });
});
afterEach(() => Object.assign(realtimeTiming, defaults));
afterAll(async () => h?.close());

const post = (route: Route, body: unknown) =>
  route(
    new Request("http://localhost/api/ai/voice-coach-realtime", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );

/** This process's default meter (the routes' instance). */
const appMeter = () => (globalThis as unknown as { tollgateRealtimeMeter: RealtimeMeter }).tollgateRealtimeMeter;

/** Starts a session as the page does (the offer to our route), then joins the call as the browser's data channel. */
async function connect(maxSeconds: number, { attachIt = true } = {}) {
  const response = await post(start, { maxSeconds, sdp: OFFER });
  expect(response.status).toBe(200);
  const started = await response.json();
  const row = await h.t.db.realtimeSession.findUniqueOrThrow({ where: { id: started.sessionId } });
  const callId = row.callId!;
  const peer = h.simulator.realtime.peer(callId);
  if (attachIt) expect((await post(attach, { sessionId: started.sessionId })).status).toBe(200);
  const responsesSeen = () => peer.events.filter((e) => e.type === "response.done").length;
  /** Asks for `n` answers (each after a user turn with `audioSeconds` of audio) and waits for them all. */
  const talk = async (n: number, audioSeconds = 2) => {
    const target = responsesSeen() + n;
    for (let i = 0; i < n; i++) {
      peer.send({
        type: "conversation.item.create",
        item: {
          type: "message",
          role: "user",
          content: [{ type: "input_text", text: `Set ${i}: how is my squat depth?` }],
        },
      });
      peer.send({ type: "input_audio_buffer.append", audio: Buffer.alloc(48_000 * audioSeconds).toString("base64") });
      peer.send({ type: "input_audio_buffer.commit" });
      peer.send({ type: "response.create" });
    }
    await waitFor(() => expect(responsesSeen()).toBe(target));
  };
  return { started, response, callId, peer, talk, responsesSeen };
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

const hold = (seconds: number) => estimateRealtimeCost(VOICE_COACH_MODEL, { maxSessionSeconds: seconds }).worstCase;
const simCall = (callId: string) => h.simulator.realtime.list().find((c) => c.id === callId)!;

describe("voice-coach-realtime", () => {
  it("creates the call on the server: the browser gets the SDP answer and no key or secret, so it cannot open a second call", async () => {
    await h.signIn(1_000_000n);
    const callsBefore = h.simulator.realtime.list().length;
    const { response, started, callId, peer } = await connect(30);
    const text = JSON.stringify(started);
    expect(Object.keys(started).sort()).toEqual(["held", "maxSeconds", "sdp", "sessionId", "tokens"]);
    expect(started.sdp).toMatch(/^v=0\r\n/);
    expect(text).not.toContain(SIMULATOR_API_KEY);
    expect(text).not.toMatch(/ek_|secret|client_secret|api[_-]?key/i);
    expect([...response.headers.keys()].filter((k) => /secret|key|authorization/i.test(k))).toEqual([]);
    // One call, created with the server's own key; no client secret was ever minted.
    expect(h.simulator.realtime.list().length).toBe(callsBefore + 1);
    const created = h.simulator.requests.filter((r) => r.path === "/v1/realtime/calls");
    expect(created.at(-1)!.headers.authorization).toBe(`Bearer ${SIMULATOR_API_KEY}`);
    expect(h.simulator.requests.some((r) => r.path === "/v1/realtime/client_secrets")).toBe(false);
    // The server's sideband was on the call before the browser got the answer.
    expect(simCall(callId).sidebands).toBe(1);
    await post(end, { sessionId: started.sessionId });
    expect(await peer.closed).toBe("hangup");
  });

  it("holds the worst case, records each response.done in Postgres as it arrives, then charges exactly their summed usage", async () => {
    const userId = await h.signIn(1_000_000n);
    const { started, talk, callId, peer } = await connect(60);
    expect(started.held).toBe(Number(hold(60)) / 1000);
    const reservation = await h.t.db.tokenReservation.findFirstOrThrow({
      where: { userId, feature: "voice-coach-realtime" },
    });
    expect(reservation).toMatchObject({ status: "held", amount: hold(60) });

    await talk(3);
    await waitFor(async () =>
      expect((await h.t.db.realtimeSession.findUniqueOrThrow({ where: { id: started.sessionId } })).responses).toBe(3),
    );
    const usage = reported(callId);
    expect(await h.t.db.realtimeSession.findUniqueOrThrow({ where: { id: started.sessionId } })).toMatchObject({
      status: "live",
      textInputTokens: usage.textInputTokens,
      audioOutputTokens: usage.audioOutputTokens,
      cachedTextInputTokens: usage.cachedTextInputTokens,
    });

    const response = await post(end, { sessionId: started.sessionId });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(await peer.closed).toBe("hangup");
    const expected = costOf(VOICE_COACH_MODEL, usage);
    const [row] = await h.consumeRows(userId);
    expect(row!.costMicroUsd).toBe(expected);
    expect(row!.shortfall).toBe(0n);
    expect(body).toMatchObject({ outcome: "ended", responses: 3, tokens: { charged: Number(expected) / 1000 } });
    expect(await h.t.db.tokenReservation.findUniqueOrThrow({ where: { id: reservation.id } })).toMatchObject({
      status: "settled",
    });
    // Ending again returns the same settlement and charges nothing more.
    expect(await (await post(end, { sessionId: started.sessionId })).json()).toEqual(body);
    expect(await h.consumeRows(userId)).toHaveLength(1);
    expect((await verifyLedger(h.t.db, { userIds: [userId] })).mismatches).toEqual([]);
  });

  it("attaches, then ends, on another instance than the one that created the call", async () => {
    const userId = await h.signIn(1_000_000n);
    const { started, callId, peer, talk } = await connect(60, { attachIt: false });
    await other.attach(userId, started.sessionId);
    // The owner reads the attach from the row at its next beat and switches turn detection on.
    await waitFor(
      () => expect(simCall(callId).session.audio).toMatchObject({ input: { turn_detection: { type: "server_vad" } } }),
      { timeout: 3_000 },
    );
    await talk(2);
    await waitFor(async () =>
      expect((await h.t.db.realtimeSession.findUniqueOrThrow({ where: { id: started.sessionId } })).responses).toBe(2),
    );
    const settlement = await other.end(userId, started.sessionId);
    expect(await peer.closed).toBe("hangup");
    const expected = costOf(VOICE_COACH_MODEL, reported(callId));
    expect(settlement).toMatchObject({ outcome: "ended", responses: 2, charged: expected });
    expect((await h.consumeRows(userId))[0]!.costMicroUsd).toBe(expected);
    // Another user can neither attach nor end it (404 on either instance).
    const stranger = await h.signIn();
    await expect(other.end(stranger, started.sessionId)).rejects.toMatchObject({ status: 404 });
    expect((await post(end, { sessionId: started.sessionId })).status).toBe(404);
    session.userId = userId;
    expect((await post(end, { sessionId: started.sessionId })).status).toBe(200);
    expect(await h.consumeRows(userId)).toHaveLength(1);
  });

  it("cuts a session whose usage outruns the hold, and charges exactly its usage — never a shortfall", async () => {
    const userId = await h.signIn();
    await leaveAvailable(h.t, userId, hold(10)); // the hold is all the user has
    const { started, callId, peer, talk } = await connect(10);
    let cut = false;
    void peer.closed.then(() => (cut = true));
    // The client keeps asking: uncut, the 4th answer of this conversation would cost more than the hold.
    let asked = 0;
    for (; asked < 20 && !cut; asked++) await talk(1, 1).catch(() => undefined);
    expect(await peer.closed).toBe("hangup");
    peer.send({ type: "response.create" }); // too late: the call is over
    const body = await (await post(end, { sessionId: started.sessionId })).json();
    expect(body.outcome).toBe("budget");
    const usage = reported(callId);
    expect(simCall(callId).responses.length).toBeGreaterThanOrEqual(1);
    expect(simCall(callId).responses.length).toBeLessThan(asked + 1);
    const [row] = await h.consumeRows(userId);
    expect(row!.costMicroUsd).toBe(costOf(VOICE_COACH_MODEL, usage));
    expect(row!.shortfall).toBe(0n);
    expect(row!.costMicroUsd).toBeLessThanOrEqual(hold(10));
    expect((await verifyLedger(h.t.db, { userIds: [userId] })).mismatches).toEqual([]);
  }, 20_000);

  it("a spend limit that covers only the first hold: the session is cut instead of extended past the cap", async () => {
    const userId = await h.signIn(1_000_000n); // plenty of tokens: only the cap stops the extensions
    expect(await setOwnSpendLimit(h.t.db, userId, hold(10))).toEqual({ ok: true });
    const { started, callId, peer, talk } = await connect(10);
    let cut = false;
    void peer.closed.then(() => (cut = true));
    for (let asked = 0; asked < 20 && !cut; asked++) await talk(1, 5).catch(() => undefined);
    expect(await peer.closed).toBe("hangup");
    const body = await (await post(end, { sessionId: started.sessionId })).json();
    expect(body.outcome).toBe("budget");
    const row = await h.t.db.realtimeSession.findUniqueOrThrow({ where: { id: started.sessionId } });
    expect(row.extensionIds).toEqual([]); // every extension was refused by the cap
    const [consume] = await h.consumeRows(userId);
    expect(consume!.costMicroUsd).toBe(costOf(VOICE_COACH_MODEL, reported(callId)));
    expect(consume!.costMicroUsd).toBeLessThanOrEqual(hold(10));
    const balance = await h.t.db.userTokenBalance.findUniqueOrThrow({ where: { userId } });
    expect(balance.periodSpent).toBe(consume!.costMicroUsd);
    expect(balance.reserved).toBe(0n);
  }, 20_000);

  it("extends the session from the balance when the hold runs short, and settles both holds as one exact charge", async () => {
    const userId = await h.signIn(1_000_000n);
    const { started, callId, talk } = await connect(10);
    for (let turn = 0; turn < 4; turn++) await talk(1, 5);
    await waitFor(async () =>
      expect(
        (await h.t.db.realtimeSession.findUniqueOrThrow({ where: { id: started.sessionId } })).extensionIds.length,
      ).toBeGreaterThan(0),
    );
    const row = await h.t.db.realtimeSession.findUniqueOrThrow({ where: { id: started.sessionId } });
    expect(row.covered).toBeGreaterThan(hold(10));
    const body = await (await post(end, { sessionId: started.sessionId })).json();
    expect(body.outcome).toBe("ended");
    const [consume] = await h.consumeRows(userId);
    expect(consume!.costMicroUsd).toBe(costOf(VOICE_COACH_MODEL, reported(callId)));
    expect(consume!.costMicroUsd).toBeGreaterThan(hold(10));
    expect(consume!.shortfall).toBe(0n);
    for (const id of row.extensionIds)
      expect((await h.t.db.tokenReservation.findUniqueOrThrow({ where: { id } })).status).toBe("released");
    expect((await h.t.db.userTokenBalance.findUniqueOrThrow({ where: { userId } })).reserved).toBe(0n);
    expect((await verifyLedger(h.t.db, { userIds: [userId] })).mismatches).toEqual([]);
  }, 20_000);

  it("restores the server's limits when the client's session.update raises them", async () => {
    await h.signIn(1_000_000n);
    const { started, callId, peer } = await connect(30);
    peer.send({
      type: "session.update",
      session: { type: "realtime", max_output_tokens: "inf", instructions: "x ".repeat(50_000) },
    });
    await waitFor(() =>
      expect(simCall(callId).session).toMatchObject({
        max_output_tokens: MAX_OUTPUT_TOKENS_PER_RESPONSE,
        instructions: VOICE_COACH_INSTRUCTIONS,
      }),
    );
    await post(end, { sessionId: started.sessionId });
  });

  it("hangs up a session that is never attached within 15 s, and charges only what it used", async () => {
    const userId = await h.signIn(3_000_000n);
    const t0 = Date.now();
    const { started, peer } = await connect(300, { attachIt: false });
    expect(await peer.closed).toBe("hangup");
    expect(Date.now() - t0).toBeLessThan(15_000);
    await waitFor(async () =>
      expect((await h.t.db.realtimeSession.findUniqueOrThrow({ where: { id: started.sessionId } })).status).toBe(
        "settled",
      ),
    );
    expect(await h.t.db.realtimeSession.findUniqueOrThrow({ where: { id: started.sessionId } })).toMatchObject({
      outcome: "not_attached",
      charged: 0n,
    });
    expect(await h.consumeRows(userId)).toHaveLength(0);
    expect((await h.t.db.userTokenBalance.findUniqueOrThrow({ where: { userId } })).reserved).toBe(0n);
  }, 20_000);

  it("hangs up a session whose browser walked away (no keepalive) within 15 s, and charges exactly what it used", async () => {
    const userId = await h.signIn(3_000_000n);
    const { started, callId, peer, talk } = await connect(300); // attached once, never again
    const t0 = Date.now();
    await talk(1);
    expect(await peer.closed).toBe("hangup");
    expect(Date.now() - t0).toBeLessThan(15_000);
    await waitFor(async () =>
      expect((await h.t.db.realtimeSession.findUniqueOrThrow({ where: { id: started.sessionId } })).status).toBe(
        "settled",
      ),
    );
    expect((await h.t.db.realtimeSession.findUniqueOrThrow({ where: { id: started.sessionId } })).outcome).toBe(
      "client_gone",
    );
    expect((await h.consumeRows(userId))[0]!.costMicroUsd).toBe(costOf(VOICE_COACH_MODEL, reported(callId)));
  }, 20_000);

  it("hangs up and settles a session whose instance died within 15 s, from another instance", async () => {
    const userId = await h.signIn(3_000_000n);
    const { started, callId, peer, talk } = await connect(300);
    await talk(1);
    await waitFor(async () =>
      expect((await h.t.db.realtimeSession.findUniqueOrThrow({ where: { id: started.sessionId } })).responses).toBe(1),
    );
    const observed = costOf(VOICE_COACH_MODEL, reported(callId));
    const t0 = Date.now();
    appMeter().crash(); // the owner's process dies: no heartbeat, no sideband, nothing settled
    (globalThis as unknown as { tollgateRealtimeMeter?: RealtimeMeter }).tollgateRealtimeMeter = undefined;
    other.startSweeper();
    expect(await peer.closed).toBe("hangup");
    expect(Date.now() - t0).toBeLessThan(15_000);
    await waitFor(
      async () =>
        expect((await h.t.db.realtimeSession.findUniqueOrThrow({ where: { id: started.sessionId } })).status).toBe(
          "settled",
        ),
      { timeout: 5_000 },
    );
    const row = await h.t.db.realtimeSession.findUniqueOrThrow({ where: { id: started.sessionId } });
    expect(row.outcome).toBe("abandoned");
    // The persisted usage, plus the worst case of the seconds nobody watched (never beyond the hold).
    const [consume] = await h.consumeRows(userId);
    expect(consume!.costMicroUsd).toBeGreaterThan(observed);
    expect(consume!.costMicroUsd).toBeLessThanOrEqual(
      costOf(VOICE_COACH_MODEL, { ...reported(callId), ...sumWith(reported(callId), worstCaseUsage(15)) }),
    );
    expect(consume!.shortfall).toBe(0n);
    other.stopSweeper();
  }, 25_000);

  it("settles exactly once when the end lands on two instances at once", async () => {
    const userId = await h.signIn(1_000_000n);
    const { started, callId, talk } = await connect(60);
    await talk(2);
    await waitFor(async () =>
      expect((await h.t.db.realtimeSession.findUniqueOrThrow({ where: { id: started.sessionId } })).responses).toBe(2),
    );
    const results = await Promise.all([
      appMeter().end(userId, started.sessionId),
      other.end(userId, started.sessionId),
      other.settle(started.sessionId, "ended"),
    ]);
    const expected = costOf(VOICE_COACH_MODEL, reported(callId));
    for (const result of results) expect(result).toMatchObject({ outcome: "ended", responses: 2, charged: expected });
    expect(await h.consumeRows(userId)).toHaveLength(1);
    expect((await h.consumeRows(userId))[0]!.costMicroUsd).toBe(expected);
    expect((await verifyLedger(h.t.db, { userIds: [userId] })).mismatches).toEqual([]);
  });

  it("hangs up at once when the sideband is lost, and charges what was seen plus the worst case of the gap", async () => {
    const userId = await h.signIn(1_000_000n);
    const { started, callId, peer, talk } = await connect(60);
    await talk(2);
    const observed = reported(callId);
    h.simulator.realtime.dropSidebands(callId);
    expect(await peer.closed).toBe("hangup"); // the server hangs up a call it can no longer see
    await waitFor(async () =>
      expect((await h.t.db.realtimeSession.findUniqueOrThrow({ where: { id: started.sessionId } })).status).toBe(
        "settled",
      ),
    );
    expect((await h.t.db.realtimeSession.findUniqueOrThrow({ where: { id: started.sessionId } })).outcome).toBe(
      "sideband_lost",
    );
    const [row] = await h.consumeRows(userId);
    // The gap between the loss and the hang-up, rounded up, plus one second: 1 or 2 seconds here.
    expect([
      costOf(VOICE_COACH_MODEL, sumWith(observed, worstCaseUsage(1))),
      costOf(VOICE_COACH_MODEL, sumWith(observed, worstCaseUsage(2))),
    ]).toContain(row!.costMicroUsd);
    expect(row!.shortfall).toBe(0n);
  });

  it("cuts the session off at its maximum length and charges what was used until then", async () => {
    realtimeTiming.msPerSessionSecond = 100; // a "10 s" session lasts 1 s
    const userId = await h.signIn(1_000_000n);
    const { talk, callId, peer } = await connect(10);
    await talk(2);
    expect(await peer.closed).toBe("hangup");
    await waitFor(async () => expect(await h.consumeRows(userId)).toHaveLength(1));
    const [row] = await h.consumeRows(userId);
    expect(row!.costMicroUsd).toBe(costOf(VOICE_COACH_MODEL, reported(callId)));
  });

  it("gives the client no way to report usage: extra fields are refused, and the charge is the sideband's", async () => {
    const userId = await h.signIn(1_000_000n);
    const { started, talk, callId } = await connect(30, { attachIt: false });
    const refused = await post(attach, { sessionId: started.sessionId, usage: { textInputTokens: 1 } });
    expect(refused.status).toBe(400);
    expect((await refused.json()).message).toContain("usage");
    expect((await post(attach, { sessionId: started.sessionId })).status).toBe(200);
    expect((await post(attach, { sessionId: started.sessionId })).status).toBe(200); // the keepalive
    await talk(2);
    expect((await post(end, { sessionId: started.sessionId, responses: 0 })).status).toBe(400);
    await post(end, { sessionId: started.sessionId });
    expect(await (await post(attach, { sessionId: started.sessionId })).json()).toEqual({
      error: "conflict",
      message: "This voice session has already ended.",
    });
    const [row] = await h.consumeRows(userId);
    expect(row!.costMicroUsd).toBe(costOf(VOICE_COACH_MODEL, reported(callId)));
  });

  it("answers 402 when the worst case does not fit, creating no call and holding nothing", async () => {
    const userId = await h.signIn();
    await leaveAvailable(h.t, userId, hold(30) - 1n);
    const calls = h.simulator.realtime.list().length;
    const response = await post(start, { maxSeconds: 30, sdp: OFFER });
    expect(response.status).toBe(402);
    expect(await response.json()).toMatchObject({ error: "insufficient_tokens", required: Number(hold(30)) / 1000 });
    expect(h.simulator.realtime.list().length).toBe(calls);
    expect(await h.t.db.tokenReservation.count({ where: { userId, feature: "voice-coach-realtime" } })).toBe(0);
  });

  it.each([
    [{ maxSeconds: 45, sdp: OFFER }],
    [{ maxSeconds: 30 }],
    [{ maxSeconds: 30, sdp: "hello" }],
    [{ maxSeconds: 60, sdp: OFFER, model: "gpt-4o-realtime-preview" }],
  ])("answers 400 for %j", async (body) => {
    const userId = await h.signIn(1_000_000n);
    const response = await post(start, body);
    expect(response.status).toBe(400);
    expect(await h.t.db.tokenReservation.count({ where: { userId } })).toBe(0);
  });
});

function sumWith(a: RealtimeUsage, b: Omit<RealtimeUsage, "kind">): RealtimeUsage {
  return {
    kind: "realtime",
    textInputTokens: a.textInputTokens + b.textInputTokens,
    cachedTextInputTokens: (a.cachedTextInputTokens ?? 0) + (b.cachedTextInputTokens ?? 0),
    textOutputTokens: a.textOutputTokens + b.textOutputTokens,
    audioInputTokens: a.audioInputTokens + b.audioInputTokens,
    cachedAudioInputTokens: (a.cachedAudioInputTokens ?? 0) + (b.cachedAudioInputTokens ?? 0),
    audioOutputTokens: a.audioOutputTokens + b.audioOutputTokens,
  };
}

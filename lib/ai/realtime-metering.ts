// Server-side metering of a realtime voice session (docs/REALTIME_METERING.md). The browser talks to
// the provider directly; this server attaches a sideband WebSocket to the same call, with its own API
// key, and reads the usage of every `response.done` there. Nothing the browser sends can change the
// charge: it only names the call to attach to, and a call that is not attached, not ours, or whose
// sideband is lost is charged conservatively (below).
//
// One session = one deferred hold (withTokens' `defer()`), settled exactly once, when the first of
// these happens:
//   - the call ends (the sideband closes normally: the user hung up, or the provider ended it) or the
//     user ends it here (we hang up, let the last events drain, then settle): the observed usage;
//   - the maximum length passes (counted from the secret's minting): we hang up, then as above;
//   - no call is attached within the secret's lifetime (+ grace): the whole hold — the secret may have
//     opened a session we cannot see;
//   - the sideband is lost (closed abnormally, refused, or the call is another session): the observed
//     usage plus the worst case for the rest of the maximum length (we also try to hang up);
//   - the hold is about to expire and none of the above happened: as a lost sideband.
// The usage is summed over the responses and priced once (one rounding) by the cost engine.
import WebSocket from "ws";
import type { RealtimeUsage, Usage } from "../tokens/cost";
import { REALTIME_WORST_CASE_RATES } from "../tokens/cost";
import type { DeferredSettlement } from "../tokens/metering/with-tokens";

/** Timings, in one object so tests can shorten them (never changed by the app). */
export const realtimeTiming = {
  /** Milliseconds per second of session length (tests shrink it to run a "60 s" session in 60 ms). */
  msPerSessionSecond: 1_000,
  /** How long after minting a call may be attached: the secret's lifetime plus a grace. */
  attachGraceMs: 5_000,
  /** After a hang-up, how long the last events may take to arrive before settling. */
  drainMs: 2_000,
  /** Settle this long before the hold's expiry at the latest. */
  expiryMarginMs: 10_000,
  /** How long a settled session's result stays available to `end` (the page's last call). */
  keepSettledMs: 10 * 60_000,
};

export type RealtimeOutcome = "ended" | "max_length" | "not_attached" | "sideband_lost" | "hold_expiring";

export interface RealtimeSettlement {
  outcome: RealtimeOutcome;
  responses: number;
  /** Millitokens. */
  charged: bigint;
  remaining: bigint;
}

export interface RealtimeTransport {
  /** Opens the sideband WebSocket to a call (server key). */
  openSideband(callId: string): WebSocket;
  /** Ends the call at the provider. */
  hangup(callId: string): Promise<void>;
  log(event: string, details: Record<string, unknown>): void;
}

interface SessionInit {
  userId: string;
  model: string;
  maxSeconds: number;
  /** The secret's lifetime, seconds: the window in which a call can be started with it. */
  secretTtlSeconds: number;
  /** The session id the minted secret announced, when the provider gave one (checked on attach). */
  expectedSessionId: string | null;
  deferred: DeferredSettlement<Usage>;
  transport: RealtimeTransport;
  /** Session settings sent over the sideband once it is live (e.g. switching voice turn detection on). */
  liveSession?: Record<string, unknown>;
}

type Observed = Omit<RealtimeUsage, "kind">;

const EMPTY: Observed = { textInputTokens: 0, cachedTextInputTokens: 0, textOutputTokens: 0, audioInputTokens: 0, cachedAudioInputTokens: 0, audioOutputTokens: 0 };

/** The realtime usage of one `response.done` event, or null when it carries none. */
export function responseDoneUsage(event: unknown): Observed | null {
  const usage = (event as { response?: { usage?: Record<string, unknown> | null } })?.response?.usage;
  if (!usage || typeof usage !== "object") return null;
  const input = (usage.input_token_details ?? {}) as { text_tokens?: number; audio_tokens?: number; cached_tokens_details?: { text_tokens?: number; audio_tokens?: number } };
  const output = (usage.output_token_details ?? {}) as { text_tokens?: number; audio_tokens?: number };
  const n = (value: unknown) => (typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : 0);
  return {
    textInputTokens: n(input.text_tokens),
    cachedTextInputTokens: Math.min(n(input.cached_tokens_details?.text_tokens), n(input.text_tokens)),
    textOutputTokens: n(output.text_tokens),
    audioInputTokens: n(input.audio_tokens),
    cachedAudioInputTokens: Math.min(n(input.cached_tokens_details?.audio_tokens), n(input.audio_tokens)),
    audioOutputTokens: n(output.audio_tokens),
  };
}

/** The worst-case usage of `seconds` of session at REALTIME_WORST_CASE_RATES (prices to the estimate). */
export function worstCaseUsage(seconds: number): Observed {
  const s = Math.max(0, Math.ceil(seconds));
  return {
    ...EMPTY,
    textInputTokens: s * REALTIME_WORST_CASE_RATES.textInputTokensPerSecond,
    textOutputTokens: s * REALTIME_WORST_CASE_RATES.textOutputTokensPerSecond,
    audioInputTokens: s * REALTIME_WORST_CASE_RATES.audioInputTokensPerSecond,
    audioOutputTokens: s * REALTIME_WORST_CASE_RATES.audioOutputTokensPerSecond,
  };
}

const add = (a: Observed, b: Observed): Observed => ({
  textInputTokens: a.textInputTokens + b.textInputTokens,
  cachedTextInputTokens: (a.cachedTextInputTokens ?? 0) + (b.cachedTextInputTokens ?? 0),
  textOutputTokens: a.textOutputTokens + b.textOutputTokens,
  audioInputTokens: a.audioInputTokens + b.audioInputTokens,
  cachedAudioInputTokens: (a.cachedAudioInputTokens ?? 0) + (b.cachedAudioInputTokens ?? 0),
  audioOutputTokens: a.audioOutputTokens + b.audioOutputTokens,
});

export class AttachError extends Error {
  constructor(
    message: string,
    readonly status: 404 | 409,
  ) {
    super(message);
  }
}

/** One metered realtime session: created when the secret is minted, settled once. */
export class MeteredRealtimeSession {
  readonly id: string;
  readonly mintedAt = Date.now();
  private observed: Observed = { ...EMPTY };
  private responses = 0;
  private callId: string | null = null;
  private sideband: WebSocket | null = null;
  private ending = false;
  private settlement: Promise<RealtimeSettlement> | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private drained: (() => void) | null = null;
  private live: { resolve(): void; reject(error: Error): void } | null = null;

  constructor(private readonly init: SessionInit) {
    this.id = init.deferred.requestId;
    const t = realtimeTiming;
    const after = (ms: number, run: () => void) => this.timers.push(setTimeout(run, Math.max(0, ms)).unref());
    after(init.secretTtlSeconds * 1_000 + t.attachGraceMs, () => {
      if (!this.callId) this.background(this.finish("not_attached"));
    });
    after(init.maxSeconds * t.msPerSessionSecond, () => this.background(this.end("max_length")));
    after(init.deferred.expiresAt.getTime() - Date.now() - t.expiryMarginMs, () => this.background(this.finish("hold_expiring")));
  }

  /** A settlement started by a timer or a socket: its failure is logged (the sweep returns the hold). */
  private background(settling: Promise<unknown>): void {
    settling.catch((error: unknown) => this.init.transport.log("realtime.settle_failed", { session: this.id, message: (error as Error)?.message }));
  }

  get userId(): string {
    return this.init.userId;
  }

  /**
   * Attaches the sideband to the call the browser started, once per session. Resolves when the
   * sideband is live (its `session.created` arrived): the page starts the conversation only then, so
   * every response of an honest client is observed. Rejects (409) when the provider refuses it — the
   * session is then settled as a lost sideband.
   */
  attach(callId: string): Promise<void> {
    if (this.settlement || this.ending) throw new AttachError("This voice session has already ended.", 409);
    if (this.callId) throw new AttachError("This voice session is already connected to a call.", 409);
    this.callId = callId;
    const ws = this.init.transport.openSideband(callId);
    this.sideband = ws;
    const live = new Promise<void>((resolve, reject) => {
      this.live = { resolve, reject };
    });
    ws.on("message", (data) => this.onEvent(data.toString()));
    ws.on("unexpected-response", (_request, response) => {
      this.init.transport.log("realtime.sideband_refused", { session: this.id, callId, status: response.statusCode });
      ws.terminate();
    });
    ws.on("error", () => undefined); // a close event follows
    ws.on("close", (code) => {
      this.live?.reject(new AttachError("The voice session could not be metered (the provider refused the connection to the call); it has been ended.", 409));
      if (this.ending) return this.drained?.();
      this.background(this.finish(code === 1000 ? "ended" : "sideband_lost"));
    });
    return live;
  }

  private onEvent(raw: string): void {
    let event: { type?: string; session?: { id?: string } };
    try {
      event = JSON.parse(raw);
    } catch {
      return;
    }
    if (event.type === "response.done") {
      const usage = responseDoneUsage(event);
      if (usage) {
        this.observed = add(this.observed, usage);
        this.responses++;
      }
    } else if (event.type === "session.created") {
      if (this.init.expectedSessionId && event.session?.id && event.session.id !== this.init.expectedSessionId) {
        // Not the session our secret opened: whatever it reports is not this hold's usage.
        this.init.transport.log("realtime.foreign_call", { session: this.id, callId: this.callId });
        this.observed = { ...EMPTY };
        this.responses = 0;
        this.sideband?.terminate();
        return;
      }
      // Metering is live: now let the model answer turns by itself (the minted session has none).
      this.sideband?.send(JSON.stringify({ type: "session.update", session: this.init.liveSession ?? {} }));
      this.live?.resolve();
    }
  }

  /** Ends the session (the user's button, or the maximum length): hang up, drain, settle. Idempotent. */
  async end(outcome: "ended" | "max_length" = "ended"): Promise<RealtimeSettlement> {
    if (this.settlement) return this.settlement;
    if (!this.callId || !this.sideband) return this.finish("not_attached");
    if (!this.ending) {
      this.ending = true;
      const closed = new Promise<void>((resolve) => {
        this.drained = resolve;
        if (this.sideband?.readyState === WebSocket.CLOSED) resolve();
      });
      await this.init.transport.hangup(this.callId).catch((error: unknown) => {
        this.init.transport.log("realtime.hangup_failed", { session: this.id, callId: this.callId, message: (error as Error)?.message });
      });
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, realtimeTiming.drainMs).unref())]);
      this.sideband.terminate();
    }
    return this.finish(outcome);
  }

  /** Settles once: the observed usage, plus the worst case for what could not be observed. */
  finish(outcome: RealtimeOutcome): Promise<RealtimeSettlement> {
    this.settlement ??= (async () => {
      for (const timer of this.timers) clearTimeout(timer);
      const elapsedSeconds = (Date.now() - this.mintedAt) / realtimeTiming.msPerSessionSecond;
      let usage = this.observed;
      if (outcome === "not_attached") usage = add(usage, worstCaseUsage(this.init.maxSeconds));
      if (outcome === "sideband_lost" || outcome === "hold_expiring") {
        usage = add(usage, worstCaseUsage(this.init.maxSeconds - elapsedSeconds));
        if (this.callId) await this.init.transport.hangup(this.callId).catch(() => undefined);
      }
      this.sideband?.terminate();
      const meter = this.init.deferred.meter;
      const billable = usage.textInputTokens + usage.textOutputTokens + usage.audioInputTokens + usage.audioOutputTokens > 0;
      if (billable) meter.record(this.init.model, { kind: "realtime", ...usage });
      const { charged, remaining } = await this.init.deferred.settle();
      this.init.transport.log("realtime.settled", { session: this.id, outcome, responses: this.responses, charged: String(charged) });
      setTimeout(() => sessions.delete(this.id), realtimeTiming.keepSettledMs).unref();
      return { outcome, responses: this.responses, charged, remaining };
    })();
    return this.settlement;
  }
}

/** The sessions of this process, by id (the hold's request id). */
const sessions = new Map<string, MeteredRealtimeSession>();

export function startMeteredRealtimeSession(init: SessionInit): MeteredRealtimeSession {
  const session = new MeteredRealtimeSession(init);
  sessions.set(session.id, session);
  return session;
}

/** The user's session, or a 404 (unknown here, or another user's: the same answer, on purpose). */
export function userRealtimeSession(userId: string, sessionId: string): MeteredRealtimeSession {
  const session = sessions.get(sessionId);
  if (!session || session.userId !== userId) throw new AttachError("No such voice session (it may have ended long ago).", 404);
  return session;
}

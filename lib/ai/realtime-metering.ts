// Server-side metering of a realtime voice session (docs/REALTIME_METERING.md).
//
// The server creates the call itself (POST /v1/realtime/calls with the browser's SDP offer and its
// own key), opens the sideband WebSocket by call id before the browser has the SDP answer, and
// reads the usage of every `response.done` there. No key or secret ever reaches the browser, so no
// call exists that the server cannot see.
//
// State lives in Postgres (`realtime_sessions`): the holds, the call id, the running usage (written
// as each `response.done` arrives), the status. The instance that created the call holds the
// sideband (the "owner") and beats a heartbeat into the row every second; attach, end, settle and
// the sweep work from any instance:
//   - attach: marks the row; the owner switches the model's turn detection on at its next beat;
//   - end:    marks the row `ending` and hangs up at the provider (any instance can, with the key);
//             the owner's sideband closes, it settles; if the owner is gone, the caller settles;
//   - sweep:  hangs up and settles a session nobody drives — not attached within the attach window,
//             owner silent, past its maximum length (realtime-sweep.ts);
//   - settle: exactly once (a conditional claim on the row; the ledger key `call:<request id>`).
//
// A session never spends more than the user has: after every response, and at every beat, the
// owner projects the next response's worst case; when the spend so far plus that projection
// exceeds what the holds cover, it takes a further hold from the balance, or hangs up.
import WebSocket from "ws";
import type { Db } from "../db/client";
import type { BoundCostEngine, RealtimeUsage } from "../tokens/cost";
import { REALTIME_WORST_CASE_RATES } from "../tokens/cost";
import { release as releaseHold, settle as settleHold, type HotLedger } from "../tokens/ledger";
import type { DeferredSettlement } from "../tokens/metering/with-tokens";
import type { Usage } from "../tokens/cost";

/** Timings, in one object so tests can shorten them (never changed by the app). */
export const realtimeTiming = {
  /** Milliseconds per second of session length (tests shrink it to run a "60 s" session in 60 ms). */
  msPerSessionSecond: 1_000,
  /** The owner's heartbeat into the row (also when it re-checks the budget and reads attach/end). */
  heartbeatMs: 1_000,
  /** An owner silent this long is gone (its process died): the sweep hangs up and settles. */
  ownerTimeoutMs: 5_000,
  /** The browser must attach within this long after the start, or the sweep hangs up. */
  attachWindowMs: 10_000,
  /** An attached browser silent this long (no keepalive attach) has walked away: the sweep hangs up. */
  clientTimeoutMs: 10_000,
  /** After a hang-up, how long the last events may take to arrive before settling. */
  drainMs: 2_000,
  /** How long the sideband may take to come up when the call is created. */
  sidebandOpenMs: 5_000,
  /** How often each instance runs the realtime sweep. */
  sweepEveryMs: 2_000,
  /** A claimed settlement not finished after this long (its instance died) may be claimed again. */
  settlingStaleMs: 30_000,
};

export type RealtimeOutcome = "ended" | "max_length" | "not_attached" | "client_gone" | "abandoned" | "sideband_lost" | "budget";

export interface RealtimeSettlement {
  outcome: RealtimeOutcome;
  responses: number;
  /** Millitokens. */
  charged: bigint;
  remaining: bigint;
}

/** The provider as the meter needs it: create the call, open its sideband, hang it up. */
export interface RealtimeProvider {
  /** POST /v1/realtime/calls with the server's key: the call id (from Location) and the SDP answer. */
  createCall(offer: string, session: Record<string, unknown>): Promise<{ callId: string; answer: string }>;
  /** The sideband WebSocket to a call (server key). */
  openSideband(callId: string): WebSocket;
  /** Ends the call at the provider; resolves also when the call is already over. */
  hangup(callId: string): Promise<void>;
}

export interface RealtimeDeps {
  db(): Db;
  ledger(): HotLedger;
  /** The cost engine the session is priced with. */
  engine(): Promise<BoundCostEngine>;
  provider: RealtimeProvider;
  log(event: string, details: Record<string, unknown>): void;
}

/** The limits the server sets on the call; a client's session.update cannot raise them (restored). */
export interface SessionLimits {
  instructions: string;
  maxOutputTokens: number;
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

/** Audio that enters the conversation per second (the user and the model talking), tokens. */
const AUDIO_ENTERING_PER_SECOND = 30;

/**
 * The worst case of the next response: it re-reads the whole conversation — the last response's
 * input and output, plus everything said since (the user talking every second since then, and a
 * margin of two beats) — all billed uncached at the audio input price, and answers with the
 * maximum output, billed at the audio output price.
 */
export function nextResponseBound(row: { lastInputTokens: number; lastOutputTokens: number; lastResponseAt: Date | null; createdAt: Date }, limits: SessionLimits, now: number): Observed {
  const since = Math.max(0, now - (row.lastResponseAt ?? row.createdAt).getTime()) / realtimeTiming.msPerSessionSecond;
  const margin = (2 * realtimeTiming.heartbeatMs) / realtimeTiming.msPerSessionSecond;
  const entering = Math.ceil((since + margin) * AUDIO_ENTERING_PER_SECOND);
  const input = row.lastInputTokens + row.lastOutputTokens + entering + (row.lastResponseAt ? 0 : limits.instructions.length);
  return { ...EMPTY, audioInputTokens: input, audioOutputTokens: limits.maxOutputTokens };
}

export class SessionError extends Error {
  constructor(
    message: string,
    readonly status: 404 | 409,
  ) {
    super(message);
  }
}

interface SessionRow {
  id: string;
  userId: string;
  reservationId: string;
  extensionIds: string[];
  covered: bigint;
  callId: string | null;
  model: string;
  maxSeconds: number;
  status: string;
  attachedAt: Date | null;
  ownerSeenAt: Date;
  deadlineAt: Date;
  responses: number;
  textInputTokens: number;
  cachedTextInputTokens: number;
  textOutputTokens: number;
  audioInputTokens: number;
  cachedAudioInputTokens: number;
  audioOutputTokens: number;
  lastInputTokens: number;
  lastOutputTokens: number;
  lastResponseAt: Date | null;
  outcome: string | null;
  charged: bigint | null;
  createdAt: Date;
}

const usageOf = (row: SessionRow): RealtimeUsage => ({
  kind: "realtime",
  textInputTokens: row.textInputTokens,
  cachedTextInputTokens: row.cachedTextInputTokens,
  textOutputTokens: row.textOutputTokens,
  audioInputTokens: row.audioInputTokens,
  cachedAudioInputTokens: row.cachedAudioInputTokens,
  audioOutputTokens: row.audioOutputTokens,
});

const plus = (a: RealtimeUsage, b: Observed): RealtimeUsage => ({
  kind: "realtime",
  textInputTokens: a.textInputTokens + b.textInputTokens,
  cachedTextInputTokens: (a.cachedTextInputTokens ?? 0) + (b.cachedTextInputTokens ?? 0),
  textOutputTokens: a.textOutputTokens + b.textOutputTokens,
  audioInputTokens: a.audioInputTokens + b.audioInputTokens,
  cachedAudioInputTokens: (a.cachedAudioInputTokens ?? 0) + (b.cachedAudioInputTokens ?? 0),
  audioOutputTokens: a.audioOutputTokens + b.audioOutputTokens,
});

const billable = (u: RealtimeUsage) => u.textInputTokens + u.textOutputTokens + u.audioInputTokens + u.audioOutputTokens > 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

export interface StartInput {
  userId: string;
  model: string;
  maxSeconds: number;
  offer: string;
  /** The session the call is created with (model, instructions, limits, audio). */
  session: Record<string, unknown>;
  limits: SessionLimits;
  /** Session settings sent over the sideband once the browser attached (turn detection on). */
  liveSession: Record<string, unknown>;
  deferred: DeferredSettlement<Usage>;
  feature: string;
}

/**
 * The realtime sessions of one app instance: the sidebands it owns (in memory) over the state all
 * instances share (Postgres). Two meters over one database behave as two instances.
 */
export class RealtimeMeter {
  private readonly owned = new Map<string, OwnedSession>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(readonly deps: RealtimeDeps) {}

  /**
   * Creates the call at the provider with the browser's offer, records the session, opens the
   * sideband and waits until it is live, then returns the SDP answer — the only thing the browser
   * gets. A failure before that deletes the session row and throws (the wrapper releases the hold).
   */
  async start(input: StartInput): Promise<{ sessionId: string; answer: string }> {
    this.startSweeper();
    const { deferred } = input;
    const db = this.deps.db();
    const now = Date.now();
    await db.realtimeSession.create({
      data: {
        id: deferred.requestId,
        userId: input.userId,
        reservationId: deferred.reservationId,
        covered: deferred.held,
        model: input.model,
        maxSeconds: input.maxSeconds,
        deadlineAt: new Date(now + input.maxSeconds * realtimeTiming.msPerSessionSecond),
      },
    });
    let callId: string | null = null;
    try {
      const call = await this.deps.provider.createCall(input.offer, input.session);
      callId = call.callId;
      await db.realtimeSession.update({ where: { id: deferred.requestId }, data: { callId } });
      const session = new OwnedSession(this, deferred.requestId, input, callId);
      this.owned.set(session.id, session);
      await session.open();
      return { sessionId: session.id, answer: call.answer };
    } catch (error) {
      this.owned.get(deferred.requestId)?.forget();
      if (callId) await this.deps.provider.hangup(callId).catch(() => undefined);
      await db.realtimeSession.delete({ where: { id: deferred.requestId } }).catch(() => undefined);
      throw error;
    }
  }

  /**
   * The browser's peer connection is up: the session may answer by itself now. The page repeats it
   * every few seconds as its keepalive (a browser silent for `clientTimeoutMs` has walked away, and
   * the sweep hangs up). 404 for no such session (or another user's), 409 once it has ended.
   */
  async attach(userId: string, sessionId: string): Promise<{ attached: true }> {
    this.startSweeper();
    const db = this.deps.db();
    const rows = await db.$queryRaw<{ id: string }[]>`
      UPDATE realtime_sessions SET attached_at = coalesce(attached_at, now()), client_seen_at = now()
      WHERE id = ${sessionId} AND user_id = ${userId} AND status = 'live' RETURNING id`;
    if (rows.length === 0) {
      const row = await db.realtimeSession.findFirst({ where: { id: sessionId, userId } });
      if (!row) throw new SessionError("No such voice session.", 404);
      throw new SessionError("This voice session has already ended.", 409);
    }
    this.owned.get(sessionId)?.goLive();
    return { attached: true };
  }

  /**
   * Ends the user's session from any instance (idempotent): marks it ending, hangs up at the
   * provider, and waits for the owner to drain and settle — or settles itself when the owner is gone.
   */
  async end(userId: string, sessionId: string): Promise<RealtimeSettlement> {
    this.startSweeper();
    const db = this.deps.db();
    const row = await db.realtimeSession.findFirst({ where: { id: sessionId, userId } });
    if (!row) throw new SessionError("No such voice session.", 404);
    // The owner is here: it ends the session itself (or is already ending it, for its own reason).
    const owned = this.owned.get(sessionId);
    if (owned && (row.status === "live" || row.status === "ending")) return owned.end("ended");
    if (row.status === "live") {
      await db.realtimeSession.updateMany({ where: { id: sessionId, status: "live" }, data: { status: "ending", endRequestedAt: new Date(), outcome: "ended" } });
    }
    if (row.status === "live" || row.status === "ending") {
      if (row.callId) await this.deps.provider.hangup(row.callId).catch((error: unknown) => this.deps.log("realtime.hangup_failed", { session: sessionId, message: (error as Error)?.message }));
    }
    return this.awaitSettlement(sessionId, "ended");
  }

  /** Waits for a settlement by its owner; settles here if the owner stays silent or too long passes. */
  async awaitSettlement(sessionId: string, outcome: RealtimeOutcome): Promise<RealtimeSettlement> {
    const db = this.deps.db();
    const deadline = Date.now() + realtimeTiming.drainMs + realtimeTiming.ownerTimeoutMs;
    for (;;) {
      const row = await db.realtimeSession.findUniqueOrThrow({ where: { id: sessionId } });
      if (row.status === "settled") return this.settlementOf(row as SessionRow);
      const ownerGone = Date.now() - row.ownerSeenAt.getTime() > realtimeTiming.ownerTimeoutMs;
      if (ownerGone || Date.now() > deadline) return this.settle(sessionId, outcome);
      await sleep(50);
    }
  }

  private async settlementOf(row: SessionRow): Promise<RealtimeSettlement> {
    const balance = await this.deps.db().userTokenBalance.findUnique({ where: { userId: row.userId } });
    return {
      outcome: row.outcome as RealtimeOutcome,
      responses: row.responses,
      charged: row.charged ?? 0n,
      remaining: balance ? balance.allowance + balance.purchased - balance.reserved : 0n,
    };
  }

  /**
   * Settles a session once, from any instance: claims the row (a conditional update: one claimant
   * wins), charges the persisted usage — plus, when part of the call went unobserved
   * (`unobservedSeconds`), the worst case of that time, capped at what the holds cover — releasing
   * the further holds and settling the first in one transaction (the further holds' tokens return
   * to the balance only as the charge takes them: nothing else can take them in between).
   */
  async settle(sessionId: string, outcome: RealtimeOutcome, unobservedSeconds = 0): Promise<RealtimeSettlement> {
    const db = this.deps.db();
    const claimed = await db.$queryRaw<{ id: string }[]>`
      UPDATE realtime_sessions SET status = 'settling', settling_at = now(), outcome = coalesce(outcome, ${outcome})
      WHERE id = ${sessionId} AND (status IN ('live', 'ending')
        OR (status = 'settling' AND settling_at < now() - make_interval(secs => ${realtimeTiming.settlingStaleMs / 1000})))
      RETURNING id`;
    if (claimed.length === 0) {
      // Someone else settles it (or did): wait for the result.
      for (let i = 0; i < 200; i++) {
        const row = await db.realtimeSession.findUniqueOrThrow({ where: { id: sessionId } });
        if (row.status === "settled") return this.settlementOf(row as SessionRow);
        await sleep(50);
      }
      throw new Error(`realtime session ${sessionId}: settlement did not finish`);
    }
    const row = (await db.realtimeSession.findUniqueOrThrow({ where: { id: sessionId } })) as SessionRow;
    const engine = await this.deps.engine();
    const observed = usageOf(row);
    let usage = observed;
    let cost = billable(observed) ? engine.costOf(row.model, observed) : 0n;
    if (unobservedSeconds > 0) {
      const padded = plus(observed, worstCaseUsage(unobservedSeconds));
      const paddedCost = engine.costOf(row.model, padded);
      // Never beyond what the holds cover: the unobserved time is an estimate, not a recorded use.
      if (paddedCost <= row.covered) [usage, cost] = [padded, paddedCost];
      else if (cost < row.covered) [usage, cost] = [observed, row.covered];
    }
    const breakdown = billable(usage) ? { ...engine.breakdown(row.model, usage, cost), responses: row.responses } : undefined;
    const charged = await db.$transaction(async (tx) => {
      for (const extension of row.extensionIds) await releaseHold(tx, extension);
      if (cost === 0n) {
        await releaseHold(tx, row.reservationId);
        return 0n;
      }
      const result = await settleHold(tx, { reservationId: row.reservationId, cost, usage: breakdown });
      if (!result.ok) throw new Error(`settling realtime session ${sessionId} failed: ${result.error.type}`);
      if (result.shortfall > 0n) this.deps.log("realtime.shortfall", { session: sessionId, shortfall: String(result.shortfall) });
      return result.charged;
    });
    const final = (await db.realtimeSession.update({ where: { id: sessionId }, data: { status: "settled", charged, settledAt: new Date() } })) as SessionRow;
    this.deps.log("realtime.settled", { session: sessionId, outcome: final.outcome, responses: row.responses, charged: String(charged) });
    return this.settlementOf(final);
  }

  /** The owned session, if this instance holds its sideband. */
  ownedSession(sessionId: string): OwnedSession | undefined {
    return this.owned.get(sessionId);
  }

  forget(sessionId: string): void {
    this.owned.delete(sessionId);
  }

  /** Runs the sweep (realtime-sweep.ts) every `sweepEveryMs` in this instance. */
  startSweeper(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => {
      void import("./realtime-sweep")
        .then(({ sweepRealtimeSessions }) => sweepRealtimeSessions(this))
        .catch((error: unknown) => this.deps.log("realtime.sweep_failed", { message: (error as Error)?.message }));
    }, realtimeTiming.sweepEveryMs).unref();
  }

  stopSweeper(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  /** Test hook: this instance dies — its sidebands drop, its timers stop, nothing is settled or hung up. */
  crash(): void {
    this.stopSweeper();
    for (const session of this.owned.values()) session.forget();
    this.owned.clear();
  }
}

/** A session whose sideband this instance holds. */
export class OwnedSession {
  private sideband: WebSocket | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private persisting: Promise<unknown> = Promise.resolve();
  private live = false;
  private ending: Promise<RealtimeSettlement> | null = null;
  private closed: Promise<void> | null = null;
  private gone = false;
  private extensions = 0;
  private extending: Promise<void> | null = null;
  private engine: BoundCostEngine | null = null;
  /** The running totals, in memory (the owner decides on them; the row holds the same, persisted). */
  private spent: RealtimeUsage = { kind: "realtime", ...EMPTY };
  private lastInput = 0;
  private lastOutput = 0;
  private lastResponseAt: Date | null = null;
  private covered: bigint;
  private readonly createdAt = new Date();

  constructor(
    private readonly meter: RealtimeMeter,
    readonly id: string,
    private readonly input: StartInput,
    readonly callId: string,
  ) {
    this.covered = input.deferred.held;
  }

  private get deps(): RealtimeDeps {
    return this.meter.deps;
  }

  /** Opens the sideband; resolves when its `session.created` arrived (every later event is seen). */
  async open(): Promise<void> {
    this.engine = await this.deps.engine();
    const ws = this.deps.provider.openSideband(this.callId);
    this.sideband = ws;
    let created!: () => void;
    let failed!: (error: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      created = resolve;
      failed = reject;
    });
    const timeout = setTimeout(() => failed(new Error("the realtime sideband did not open in time")), realtimeTiming.sidebandOpenMs).unref();
    this.closed = new Promise<void>((resolve) => ws.on("close", () => resolve()));
    ws.on("message", (data) => {
      let event: { type?: string; session?: Record<string, unknown> };
      try {
        event = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (event.type === "session.created") {
        clearTimeout(timeout);
        created();
      } else if (event.type === "response.done") {
        const usage = responseDoneUsage(event);
        if (usage) this.onResponse(usage);
      } else if (event.type === "session.updated" && event.session) {
        this.enforceLimits(event.session);
      }
    });
    ws.on("unexpected-response", (_request, response) => {
      this.deps.log("realtime.sideband_refused", { session: this.id, callId: this.callId, status: response.statusCode });
      ws.terminate();
    });
    ws.on("error", () => undefined); // a close event follows
    ws.on("close", (code) => {
      clearTimeout(timeout);
      failed(new Error("the realtime sideband closed before it was live"));
      if (this.gone || this.ending) return;
      // The call ended at the provider (code 1000: hung up, or ended by the provider) — or the
      // sideband was lost, and what follows cannot be seen: hang up at once, charge the gap.
      this.ending = code === 1000 ? this.finish("ended") : this.lost();
      this.ending.catch((error: unknown) => this.deps.log("realtime.settle_failed", { session: this.id, message: (error as Error)?.message }));
    });
    const every = (ms: number, run: () => void) => this.timers.push(setInterval(run, ms).unref());
    every(realtimeTiming.heartbeatMs, () => void this.beat());
    this.timers.push(setTimeout(() => void this.end("max_length").catch(() => undefined), this.input.maxSeconds * realtimeTiming.msPerSessionSecond).unref());
    return ready;
  }

  /** One response's usage: counted in memory and checked against the budget at once, then persisted. */
  private onResponse(usage: Observed): void {
    this.spent = plus(this.spent, usage);
    this.lastInput = usage.textInputTokens + usage.audioInputTokens;
    this.lastOutput = usage.textOutputTokens + usage.audioOutputTokens;
    this.lastResponseAt = new Date();
    this.checkBudget();
    this.persisting = this.persisting
      .then(() => this.record(usage))
      .catch((error: unknown) => this.deps.log("realtime.record_failed", { session: this.id, message: (error as Error)?.message }));
  }

  /** Persists one response's usage (atomic increments: a crash loses at most the responses in flight). */
  private async record(usage: Observed): Promise<void> {
    await this.deps.db().realtimeSession.update({
      where: { id: this.id, status: { not: "settled" } },
      data: {
        responses: { increment: 1 },
        textInputTokens: { increment: usage.textInputTokens },
        cachedTextInputTokens: { increment: usage.cachedTextInputTokens ?? 0 },
        textOutputTokens: { increment: usage.textOutputTokens },
        audioInputTokens: { increment: usage.audioInputTokens },
        cachedAudioInputTokens: { increment: usage.cachedAudioInputTokens ?? 0 },
        audioOutputTokens: { increment: usage.audioOutputTokens },
        lastInputTokens: usage.textInputTokens + usage.audioInputTokens,
        lastOutputTokens: usage.textOutputTokens + usage.audioOutputTokens,
        lastResponseAt: new Date(),
        ownerSeenAt: new Date(),
      },
    });
  }

  /**
   * The budget, from the in-memory totals (no round trip between a response and the decision):
   *   - spent + 2 × next > covered: a further hold from the balance — the shortfall plus two more
   *     responses' worth, or just the shortfall — and when the balance cannot give it, hang up;
   *   - spent + next > covered (a further hold still being taken): hang up at once.
   * `next` is the next response's worst case (nextResponseBound); the second one is the margin for
   * a response the client starts before the hang-up lands. So the charge never outruns the holds.
   */
  private checkBudget(): void {
    if (this.ending || this.gone || !this.engine) return;
    const engine = this.engine;
    const spent = billable(this.spent) ? engine.costOf(this.input.model, this.spent) : 0n;
    const bound = nextResponseBound({ lastInputTokens: this.lastInput, lastOutputTokens: this.lastOutput, lastResponseAt: this.lastResponseAt, createdAt: this.createdAt }, this.input.limits, Date.now());
    const next = engine.costOf(this.input.model, { kind: "realtime", ...bound });
    if (spent + next > this.covered) {
      this.deps.log("realtime.budget_exhausted", { session: this.id, spent: String(spent), covered: String(this.covered) });
      void this.end("budget").catch(() => undefined);
      return;
    }
    if (spent + 2n * next <= this.covered || this.extending) return;
    this.extending = (async () => {
      try {
        const missing = spent + 2n * next - this.covered;
        for (const amount of [missing + 2n * next, missing]) {
          const held = await this.deps.ledger().reserve({
            userId: this.input.userId,
            amount,
            feature: this.input.feature,
            requestId: `${this.id}:extension:${++this.extensions}`,
            ttlMs: Math.max(60_000, this.input.deferred.expiresAt.getTime() - Date.now()),
          });
          if (!held.ok) continue;
          await this.deps.db().$executeRaw`
            UPDATE realtime_sessions SET covered = covered + ${amount}, extension_ids = array_append(extension_ids, ${held.reservation.id}::uuid)
            WHERE id = ${this.id}`;
          this.covered += amount;
          this.deps.log("realtime.extended", { session: this.id, amount: String(amount) });
          return;
        }
        this.deps.log("realtime.budget_exhausted", { session: this.id, spent: String(spent), covered: String(this.covered) });
        void this.end("budget").catch(() => undefined);
      } finally {
        this.extending = null;
      }
    })().catch((error: unknown) => this.deps.log("realtime.extend_failed", { session: this.id, message: (error as Error)?.message }));
  }

  /** The heartbeat: tells the others this owner is alive, reads what they asked for, re-checks the budget. */
  private async beat(): Promise<void> {
    if (this.gone || this.ending) return;
    try {
      const rows = await this.deps.db().$queryRaw<{ status: string; attachedAt: Date | null }[]>`
        UPDATE realtime_sessions SET owner_seen_at = now() WHERE id = ${this.id}
        RETURNING status, attached_at AS "attachedAt"`;
      const row = rows[0];
      if (!row || row.status === "settled" || row.status === "settling") return this.forget();
      if (row.status === "ending") {
        void this.end("ended").catch(() => undefined);
        return;
      }
      if (row.attachedAt) this.goLive();
      this.checkBudget(); // the next response's worst case grows with the time since the last one
    } catch (error) {
      this.deps.log("realtime.heartbeat_failed", { session: this.id, message: (error as Error)?.message });
    }
  }

  /** Attached: turn detection on (the session was created with none, so nothing answers before). */
  goLive(): void {
    if (this.live) return;
    this.live = true;
    this.send({ type: "session.update", session: this.input.liveSession });
  }

  /**
   * A `session.updated` whose limits are not the server's (a client raised max_output_tokens or
   * replaced the instructions): the server's are sent again at once. The budget projection uses the
   * server's limit; a response started in between is still observed and charged.
   */
  private enforceLimits(session: Record<string, unknown>): void {
    const { instructions, maxOutputTokens } = this.input.limits;
    if (session.instructions === instructions && session.max_output_tokens === maxOutputTokens) return;
    this.deps.log("realtime.limits_restored", { session: this.id, max_output_tokens: String(session.max_output_tokens) });
    this.send({ type: "session.update", session: { type: "realtime", instructions, max_output_tokens: maxOutputTokens } });
  }

  private send(event: Record<string, unknown>): void {
    if (this.sideband?.readyState === WebSocket.OPEN) this.sideband.send(JSON.stringify(event));
  }

  /** Hangs up, lets the last events drain, settles. Idempotent. */
  end(outcome: RealtimeOutcome): Promise<RealtimeSettlement> {
    this.ending ??= (async () => {
      // The hang-up first (it stops the spending), the row beside it.
      const hangup = this.deps.provider.hangup(this.callId).catch((error: unknown) => this.deps.log("realtime.hangup_failed", { session: this.id, message: (error as Error)?.message }));
      await this.deps.db().realtimeSession.updateMany({ where: { id: this.id, status: "live" }, data: { status: "ending", endRequestedAt: new Date(), outcome } });
      await hangup;
      await Promise.race([this.closed, sleep(realtimeTiming.drainMs)]);
      return this.finish(outcome);
    })();
    return this.ending;
  }

  /** The sideband was lost: hang up at once; charge what was seen plus the worst case of the gap. */
  private async lost(): Promise<RealtimeSettlement> {
    const lostAt = Date.now();
    await this.deps.provider.hangup(this.callId).catch(() => undefined);
    const gap = (Date.now() - lostAt) / realtimeTiming.msPerSessionSecond + 1;
    return this.finish("sideband_lost", gap);
  }

  private async finish(outcome: RealtimeOutcome, unobservedSeconds = 0): Promise<RealtimeSettlement> {
    await this.persisting;
    this.forget();
    return this.meter.settle(this.id, outcome, unobservedSeconds);
  }

  /** Stops everything this instance does for the session (timers, sideband), without settling. */
  forget(): void {
    this.gone = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.sideband?.terminate();
    this.meter.forget(this.id);
  }
}

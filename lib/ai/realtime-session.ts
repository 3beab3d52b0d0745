// The shapes shared by the realtime meter's parts (realtime-metering.ts): its timings, what it needs
// from the provider and the app, a session's row in \`realtime_sessions\`, and its errors.
import type WebSocket from "ws";
import type { Db } from "../db/client";
import type { BoundCostEngine, Usage } from "../tokens/cost";
import type { HotLedger } from "../tokens/ledger";
import type { DeferredSettlement } from "../tokens/metering/with-tokens";
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

export type RealtimeOutcome =
  "ended" | "max_length" | "not_attached" | "client_gone" | "abandoned" | "sideband_lost" | "budget";

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

export class SessionError extends Error {
  constructor(
    message: string,
    readonly status: 404 | 409,
  ) {
    super(message);
  }
}

export interface SessionRow {
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

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

// The realtime voice coach (the original system's voice-coach-realtime): its model, instructions,
// session lengths, the worst-case estimate, and the start of a metered session — the server creates
// the call with the browser's SDP offer and its own key, and meters it on its own sideband
// (realtime-metering.ts). The browser gets the SDP answer and nothing else.
import type OpenAI from "openai";
import WebSocket from "ws";
import { z } from "zod";
import { env } from "../env";
import { apiError } from "../http/api-error";
import { readJsonLimited } from "../http/body";
import { crossSiteRefusal } from "../http/csrf";
import { jsonResponse } from "../http/json";
import { isJsonContentType } from "../http/media-type";
import { formatZodIssues } from "../http/zod-issues";
import type { BoundCostEngine, Usage } from "../tokens/cost";
import type { DeferredSettlement, Estimate } from "../tokens/metering/with-tokens";
import { millitokensToTokens } from "../tokens/units";
import { RealtimeMeter, SessionError, type RealtimeProvider, type RealtimeSettlement } from "./realtime-metering";
import { FEATURE_MODELS } from "./models";

export { SessionError } from "./realtime-metering";

export const VOICE_COACH_MODEL = FEATURE_MODELS["voice-coach-realtime"];
/** The session lengths a user can choose (the hold is the worst case of the chosen one). */
import { DEFAULT_SESSION_SECONDS, SESSION_LENGTHS } from "./voice-coach-options";
export { DEFAULT_SESSION_SECONDS, SESSION_LENGTHS };
/**
 * Output bound per response (the server's; a client's session.update cannot raise it): about 20 s
 * of speech, far above the coach's one or two sentences, and it keeps one answer's cost bounded.
 */
export const MAX_OUTPUT_TOKENS_PER_RESPONSE = 400;
/** The hold outlives the longest session, the attach window and the drain. */
export const VOICE_COACH_HOLD_TTL_MS = (Math.max(...SESSION_LENGTHS) + 10 + 120) * 1_000;
/** An SDP offer is a few kilobytes; refuse anything far larger. */
export const MAX_SDP_BYTES = 32_000;

export const VOICE_COACH_INSTRUCTIONS = [
  "You are the TwinForge coach, speaking with the user in real time.",
  "Be brief and warm: one or two sentences per turn, concrete cues about form, breathing and pacing.",
  "You are not a doctor: for pain or injury, advise seeing a professional.",
].join(" ");

export const voiceCoachRequestSchema = z.strictObject({
  maxSeconds: z
    .number()
    .int()
    .refine(
      (s) => (SESSION_LENGTHS as readonly number[]).includes(s),
      `must be one of ${SESSION_LENGTHS.join(", ")} seconds`,
    )
    .default(DEFAULT_SESSION_SECONDS),
  /** The browser's WebRTC offer: the server creates the call with it. */
  sdp: z
    .string()
    .max(MAX_SDP_BYTES)
    .regex(/^v=0\r?\n/, "must be an SDP offer (starting with v=0)"),
});

export type VoiceCoachRequest = z.infer<typeof voiceCoachRequestSchema>;

/** The worst case of a session of the chosen length (REALTIME_WORST_CASE_RATES per second). */
export function estimateVoiceCoach(engine: BoundCostEngine, input: Pick<VoiceCoachRequest, "maxSeconds">): Estimate {
  return engine.estimateRealtimeCost(VOICE_COACH_MODEL, { maxSessionSeconds: input.maxSeconds });
}

/** The provider's base URL (the SDK's default when OPENAI_BASE_URL is unset). */
function apiBase(): string {
  return (env().OPENAI_BASE_URL ?? "https://api.openai.com/v1").replace(/\/+$/, "");
}

/** The call's id from the Location header of POST /v1/realtime/calls (`/v1/realtime/calls/{id}`). */
export function callIdFromLocation(location: string | null): string {
  const id = location?.split("?")[0]?.split("/").filter(Boolean).pop() ?? "";
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(id))
    throw new Error(`the provider did not name the realtime call (Location: ${JSON.stringify(location)})`);
  return id;
}

/** Call creation, sideband and hang-up through the same provider and server key the SDK uses. */
export function providerTransport(client: OpenAI): RealtimeProvider {
  return {
    async createCall(offer, session) {
      // multipart `sdp` (application/sdp) + `session` (application/json), as the SDK sends them.
      const response = await client.realtime.calls.create({ sdp: offer, session: session as never });
      if (response.status !== 201) throw new Error(`creating the realtime call answered ${response.status}`);
      return { callId: callIdFromLocation(response.headers.get("location")), answer: await response.text() };
    },
    openSideband: (callId) =>
      new WebSocket(`${apiBase().replace(/^http/, "ws")}/realtime?call_id=${encodeURIComponent(callId)}`, {
        headers: { authorization: `Bearer ${env().OPENAI_API_KEY}` },
      }),
    async hangup(callId) {
      await client.realtime.calls.hangup(callId).catch((error: unknown) => {
        if ((error as { status?: number })?.status === 404) return; // already over
        throw error;
      });
    },
  };
}

/** The session the call is created with: the server's limits, and no answers until attached. */
export function voiceCoachSession(): Record<string, unknown> {
  return {
    type: "realtime",
    model: VOICE_COACH_MODEL,
    instructions: VOICE_COACH_INSTRUCTIONS,
    max_output_tokens: MAX_OUTPUT_TOKENS_PER_RESPONSE,
    audio: { input: { turn_detection: null }, output: { voice: "alloy" } },
  };
}

export interface VoiceCoachSession {
  sessionId: string;
  /** The provider's SDP answer for the browser's peer connection: the only thing from the provider. */
  sdp: string;
  maxSeconds: number;
  /** Tokens held for the session. */
  held: number;
}

/** Creates the call with the browser's offer, starts metering it, and returns the SDP answer. */
export async function startVoiceCoach(
  meter: RealtimeMeter,
  input: VoiceCoachRequest,
  userId: string,
  deferred: DeferredSettlement<Usage>,
): Promise<VoiceCoachSession> {
  const { sessionId, answer } = await meter.start({
    userId,
    model: VOICE_COACH_MODEL,
    maxSeconds: input.maxSeconds,
    offer: input.sdp,
    session: voiceCoachSession(),
    limits: { instructions: VOICE_COACH_INSTRUCTIONS, maxOutputTokens: MAX_OUTPUT_TOKENS_PER_RESPONSE },
    liveSession: { type: "realtime", audio: { input: { turn_detection: { type: "server_vad" } } } },
    deferred,
    feature: "voice-coach-realtime",
  });
  return { sessionId, sdp: answer, maxSeconds: input.maxSeconds, held: millitokensToTokens(deferred.held) };
}

export const attachRequestSchema = z.strictObject({ sessionId: z.string().min(1).max(100) });
export const endRequestSchema = z.strictObject({ sessionId: z.string().min(1).max(100) });

/** The browser's peer connection is up (and, repeated, its keepalive): the session may answer turns by itself now. */
export function attachVoiceCoach(meter: RealtimeMeter, userId: string, input: z.infer<typeof attachRequestSchema>) {
  return meter.attach(userId, input.sessionId);
}

/** Ends the user's session (idempotent, from any instance) and returns what it was charged, in tokens. */
export async function endVoiceCoach(meter: RealtimeMeter, userId: string, input: z.infer<typeof endRequestSchema>) {
  const settlement: RealtimeSettlement = await meter.end(userId, input.sessionId);
  return {
    outcome: settlement.outcome,
    responses: settlement.responses,
    tokens: { charged: millitokensToTokens(settlement.charged), remaining: millitokensToTokens(settlement.remaining) },
  };
}

export function isSessionError(error: unknown): error is SessionError {
  return error instanceof SessionError;
}

/**
 * A control request of a voice session (attach, end) as a route handler: the session's user only
 * (401), a strict JSON body (400 — there is no field through which a client could report usage),
 * 404/409 from the session, else `action`'s result as JSON.
 */
/** The control routes take `{ sessionId, callId }`: a few hundred bytes. */
const CONTROL_BODY_MAX_BYTES = 16_384;

export function voiceCoachControl<S extends z.ZodType, R>(
  schema: S,
  action: (userId: string, input: z.infer<S>) => R | Promise<R>,
  currentUserId: (request: Request) => Promise<string | null>,
) {
  return async function handler(request: Request): Promise<Response> {
    // Cookie-authenticated and state-changing: a cross-site request is refused before anything else.
    const crossSite = crossSiteRefusal(request, env().APP_URL);
    if (crossSite) return crossSite;
    const userId = await currentUserId(request);
    if (!userId) return apiError("unauthorized", "Sign in to use this feature.");
    if (!isJsonContentType(request.headers.get("content-type"))) {
      return apiError("invalid_request", "Send a JSON body with Content-Type: application/json.");
    }
    const read = await readJsonLimited(request, CONTROL_BODY_MAX_BYTES);
    if (!read.ok) return read.response;
    const parsed = schema.safeParse(read.value);
    if (!parsed.success) {
      return apiError("invalid_request", formatZodIssues(parsed.error).message);
    }
    try {
      return jsonResponse((await action(userId, parsed.data)) ?? { ok: true });
    } catch (error) {
      if (isSessionError(error)) return apiError(error.status === 404 ? "not_found" : "conflict", error.message);
      throw error;
    }
  };
}

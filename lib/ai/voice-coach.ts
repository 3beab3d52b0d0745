// The realtime voice coach (the original system's voice-coach-realtime): its model, instructions,
// session lengths, the worst-case estimate, and the start of a metered session — a short-lived
// client secret for the browser, and the server-side sideband metering (realtime-metering.ts).
import type OpenAI from "openai";
import WebSocket from "ws";
import { z } from "zod";
import { env, isSimulatedAI } from "../env";
import { readJsonLimited } from "../http/body";
import { crossSiteRefusal } from "../http/csrf";
import { isJsonContentType } from "../http/media-type";
import type { BoundCostEngine, Usage } from "../tokens/cost";
import type { DeferredSettlement, Estimate } from "../tokens/metering/with-tokens";
import { millitokensToTokens } from "../tokens/units";
import { AttachError, startMeteredRealtimeSession, userRealtimeSession, type RealtimeSettlement, type RealtimeTransport } from "./realtime-metering";
import { providerCall } from "./attempts";
import { FEATURE_MODELS } from "./models";

export { AttachError } from "./realtime-metering";

export const VOICE_COACH_MODEL = FEATURE_MODELS["voice-coach-realtime"];
/** The session lengths a user can choose (the hold is the worst case of the chosen one). */
import { DEFAULT_SESSION_SECONDS, SESSION_LENGTHS } from "./voice-coach-options";
export { DEFAULT_SESSION_SECONDS, SESSION_LENGTHS };
/** The secret only opens a session within this window (the API's minimum): the page connects at once. */
export const CLIENT_SECRET_TTL_SECONDS = 10;
/** Output bound per response (keeps one answer's cost bounded too). */
export const MAX_OUTPUT_TOKENS_PER_RESPONSE = 1_024;
/** The hold outlives the longest session, the connect window and the drain. */
export const VOICE_COACH_HOLD_TTL_MS = (Math.max(...SESSION_LENGTHS) + CLIENT_SECRET_TTL_SECONDS + 120) * 1_000;

export const VOICE_COACH_INSTRUCTIONS = [
  "You are the TwinForge coach, speaking with the user in real time.",
  "Be brief and warm: one or two sentences per turn, concrete cues about form, breathing and pacing.",
  "You are not a doctor: for pain or injury, advise seeing a professional.",
].join(" ");

export const voiceCoachRequestSchema = z.strictObject({
  maxSeconds: z
    .number()
    .int()
    .refine((s) => (SESSION_LENGTHS as readonly number[]).includes(s), `must be one of ${SESSION_LENGTHS.join(", ")} seconds`)
    .default(DEFAULT_SESSION_SECONDS),
});

export type VoiceCoachRequest = z.infer<typeof voiceCoachRequestSchema>;

/** The worst case of a session of the chosen length (REALTIME_WORST_CASE_RATES per second). */
export function estimateVoiceCoach(engine: BoundCostEngine, input: VoiceCoachRequest): Estimate {
  return engine.estimateRealtimeCost(VOICE_COACH_MODEL, { maxSessionSeconds: input.maxSeconds });
}

/** Every offered length with its hold in millitokens, for the page. */
export function voiceCoachPriceTable(engine: BoundCostEngine): { seconds: number; millitokens: bigint }[] {
  return SESSION_LENGTHS.map((seconds) => ({ seconds, millitokens: estimateVoiceCoach(engine, { maxSeconds: seconds }).worstCase }));
}

/** The provider's base URL (the SDK's default when OPENAI_BASE_URL is unset). */
function apiBase(): string {
  return (env().OPENAI_BASE_URL ?? "https://api.openai.com/v1").replace(/\/+$/, "");
}

/** The sideband and hang-up through the same provider and server key the SDK uses. */
export function providerTransport(client: OpenAI): RealtimeTransport {
  return {
    openSideband: (callId) =>
      new WebSocket(`${apiBase().replace(/^http/, "ws")}/realtime?call_id=${encodeURIComponent(callId)}`, {
        headers: { authorization: `Bearer ${env().OPENAI_API_KEY}` },
      }),
    hangup: (callId) => client.realtime.calls.hangup(callId),
    log: (event, details) => console.warn(JSON.stringify({ event, ...details })),
  };
}

export interface VoiceCoachSession {
  sessionId: string;
  /** The ephemeral key for the browser: it opens a session within `CLIENT_SECRET_TTL_SECONDS`. */
  clientSecret: string;
  expiresAt: number;
  model: string;
  maxSeconds: number;
  /** How the browser connects: WebRTC to OpenAI, or a WebSocket (the simulator, which has no WebRTC). */
  connect: { transport: "webrtc" | "websocket"; url: string };
  /** Tokens held for the session. */
  held: number;
}

/**
 * Mints the browser's client secret (session config, short expiry) and starts the server-side
 * metering of the session on the deferred hold.
 */
export async function startVoiceCoach(
  client: OpenAI,
  input: VoiceCoachRequest,
  userId: string,
  deferred: DeferredSettlement<Usage>,
  transport: RealtimeTransport = providerTransport(client),
): Promise<VoiceCoachSession> {
  // Through providerCall, as every provider call: a 429/5xx is retried (the SDK's retries are off).
  // Minting a secret is not billed (the session is, as it runs), so an unanswered one costs nothing.
  const secret = await providerCall(() => client.realtime.clientSecrets.create({
    expires_after: { anchor: "created_at", seconds: CLIENT_SECRET_TTL_SECONDS },
    session: {
      type: "realtime",
      model: VOICE_COACH_MODEL,
      instructions: VOICE_COACH_INSTRUCTIONS,
      max_output_tokens: MAX_OUTPUT_TOKENS_PER_RESPONSE,
      // No automatic answers until the server's sideband is attached (it switches them on): an
      // honest client's every response is then observed.
      audio: { input: { turn_detection: null }, output: { voice: "alloy" } },
    },
  }), { onUnanswered: () => undefined });
  const announced = (secret.session as { id?: unknown } | undefined)?.id;
  const session = startMeteredRealtimeSession({
    userId,
    model: VOICE_COACH_MODEL,
    maxSeconds: input.maxSeconds,
    secretTtlSeconds: CLIENT_SECRET_TTL_SECONDS,
    expectedSessionId: typeof announced === "string" ? announced : null,
    deferred,
    transport,
    liveSession: { type: "realtime", audio: { input: { turn_detection: { type: "server_vad" } } } },
  });
  const websocket = isSimulatedAI();
  return {
    sessionId: session.id,
    clientSecret: secret.value,
    expiresAt: secret.expires_at,
    model: VOICE_COACH_MODEL,
    maxSeconds: input.maxSeconds,
    connect: websocket
      ? { transport: "websocket", url: `${apiBase().replace(/^http/, "ws")}/realtime?model=${encodeURIComponent(VOICE_COACH_MODEL)}` }
      : { transport: "webrtc", url: `${apiBase()}/realtime/calls` },
    held: millitokensToTokens(deferred.held),
  };
}

export const attachRequestSchema = z.strictObject({
  sessionId: z.string().min(1).max(100),
  callId: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, "must be the call id the provider returned"),
});

export const endRequestSchema = z.strictObject({ sessionId: z.string().min(1).max(100) });

/** Attaches the server's sideband to the call the user's browser started; resolves when it is live. */
export async function attachVoiceCoach(userId: string, input: z.infer<typeof attachRequestSchema>): Promise<{ attached: true }> {
  await userRealtimeSession(userId, input.sessionId).attach(input.callId);
  return { attached: true };
}

/** Ends the user's session (idempotent) and returns what it was charged, in tokens. */
export async function endVoiceCoach(userId: string, input: z.infer<typeof endRequestSchema>) {
  const settlement: RealtimeSettlement = await userRealtimeSession(userId, input.sessionId).end("ended");
  return {
    outcome: settlement.outcome,
    responses: settlement.responses,
    tokens: { charged: millitokensToTokens(settlement.charged), remaining: millitokensToTokens(settlement.remaining) },
  };
}

export function isAttachError(error: unknown): error is AttachError {
  return error instanceof AttachError;
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
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" } });
  return async function handler(request: Request): Promise<Response> {
    // Cookie-authenticated and state-changing: a cross-site request is refused before anything else.
    const crossSite = crossSiteRefusal(request, env().APP_URL);
    if (crossSite) return crossSite;
    const userId = await currentUserId(request);
    if (!userId) return json(401, { error: "unauthorized", message: "Sign in to use this feature." });
    if (!isJsonContentType(request.headers.get("content-type"))) {
      return json(400, { error: "invalid_request", message: "Send a JSON body with Content-Type: application/json." });
    }
    const read = await readJsonLimited(request, CONTROL_BODY_MAX_BYTES);
    if (!read.ok) return read.response;
    const parsed = schema.safeParse(read.value);
    if (!parsed.success) {
      const message = parsed.error.issues.map((i) => `${i.path.join(".") || "body"} ${i.message}`).join("; ");
      return json(400, { error: "invalid_request", message: `Invalid request: ${message}.` });
    }
    try {
      return json(200, (await action(userId, parsed.data)) ?? { ok: true });
    } catch (error) {
      if (isAttachError(error)) return json(error.status, { error: error.status === 404 ? "not_found" : "conflict", message: error.message });
      throw error;
    }
  };
}

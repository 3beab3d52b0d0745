// Realtime: ephemeral client secrets (POST /v1/realtime/client_secrets, GA) and the older beta
// POST /v1/realtime/sessions. No websocket: the secret is only an "ek_sim_…" string to hand to a browser.
import { randomBytes } from "node:crypto";
import { invalidRequest, isRecord } from "./http";

export const DEFAULT_CLIENT_SECRET_TTL_SECONDS = 600;
export const BETA_SESSION_SECRET_TTL_SECONDS = 60;

function secret(): string {
  return `ek_sim_${randomBytes(16).toString("hex")}`;
}

function sessionId(): string {
  return `sess_sim_${randomBytes(10).toString("hex")}`;
}

/**
 * GA client secret: `{ value, expires_at, session }`. expires_at = now + expires_after.seconds (10–7200,
 * default 600). The session echoes every field that was sent (model, instructions, audio, max_output_tokens,
 * …) over defaults for type ("realtime") and model ("gpt-realtime").
 */
export function createClientSecret(body: unknown, now = Date.now()): Record<string, unknown> {
  const params = isRecord(body) ? body : {};
  const expiresAfter = isRecord(params.expires_after) ? params.expires_after : {};
  const seconds = expiresAfter.seconds ?? DEFAULT_CLIENT_SECRET_TTL_SECONDS;
  if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < 10 || seconds > 7200) {
    throw invalidRequest(
      `Invalid 'expires_after.seconds': expected an integer between 10 and 7200, got ${JSON.stringify(seconds)}.`,
      "expires_after.seconds",
      "invalid_value",
    );
  }
  const requested = isRecord(params.session) ? params.session : {};
  const type = requested.type === "transcription" ? "transcription" : "realtime";
  const expiresAt = Math.floor(now / 1000) + seconds;
  const session: Record<string, unknown> =
    type === "transcription"
      ? { type, object: "realtime.transcription_session", id: sessionId(), expires_at: 0, ...requested }
      : {
          type,
          object: "realtime.session",
          id: sessionId(),
          model: "gpt-realtime",
          output_modalities: ["audio"],
          max_output_tokens: "inf",
          expires_at: 0,
          ...requested,
        };
  return { value: secret(), expires_at: expiresAt, session };
}

/** Beta session: the session config echoed with `client_secret: { value, expires_at: now + 60 s }`. */
export function createBetaSession(body: unknown, now = Date.now()): Record<string, unknown> {
  const requested = isRecord(body) ? body : {};
  return {
    id: sessionId(),
    object: "realtime.session",
    model: "gpt-4o-realtime-preview",
    modalities: ["audio", "text"],
    voice: "alloy",
    input_audio_format: "pcm16",
    output_audio_format: "pcm16",
    max_response_output_tokens: "inf",
    ...requested,
    client_secret: { value: secret(), expires_at: Math.floor(now / 1000) + BETA_SESSION_SECRET_TTL_SECONDS },
  };
}

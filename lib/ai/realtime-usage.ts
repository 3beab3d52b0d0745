// A realtime session's usage: read from the provider's \`response.done\` events, summed, and bounded
// (the worst case of the seconds nobody observed, and of the next response). Pure functions.
import type { RealtimeUsage } from "../tokens/cost";
import { REALTIME_WORST_CASE_RATES } from "../tokens/cost";
import { realtimeTiming, type SessionLimits, type SessionRow } from "./realtime-session";

export type Observed = Omit<RealtimeUsage, "kind">;
export const EMPTY: Observed = {
  textInputTokens: 0,
  cachedTextInputTokens: 0,
  textOutputTokens: 0,
  audioInputTokens: 0,
  cachedAudioInputTokens: 0,
  audioOutputTokens: 0,
};

/** The realtime usage of one `response.done` event, or null when it carries none. */
export function responseDoneUsage(event: unknown): Observed | null {
  const usage = (event as { response?: { usage?: Record<string, unknown> | null } })?.response?.usage;
  if (!usage || typeof usage !== "object") return null;
  const input = (usage.input_token_details ?? {}) as {
    text_tokens?: number;
    audio_tokens?: number;
    cached_tokens_details?: { text_tokens?: number; audio_tokens?: number };
  };
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
export function nextResponseBound(
  row: { lastInputTokens: number; lastOutputTokens: number; lastResponseAt: Date | null; createdAt: Date },
  limits: SessionLimits,
  now: number,
): Observed {
  const since = Math.max(0, now - (row.lastResponseAt ?? row.createdAt).getTime()) / realtimeTiming.msPerSessionSecond;
  const margin = (2 * realtimeTiming.heartbeatMs) / realtimeTiming.msPerSessionSecond;
  const entering = Math.ceil((since + margin) * AUDIO_ENTERING_PER_SECOND);
  const input =
    row.lastInputTokens + row.lastOutputTokens + entering + (row.lastResponseAt ? 0 : limits.instructions.length);
  return { ...EMPTY, audioInputTokens: input, audioOutputTokens: limits.maxOutputTokens };
}

export const usageOf = (row: SessionRow): RealtimeUsage => ({
  kind: "realtime",
  textInputTokens: row.textInputTokens,
  cachedTextInputTokens: row.cachedTextInputTokens,
  textOutputTokens: row.textOutputTokens,
  audioInputTokens: row.audioInputTokens,
  cachedAudioInputTokens: row.cachedAudioInputTokens,
  audioOutputTokens: row.audioOutputTokens,
});

export const plus = (a: RealtimeUsage, b: Observed): RealtimeUsage => ({
  kind: "realtime",
  textInputTokens: a.textInputTokens + b.textInputTokens,
  cachedTextInputTokens: (a.cachedTextInputTokens ?? 0) + (b.cachedTextInputTokens ?? 0),
  textOutputTokens: a.textOutputTokens + b.textOutputTokens,
  audioInputTokens: a.audioInputTokens + b.audioInputTokens,
  cachedAudioInputTokens: (a.cachedAudioInputTokens ?? 0) + (b.cachedAudioInputTokens ?? 0),
  audioOutputTokens: a.audioOutputTokens + b.audioOutputTokens,
});

export const billable = (u: RealtimeUsage) =>
  u.textInputTokens + u.textOutputTokens + u.audioInputTokens + u.audioOutputTokens > 0;

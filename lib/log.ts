// Structured logs: one pino logger for the process, one child per module (`logger("billing")`), so
// every line says where it came from. The style is one for the whole app:
//
//   log.warn({ event: "settle_failed", userId, message }, "optional words for a human");
//
// — an `event` name a query can select on, the facts as fields, an error as `err` (pino's
// serializer gives its type, message and stack). Production writes one JSON object a line to stdout
// (what a log collector reads); development prints pretty lines through pino-pretty as a synchronous
// stream in this thread: pino's worker-thread transports do not survive Next's bundling.
//
// Secrets never reach a line: the paths below are censored by pino's `redact`, at the top level
// and one or two levels down (a request's headers, an error's config …). Bigints (millitokens) are
// written as strings, digit for digit: a JSON number past 2^53 loses digits in most readers.
import pino, { type DestinationStream, type Logger } from "pino";
import pretty from "pino-pretty";
import { logEnv, type LogLevel } from "./env";

export type { Logger };

/** Keys whose values are secrets, wherever they appear in a logged object. */
const SECRET_KEYS = [
  "authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "apiKey",
  "api_key",
  "secret",
  "clientSecret",
  "client_secret",
  "webhookSecret",
  "secretKey",
  "password",
  "passwordHash",
  "token",
  "accessToken",
  "access_token",
  "refreshToken",
  "refresh_token",
  "idToken",
  "id_token",
  "sessionToken",
];

/** A key as a redact path segment: dotted when it can be, bracketed when it holds a dash. */
const segment = (key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `["${key}"]`);

/** pino `redact` paths: each secret key at the top level, and one and two levels down. */
export const REDACT_PATHS = SECRET_KEYS.flatMap((key) => {
  const s = segment(key);
  return [s.startsWith(".") ? s.slice(1) : s, `*${s}`, `*.*${s}`];
});

export const REDACTED = "[redacted]";

/** `value` with every bigint as its decimal string; only plain objects and arrays are walked. */
export function bigintsAsStrings(value: unknown, depth = 0): unknown {
  if (typeof value === "bigint") return value.toString();
  // Deep enough for any event of ours; a deeper (or cyclic) value is left to pino's own stringify.
  if (depth > 8 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => bigintsAsStrings(item, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = bigintsAsStrings(item, depth + 1);
  return out;
}

export interface LoggerOptions {
  level: LogLevel;
  /** Pretty lines (development) instead of JSON. */
  pretty?: boolean;
  /** Where lines go (default stdout); the tests pass a stream they read. */
  destination?: DestinationStream;
}

/** A root logger with the app's redaction and bigint handling: `logger()` uses the process's one. */
export function createLogger({ level, pretty: prettyLines = false, destination }: LoggerOptions): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    // "warn", not 40: a line is read by people and queried by name.
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => bigintsAsStrings(object) as Record<string, unknown>,
    },
    // No pid/hostname on each line: the platform's collector adds where a line came from.
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const stream =
    destination ??
    (prettyLines
      ? pretty({ sync: true, ignore: "module,event", messageFormat: "{module}{if event} {event}{end} {msg}" })
      : undefined);
  return stream ? pino(options, stream) : pino(options);
}

const globalForLog = globalThis as unknown as { tollgateLogger?: Logger };

/** The process's root logger, built on first use from LOG_LEVEL and NODE_ENV (lib/env.ts). */
function root(): Logger {
  globalForLog.tollgateLogger ??= createLogger(logEnv());
  return globalForLog.tollgateLogger;
}

/** The logger of one module: its lines carry `module`. Create one per module, at its top. */
export function logger(module: string): Logger {
  return root().child({ module });
}

/** The `(event, details)` hook of a layer that knows no logger (metering, the realtime meter …). */
export type EventLog = (event: string, details: Record<string, unknown>) => void;

/**
 * Such a hook writing to `log`: at warn by default (what those layers report is mostly out of the
 * ordinary but handled), at info for the routine events named in `info` (a session settled), and at
 * error for those named in `errors` (a charge or an answer that was lost).
 */
export function eventLog(
  log: Logger,
  { info = [], errors = [] }: { info?: Iterable<string>; errors?: Iterable<string> } = {},
): EventLog {
  const asInfo = new Set(info);
  const asError = new Set(errors);
  return (event, details) => {
    const level = asError.has(event) ? "error" : asInfo.has(event) ? "info" : "warn";
    log[level]({ event, ...details });
  };
}

// HTTP plumbing shared by the simulator's endpoints: OpenAI-format errors, JSON responses (with the
// `abort-mid-stream` fault), body reading and abort-aware sleeping.
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as delay } from "node:timers/promises";

export const FAULTS = [
  "invalid-json",
  "schema-mismatch",
  "error-500",
  "error-429",
  "abort-mid-stream",
  "stall-after-generate",
] as const;
export type SimulatorFault = (typeof FAULTS)[number];

export function isFault(value: string): value is SimulatorFault {
  return (FAULTS as readonly string[]).includes(value);
}

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = "invalid_request_error",
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export function invalidRequest(message: string, param: string | null = null, code: string | null = null): HttpError {
  return new HttpError(400, message, "invalid_request_error", param, code);
}

/** Per-response context: request id, abort state and the fault to apply. */
export interface ResponseContext {
  requestId: string;
  startedAt: number;
  fault: SimulatorFault | null;
  /** Aborted when the client goes away (or the simulator closes). */
  signal: AbortSignal;
  /** Set once the server itself destroyed the connection (abort-mid-stream). */
  serverAborted: boolean;
}

export function baseHeaders(ctx: ResponseContext): Record<string, string> {
  return {
    "x-request-id": ctx.requestId,
    "openai-version": "2020-10-01",
    "openai-organization": "simulator",
    "openai-processing-ms": String(Math.max(0, Date.now() - ctx.startedAt)),
    "x-simulator": "tollgate",
  };
}

/** Destroys the connection without a proper end (simulates a dropped connection). */
export function dropConnection(res: ServerResponse, ctx: ResponseContext): void {
  ctx.serverAborted = true;
  res.socket?.destroy();
  res.destroy();
}

export function sendJson(
  res: ServerResponse,
  ctx: ResponseContext,
  status: number,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): void {
  if (res.destroyed || ctx.signal.aborted) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...baseHeaders(ctx),
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
    ...extraHeaders,
  });
  if (ctx.fault === "abort-mid-stream") {
    // Half of the body, then the connection drops.
    res.write(text.slice(0, Math.floor(text.length / 2)), () => dropConnection(res, ctx));
    return;
  }
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  ctx: ResponseContext,
  status: number,
  text: string,
  contentType: string,
): void {
  if (res.destroyed || ctx.signal.aborted) return;
  res.writeHead(status, {
    ...baseHeaders(ctx),
    "content-type": contentType,
    "content-length": String(Buffer.byteLength(text)),
  });
  if (ctx.fault === "abort-mid-stream") {
    res.write(text.slice(0, Math.floor(text.length / 2)), () => dropConnection(res, ctx));
    return;
  }
  res.end(text);
}

export function sendError(res: ServerResponse, ctx: ResponseContext, error: HttpError): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(error.body());
  res.writeHead(error.status, {
    ...baseHeaders(ctx),
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
    ...error.headers,
  });
  res.end(text);
}

export const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_BODY_BYTES) {
      throw new HttpError(
        413,
        `Request body exceeds ${MAX_BODY_BYTES} bytes.`,
        "invalid_request_error",
        null,
        "request_too_large",
      );
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Sleeps `ms` milliseconds; resolves false (early) if `signal` aborts. */
export async function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** Writes to a response, waiting for 'drain' when the socket buffer is full; false when the client is gone. */
export async function write(res: ServerResponse, signal: AbortSignal, chunk: string): Promise<boolean> {
  if (signal.aborted || res.destroyed || res.writableEnded) return false;
  if (res.write(chunk)) return true;
  return new Promise<boolean>((resolve) => {
    const done = (ok: boolean) => {
      res.off("drain", onDrain);
      signal.removeEventListener("abort", onAbort);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onAbort = () => done(false);
    res.once("drain", onDrain);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

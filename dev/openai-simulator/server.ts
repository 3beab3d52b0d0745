// The loopback OpenAI-compatible simulator: an HTTP server on 127.0.0.1 for development and tests.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleTranscription, type TranscriptionForm } from "./audio";
import { handleChatCompletion } from "./chat";
import {
  FAULTS,
  HttpError,
  invalidRequest,
  isFault,
  readBody,
  sendError,
  sendJson,
  sleep,
  type ResponseContext,
  type SimulatorFault,
} from "./http";
import { handleImageGeneration } from "./images";
import { organizationEndpoint, organizationPage, requireAdminKey } from "./organization";
import { createBetaSession, RealtimeSimulator } from "./realtime";
import { encodingForModel, PromptPrefixCache } from "./tokens";

export type { SimulatorFault } from "./http";

export interface OpenAISimulatorOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Delay before every API response (time to first byte), in milliseconds. Default 0. */
  latencyMs?: number;
  /** Pace of streamed completions (and of hidden reasoning before them). Default: unpaced. */
  tokensPerSecond?: number;
  /**
   * Answer POST /v1/realtime/calls with a real WebRTC peer (werift: webrtc.ts), so a browser
   * connects as it does to OpenAI. Default false: tests drive calls through `realtime.peer(callId)`.
   */
  webrtc?: boolean;
}

export interface RecordedRequest {
  /** The `x-request-id` the simulator answered with. */
  id: string;
  method: string;
  /** Path without the query string, e.g. "/v1/chat/completions". */
  path: string;
  /** Lower-cased request headers. */
  headers: Record<string, string>;
  /**
   * Parsed body: the JSON value; for multipart requests `{ fields, file }` (file: name, type, size);
   * the raw text when the JSON did not parse; null when empty.
   */
  body: unknown;
  fault: SimulatorFault | null;
  receivedAt: number;
  /** Response status, once the response headers were sent. */
  status: number | null;
  /** The usage object reported to the client (chat, gpt-image-*, transcriptions). */
  usage: unknown;
  /**
   * What the simulator bills for the request, as the provider does: the usage of what the model
   * generated — all of it for an answer delivered (or generated and then stalled), only what was
   * generated until the client left for a cancelled stream; null when no model ran (an error).
   */
  billed: unknown;
  outcome: "pending" | "completed" | "client-aborted" | "server-aborted";
}

export interface OpenAISimulator {
  /** Base URL including /v1, for `new OpenAI({ baseURL })` or OPENAI_BASE_URL. */
  url: string;
  port: number;
  close(): Promise<void>;
  /** Every API request received, in order (image downloads from the simulator's own URLs excluded). */
  requests: RecordedRequest[];
  /** Applies `fault` to the next `times` API requests that carry no `x-simulator-fault` header. */
  injectFault(fault: SimulatorFault, times?: number): void;
  /** Forgets recorded requests, queued faults and the prompt cache. */
  reset(): void;
  /** The realtime calls (WebSocket at /v1/realtime): inspect usage, hang up, drop sidebands. */
  realtime: Pick<RealtimeSimulator, "list" | "hangup" | "dropSidebands" | "peer">;
}

type Route =
  | "chat"
  | "images"
  | "transcriptions"
  | "client_secrets"
  | "realtime_sessions"
  | "calls"
  | "hangup"
  | "models"
  | "model";

function routeOf(method: string, path: string): Route | null {
  if (method === "POST") {
    switch (path) {
      case "/v1/chat/completions":
        return "chat";
      case "/v1/images/generations":
        return "images";
      case "/v1/audio/transcriptions":
        return "transcriptions";
      case "/v1/realtime/client_secrets":
        return "client_secrets";
      case "/v1/realtime/sessions":
        return "realtime_sessions";
      case "/v1/realtime/calls":
        return "calls";
    }
  }
  if (method === "POST" && /^\/v1\/realtime\/calls\/[^/]+\/hangup$/.test(path)) return "hangup";
  if (method === "GET" && path === "/v1/models") return "models";
  if (method === "GET" && /^\/v1\/models\/[^/]+$/.test(path)) return "model";
  return null;
}

const MODELS = [
  "gpt-4o",
  "gpt-4o-mini",
  "gpt-4.1",
  "gpt-4.1-mini",
  "gpt-5",
  "gpt-5-mini",
  "gpt-5-nano",
  "o3",
  "o4-mini",
  "dall-e-3",
  "gpt-image-1",
  "whisper-1",
  "gpt-4o-transcribe",
  "gpt-4o-mini-transcribe",
  "gpt-realtime",
];

const INVALID_JSON_MESSAGE =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. " +
  "The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, " +
  "please contact us through our help center at help.openai.com.)";

function parseJsonBody(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new HttpError(400, INVALID_JSON_MESSAGE);
  }
}

async function parseMultipart(raw: Buffer, contentType: string): Promise<TranscriptionForm> {
  if (!contentType.toLowerCase().startsWith("multipart/form-data")) {
    throw invalidRequest(`Invalid Content-Type header (${contentType || "none"}), expected multipart/form-data.`);
  }
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(raw), { headers: { "content-type": contentType } }).formData();
  } catch {
    throw invalidRequest("Could not parse multipart form");
  }
  const fields = new Map<string, string[]>();
  let file: TranscriptionForm["file"] = null;
  for (const [key, value] of form.entries()) {
    if (typeof value === "string") fields.set(key, [...(fields.get(key) ?? []), value]);
    else if (key === "file")
      file = { name: value.name, type: value.type, bytes: new Uint8Array(await value.arrayBuffer()) };
  }
  return { fields, file };
}

/**
 * The body of POST /v1/realtime/calls, as the spec gives it: multipart/form-data with `sdp`
 * (application/sdp) and an optional `session` (application/json), or a bare application/sdp offer.
 */
async function parseCallCreate(raw: Buffer, contentType: string): Promise<{ sdp: string; session: unknown }> {
  const type = contentType.toLowerCase();
  if (type.startsWith("application/sdp")) return { sdp: raw.toString("utf8"), session: undefined };
  if (!type.startsWith("multipart/form-data")) {
    throw invalidRequest(
      `Invalid Content-Type header (${contentType || "none"}), expected multipart/form-data or application/sdp.`,
    );
  }
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(raw), { headers: { "content-type": contentType } }).formData();
  } catch {
    throw invalidRequest("Could not parse multipart form");
  }
  const text = async (value: FormDataEntryValue | null) =>
    value === null ? null : typeof value === "string" ? value : await value.text();
  const sdp = await text(form.get("sdp"));
  if (sdp === null) throw invalidRequest("Missing required parameter: 'sdp'.", "sdp", "missing_required_parameter");
  for (const key of form.keys()) {
    if (key !== "sdp" && key !== "session")
      throw invalidRequest(`Unknown parameter: '${key}'.`, key, "unknown_parameter");
  }
  const sessionText = await text(form.get("session"));
  let session: unknown;
  if (sessionText !== null) {
    try {
      session = JSON.parse(sessionText);
    } catch {
      throw invalidRequest("Invalid 'session': expected a JSON object.", "session", "invalid_json");
    }
  }
  return { sdp, session };
}

function errorForFault(fault: SimulatorFault, model: string): HttpError | null {
  if (fault === "error-500") {
    return new HttpError(
      500,
      "The server had an error while processing your request. Sorry about that!",
      "server_error",
    );
  }
  if (fault === "error-429") {
    return new HttpError(
      429,
      `Rate limit reached for ${model} in organization org-simulator on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20ms.`,
      "requests",
      null,
      "rate_limit_exceeded",
      {
        "retry-after": "1",
        "retry-after-ms": "20",
        "x-ratelimit-limit-requests": "3",
        "x-ratelimit-remaining-requests": "0",
        "x-ratelimit-reset-requests": "20ms",
      },
    );
  }
  return null;
}

/**
 * Starts the simulator on 127.0.0.1. Refuses to start when NODE_ENV=production.
 *
 * Faults: send `x-simulator-fault: invalid-json | schema-mismatch | error-500 | error-429 | abort-mid-stream | stall-after-generate`
 * with a request, or queue one with `injectFault`. See README.md for every rule.
 */
export async function startOpenAISimulator(options: OpenAISimulatorOptions = {}): Promise<OpenAISimulator> {
  if (process.env.NODE_ENV === "production") {
    throw new Error(
      "The OpenAI simulator (dev/openai-simulator) is a development and test tool and refuses to start when NODE_ENV=production.",
    );
  }
  const latencyMs = Math.max(0, options.latencyMs ?? 0);
  const cache = new PromptPrefixCache();
  const requests: RecordedRequest[] = [];
  const queuedFaults: SimulatorFault[] = [];
  const images = new Map<string, Buffer>();
  const inFlight = new Set<AbortController>();
  const realtime = new RealtimeSimulator(() => encodingForModel("gpt-4o"));
  if (options.webrtc) realtime.answerer = (await import("./webrtc")).weriftAnswerer();
  let baseUrl = "";

  const storeImage = (png: Buffer): string => {
    const id = randomBytes(12).toString("hex");
    images.set(id, png);
    if (images.size > 256) images.delete(images.keys().next().value!);
    return id;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname.replace(/\/+$/, "") || "/";
    const controller = new AbortController();
    inFlight.add(controller);
    const ctx: ResponseContext = {
      requestId: `req_sim_${randomBytes(12).toString("hex")}`,
      startedAt: Date.now(),
      fault: null,
      signal: controller.signal,
      serverAborted: false,
    };

    // Image URLs handed out by /v1/images/generations (unauthenticated, like signed blob URLs).
    const imageMatch = /^\/v1\/__simulator\/images\/([0-9a-f]+)\.png$/.exec(path);
    if (method === "GET" && imageMatch) {
      inFlight.delete(controller);
      const png = images.get(imageMatch[1]!);
      if (!png)
        return sendError(
          res,
          ctx,
          new HttpError(404, "Image not found (simulator images live in memory).", "invalid_request_error"),
        );
      res.writeHead(200, { "content-type": "image/png", "content-length": String(png.length) });
      res.end(png);
      return;
    }

    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(", ") : value;
    }
    const record: RecordedRequest = {
      id: ctx.requestId,
      method,
      path,
      headers,
      body: null,
      fault: null,
      receivedAt: ctx.startedAt,
      status: null,
      usage: null,
      billed: null,
      outcome: "pending",
    };
    requests.push(record);
    res.on("error", () => undefined); // a vanished client must never crash the server
    res.on("close", () => {
      inFlight.delete(controller);
      record.status = res.headersSent ? res.statusCode : record.status;
      if (res.writableFinished) record.outcome = "completed";
      else {
        record.outcome = ctx.serverAborted ? "server-aborted" : "client-aborted";
        controller.abort();
      }
    });

    try {
      const auth = /^Bearer\s+(\S.*)$/i.exec(req.headers.authorization ?? "");
      if (!auth) {
        throw new HttpError(
          401,
          req.headers.authorization
            ? "Incorrect API key provided. You must provide an API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
            : "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
          "invalid_request_error",
          null,
          req.headers.authorization ? "invalid_api_key" : null,
        );
      }
      const organization = organizationEndpoint(method, path);
      if (organization) {
        requireAdminKey(auth[1]!.trim());
        await readBody(req).catch(() => undefined);
        const query = new URL(req.url ?? "/", "http://127.0.0.1").searchParams;
        sendJson(res, ctx, 200, organizationPage(organization, query, requests, realtime.list()));
        return;
      }
      const route = routeOf(method, path);
      if (!route) {
        // Drain the body so the connection stays usable.
        await readBody(req).catch(() => undefined);
        throw new HttpError(404, `Invalid URL (${method} ${path})`, "invalid_request_error");
      }

      const raw = await readBody(req);
      let body: unknown = null;
      let form: TranscriptionForm | null = null;
      let calls: { sdp: string; session: unknown } | null = null;
      if (route === "transcriptions") {
        form = await parseMultipart(raw, req.headers["content-type"] ?? "");
        record.body = {
          fields: Object.fromEntries([...form.fields].map(([k, v]) => [k, v.length === 1 ? v[0] : v])),
          file: form.file ? { name: form.file.name, type: form.file.type, size: form.file.bytes.length } : null,
        };
      } else if (route === "calls") {
        calls = await parseCallCreate(raw, req.headers["content-type"] ?? "");
        record.body = calls;
      } else if (method === "POST" && route !== "hangup") {
        record.body = raw.length === 0 ? null : raw.toString("utf8");
        body = parseJsonBody(raw);
        record.body = body;
      }

      const faultHeader = req.headers["x-simulator-fault"];
      const requested = typeof faultHeader === "string" && faultHeader.trim() !== "" ? faultHeader.trim() : null;
      if (requested !== null && !isFault(requested)) {
        throw invalidRequest(
          `Unknown x-simulator-fault '${requested}'. Known faults: ${FAULTS.join(", ")}.`,
          null,
          "unknown_simulator_fault",
        );
      }
      ctx.fault = requested ?? queuedFaults.shift() ?? null;
      record.fault = ctx.fault;

      if (!(await sleep(latencyMs, ctx.signal))) return;

      const model =
        typeof (body as { model?: unknown } | null)?.model === "string"
          ? (body as { model: string }).model
          : (form?.fields.get("model")?.[0] ?? "the model");
      const faultError = ctx.fault ? errorForFault(ctx.fault, model) : null;
      if (faultError) throw faultError;

      switch (route) {
        case "chat": {
          const result = await handleChatCompletion(res, ctx, body, {
            cache,
            tokensPerSecond: options.tokensPerSecond,
          });
          record.usage = result.usage;
          record.billed = result.billed;
          break;
        }
        case "images":
          record.usage = record.billed = await handleImageGeneration(res, ctx, body, baseUrl, storeImage);
          break;
        case "transcriptions":
          record.usage = record.billed = await handleTranscription(res, ctx, form!);
          break;
        case "client_secrets":
          sendJson(res, ctx, 200, realtime.mint(body));
          break;
        case "calls": {
          const { callId, answer } = await realtime.createCall(auth[1]!.trim(), calls!.sdp, calls!.session);
          res.writeHead(201, {
            "content-type": "application/sdp",
            "content-length": String(Buffer.byteLength(answer)),
            location: `/v1/realtime/calls/${callId}`,
            "x-request-id": ctx.requestId,
          });
          res.end(answer);
          break;
        }
        case "hangup": {
          const callId = decodeURIComponent(path.split("/")[4]!);
          if (!realtime.hangup(callId))
            throw new HttpError(404, `No active call '${callId}'.`, "invalid_request_error", null, "call_id_not_found");
          res.writeHead(200, { "content-length": "0", "x-request-id": ctx.requestId });
          res.end();
          break;
        }
        case "realtime_sessions":
          sendJson(res, ctx, 200, createBetaSession(body));
          break;
        case "models":
          sendJson(res, ctx, 200, {
            object: "list",
            data: MODELS.map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "system" })),
          });
          break;
        case "model":
          sendJson(res, ctx, 200, {
            id: decodeURIComponent(path.slice("/v1/models/".length)),
            object: "model",
            created: 1_700_000_000,
            owned_by: "system",
          });
          break;
      }
    } catch (error) {
      if (ctx.signal.aborted || res.destroyed) {
        // The client went away (e.g. mid-upload): nothing to answer, nothing to report.
      } else if (error instanceof HttpError) {
        sendError(res, ctx, error);
      } else if (!res.headersSent && !res.destroyed) {
        console.error("[openai-simulator] unexpected error:", error);
        sendError(
          res,
          ctx,
          new HttpError(
            500,
            `Simulator error: ${error instanceof Error ? error.message : String(error)}`,
            "server_error",
          ),
        );
      } else {
        res.destroy();
      }
    } finally {
      if (res.headersSent) record.status = res.statusCode;
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error("[openai-simulator] request failed:", error);
      res.destroy();
    });
  });
  server.on("clientError", (_error, socket) => socket.destroy());
  server.on("upgrade", (req, socket, head) => realtime.upgrade(req, socket, head));

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}/v1`;

  let closing: Promise<void> | null = null;
  return {
    url: baseUrl,
    port,
    requests,
    injectFault(fault, times = 1) {
      if (!isFault(fault)) throw new Error(`Unknown simulator fault '${String(fault)}'. Known: ${FAULTS.join(", ")}.`);
      for (let i = 0; i < times; i++) queuedFaults.push(fault);
    },
    reset() {
      requests.length = 0;
      queuedFaults.length = 0;
      cache.clear();
      images.clear();
      realtime.reset();
    },
    realtime,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        for (const controller of inFlight) controller.abort();
        realtime.close();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

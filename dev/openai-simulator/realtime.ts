// Realtime: ephemeral client secrets (POST /v1/realtime/client_secrets, GA), the older beta
// POST /v1/realtime/sessions, WebRTC calls and the realtime WebSocket:
//
//   POST /v1/realtime/calls          creates a WebRTC call (openai-openapi `create-realtime-call`):
//                                    multipart `sdp` (application/sdp) + optional `session`
//                                    (application/json) with a standard key, or a bare
//                                    application/sdp body with a client secret (the secret's
//                                    session). Answers 201, the SDP answer (application/sdp) and
//                                    `Location: /v1/realtime/calls/rtc_sim_…`. The call's events
//                                    flow over the peer's data channel (webrtc.ts), or over a test
//                                    peer (`realtime.peer(callId)`).
//   GET  /v1/realtime?model=…        (upgrade) a WebSocket session — Authorization: Bearer <key> or,
//                                    from a browser, the subprotocol `openai-insecure-api-key.<key>`;
//                                    an ephemeral key must be one this simulator minted, unexpired.
//   GET  /v1/realtime?call_id=…      (upgrade) a sideband connection to a call — standard key only
//                                    (an ephemeral key is refused with 403), unknown call → 404. It
//                                    receives `session.created`, then every server event of the call.
//   POST /v1/realtime/calls/{id}/hangup   ends the call: every socket and peer of it closes.
//
// Client events understood: session.update, conversation.item.create (input_text, input_audio),
// input_audio_buffer.append / commit / clear, response.create. Every response is deterministic and
// its usage follows the rule in README.md ("Realtime"), so a test can assert the exact charge.
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { HttpError, invalidRequest, isRecord } from "./http";
import { coachReply } from "./text";
import type { ModelEncoding } from "./tokens";

export const DEFAULT_CLIENT_SECRET_TTL_SECONDS = 600;
export const BETA_SESSION_SECRET_TTL_SECONDS = 60;
/** Input audio: pcm16 mono at 24 kHz (the API's default format) = 48,000 bytes per second. */
export const REALTIME_AUDIO_BYTES_PER_SECOND = 48_000;
/** Audio tokens per second of user audio, and per output text token of the spoken answer. */
export const REALTIME_INPUT_AUDIO_TOKENS_PER_SECOND = 10;
export const REALTIME_OUTPUT_AUDIO_TOKENS_PER_TEXT_TOKEN = 2;
/** Cached input is the previous response's input rounded down to this block. */
export const REALTIME_CACHE_BLOCK = 64;

function secret(): string {
  return `ek_sim_${randomBytes(16).toString("hex")}`;
}

function sessionId(): string {
  return `sess_sim_${randomBytes(10).toString("hex")}`;
}

const isEphemeral = (key: string) => key.startsWith("ek_");

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

// ── The realtime WebSocket ───────────────────────────────────────────────────────────────────────

export interface RealtimeUsageReport {
  total_tokens: number;
  input_tokens: number;
  output_tokens: number;
  input_token_details: {
    text_tokens: number;
    audio_tokens: number;
    image_tokens: number;
    cached_tokens: number;
    cached_tokens_details: { text_tokens: number; audio_tokens: number; image_tokens: number };
  };
  output_token_details: { text_tokens: number; audio_tokens: number };
}

export interface SimulatedCall {
  id: string;
  session: Record<string, unknown>;
  /** Every response.done usage sent, in order. */
  responses: RealtimeUsageReport[];
  /** When each of `responses` was generated (ms since the epoch): the organization Usage API buckets by it. */
  respondedAt: number[];
  sidebands: number;
  ended: boolean;
}

/** One end of a call that sends client events and receives server events (a WebSocket, a data channel, a test peer). */
export interface ClientLink {
  send(event: Record<string, unknown>): void;
  close(reason: string): void;
}

/** A test's stand-in for the browser's data channel on a WebRTC call (`realtime.peer(callId)`). */
export interface TestPeer {
  /** Every server event received, in order. */
  events: Record<string, unknown>[];
  /** Sends a client event, as the browser does over the `oai-events` data channel. */
  send(event: Record<string, unknown>): void;
  /** Resolves with the reason when the call ends. */
  closed: Promise<string>;
  /** Leaves the call (the browser closes its peer connection). */
  leave(): void;
}

interface CallState extends SimulatedCall {
  clients: Set<ClientLink>;
  sidebandSockets: Set<WebSocket>;
  /** Conversation so far, in tokens (what the next response re-reads). */
  textTokens: number;
  audioTokens: number;
  /** Uncommitted input audio, bytes. */
  buffered: number;
  lastUserText: string;
  previousInput: { text: number; audio: number } | null;
  events: number;
  items: number;
  /** Events sent before any client joined (a WebRTC peer connects after the answer). */
  backlog: Record<string, unknown>[];
  /** Resolves once the session's instructions are counted: events are handled after it, in order. */
  ready?: Promise<void>;
}

/** Answers an SDP offer (the WebRTC stack, when one is plugged in: webrtc.ts). */
export type SdpAnswerer = (
  offer: string,
  call: {
    id: string;
    /** Joins the peer's data channel to the call; returns the function its client events go to. */
    link(client: ClientLink): (raw: string) => void;
    /** The peer left (its connection closed or failed): the call ends. */
    left(): void;
  },
) => Promise<string>;

/** The realtime side of one simulator instance: minted secrets, calls and their sockets. */
export class RealtimeSimulator {
  private readonly secrets = new Map<string, { expiresAt: number; session: Record<string, unknown> }>();
  private readonly calls = new Map<string, CallState>();
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has("realtime") ? "realtime" : false),
  });
  /** Plugged in by the server when a WebRTC stack is available; without it the answer is a plain SDP echo. */
  answerer: SdpAnswerer | null = null;

  constructor(private readonly encoding: () => Promise<ModelEncoding>) {}

  /** POST /v1/realtime/client_secrets, remembering the secret so a client can connect with it. */
  mint(body: unknown): Record<string, unknown> {
    const minted = createClientSecret(body);
    this.secrets.set(minted.value as string, {
      expiresAt: (minted.expires_at as number) * 1000,
      session: minted.session as Record<string, unknown>,
    });
    return minted;
  }

  /**
   * POST /v1/realtime/calls: creates a call from an SDP offer. `key` is the caller's key; `session`
   * the multipart `session` part (standard key) — with a client secret the secret's session is used.
   * Returns the call id (for `Location`) and the SDP answer.
   */
  async createCall(key: string, offer: string, session: unknown): Promise<{ callId: string; answer: string }> {
    if (!/^v=0\r?\n/.test(offer) || !/\r?\nm=/.test(offer)) {
      throw invalidRequest(
        "Invalid SDP offer: expected a session description starting with 'v=0' with at least one media section.",
        "sdp",
        "invalid_offer",
      );
    }
    let config: Record<string, unknown>;
    if (isEphemeral(key)) {
      const minted = this.secrets.get(key);
      if (!minted || minted.expiresAt <= Date.now())
        throw new HttpError(401, "Invalid or expired client secret.", "invalid_request_error", null, "invalid_api_key");
      config = { ...minted.session };
    } else {
      if (session !== undefined && !isRecord(session))
        throw invalidRequest("Invalid 'session': expected an object.", "session", "invalid_type");
      config = {
        type: "realtime",
        object: "realtime.session",
        id: sessionId(),
        model: "gpt-realtime",
        output_modalities: ["audio"],
        max_output_tokens: "inf",
        ...(session ?? {}),
      };
    }
    const call = this.newCall(config);
    const answer = this.answerer
      ? await this.answerer(offer, {
          id: call.id,
          link: (client) => this.join(call, client),
          left: () => {
            if (!call.ended) this.end(call, "peer left");
          },
        })
      : echoAnswer(offer);
    return { callId: call.id, answer };
  }

  /** A test peer on a WebRTC call: the data channel's events without a WebRTC stack. */
  peer(callId: string): TestPeer {
    const call = this.calls.get(callId);
    if (!call) throw new Error(`No call ${callId}`);
    const events: Record<string, unknown>[] = [];
    let closed!: (reason: string) => void;
    const done = new Promise<string>((resolve) => (closed = resolve));
    const link: ClientLink = {
      send: (event) => events.push(JSON.parse(JSON.stringify(event))),
      close: (reason) => closed(reason),
    };
    const receive = this.join(call, link);
    return {
      events,
      closed: done,
      send: (event) => receive(JSON.stringify(event)),
      leave: () => {
        call.clients.delete(link);
        if (call.clients.size === 0 && !call.ended) this.end(call, "peer left");
      },
    };
  }

  /** Every call so far (tests inspect usage and sideband counts). */
  list(): SimulatedCall[] {
    return [...this.calls.values()].map(({ id, session, responses, respondedAt, sidebands, ended }) => ({
      id,
      session,
      responses,
      respondedAt,
      sidebands,
      ended,
    }));
  }

  /** Ends a call as POST /v1/realtime/calls/{id}/hangup does; false when there is no such live call. */
  hangup(callId: string): boolean {
    const call = this.calls.get(callId);
    if (!call || call.ended) return false;
    this.end(call, "hangup");
    return true;
  }

  /** Drops the sideband sockets of a call without a close frame (a lost connection), leaving the call running. */
  dropSidebands(callId: string): void {
    for (const socket of this.calls.get(callId)?.sidebandSockets ?? []) socket.terminate();
  }

  close(): void {
    for (const call of this.calls.values()) if (!call.ended) this.end(call, "simulator closed");
    this.wss.close();
  }

  reset(): void {
    this.close();
    this.calls.clear();
    this.secrets.clear();
  }

  /** Handles an HTTP upgrade on /v1/realtime; refuses anything else with an HTTP error. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const refuse = (status: number, message: string, code: string | null = null) => {
      const body = JSON.stringify({ error: { message, type: "invalid_request_error", param: null, code } });
      socket.end(
        `HTTP/1.1 ${status} ${status === 404 ? "Not Found" : status === 401 ? "Unauthorized" : status === 403 ? "Forbidden" : "Bad Request"}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    };
    if (url.pathname.replace(/\/+$/, "") !== "/v1/realtime") return refuse(404, `Invalid URL (GET ${url.pathname})`);
    const key = keyOf(req);
    if (!key) return refuse(401, "You didn't provide an API key.", "invalid_api_key");
    const callId = url.searchParams.get("call_id");

    if (callId) {
      if (isEphemeral(key))
        return refuse(403, "A sideband connection needs a standard API key, not a client secret.", "invalid_api_key");
      const call = this.calls.get(callId);
      if (!call || call.ended) return refuse(404, "No session found for the provided call_id", "call_id_not_found");
      this.wss.handleUpgrade(req, socket, head, (ws) => this.attachSideband(call, ws));
      return;
    }

    let session: Record<string, unknown> = {
      type: "realtime",
      object: "realtime.session",
      id: sessionId(),
      model: url.searchParams.get("model") ?? "gpt-realtime",
      output_modalities: ["audio"],
    };
    if (isEphemeral(key)) {
      const minted = this.secrets.get(key);
      if (!minted) return refuse(401, "Invalid client secret.", "invalid_api_key");
      if (minted.expiresAt <= Date.now()) return refuse(401, "The client secret has expired.", "invalid_api_key");
      session = { ...minted.session };
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const call = this.newCall(session);
      const receive = this.join(call, {
        send: (event) => send(ws, event),
        close: (reason) => {
          if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000, reason);
        },
      });
      ws.on("error", () => undefined);
      ws.on("close", () => {
        if (!call.ended) this.end(call, "client closed");
      });
      ws.on("message", (data) => receive(data.toString()));
    });
  }

  private newCall(session: Record<string, unknown>): CallState {
    const call: CallState = {
      id: `rtc_sim_${randomBytes(12).toString("hex")}`,
      session,
      responses: [],
      respondedAt: [],
      sidebands: 0,
      ended: false,
      clients: new Set(),
      sidebandSockets: new Set(),
      textTokens: 0,
      audioTokens: 0,
      buffered: 0,
      lastUserText: "",
      previousInput: null,
      events: 0,
      items: 0,
      backlog: [],
    };
    this.calls.set(call.id, call);
    const ready = this.encoding().then((encoding) => {
      call.textTokens = encoding.count(typeof session.instructions === "string" ? session.instructions : "");
    });
    call.ready = ready;
    void ready.then(() => this.emit(call, { type: "session.created", session: call.session }));
    return call;
  }

  /** Joins a client to a call: it gets the events sent so far, and its events are the call's. */
  private join(call: CallState, client: ClientLink): (raw: string) => void {
    call.clients.add(client);
    for (const event of call.backlog) client.send(event);
    call.backlog = [];
    return (raw) => {
      void call
        .ready!.then(() => this.onClientEvent(call, raw))
        .catch((error: unknown) => this.emit(call, errorEvent(String(error))));
    };
  }

  private attachSideband(call: CallState, ws: WebSocket): void {
    call.sidebands++;
    call.sidebandSockets.add(ws);
    ws.on("error", () => undefined);
    ws.on("close", () => call.sidebandSockets.delete(ws));
    // A sideband may also send client events (session.update, response.create …), as on the API.
    ws.on("message", (data) => {
      void call.ready!.then(() => this.onClientEvent(call, data.toString())).catch(() => undefined);
    });
    send(ws, { type: "session.created", event_id: this.eventId(call), session: call.session });
  }

  private eventId(call: CallState): string {
    return `event_sim_${call.id.slice(-6)}_${++call.events}`;
  }

  private itemId(call: CallState): string {
    return `item_sim_${call.id.slice(-6)}_${++call.items}`;
  }

  /** Sends a server event to the client (or keeps it until one joins) and every sideband. */
  private emit(call: CallState, event: Record<string, unknown>): void {
    const full = { event_id: this.eventId(call), ...event };
    if (call.clients.size === 0) call.backlog.push(full);
    for (const client of call.clients) client.send(full);
    for (const ws of call.sidebandSockets) send(ws, full);
  }

  private end(call: CallState, reason: string): void {
    call.ended = true;
    for (const client of call.clients) client.close(reason);
    for (const ws of call.sidebandSockets) {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000, reason);
    }
  }

  private async onClientEvent(call: CallState, raw: string): Promise<void> {
    if (call.ended) return;
    let event: unknown;
    try {
      event = JSON.parse(raw);
    } catch {
      return this.emit(call, errorEvent("The event is not valid JSON."));
    }
    if (!isRecord(event) || typeof event.type !== "string")
      return this.emit(call, errorEvent("An event needs a type."));
    const encoding = await this.encoding();
    switch (event.type) {
      case "session.update": {
        if (isRecord(event.session)) call.session = { ...call.session, ...event.session };
        if (typeof (event.session as { instructions?: unknown })?.instructions === "string") {
          call.textTokens += encoding.count((event.session as { instructions: string }).instructions);
        }
        return this.emit(call, { type: "session.updated", session: call.session });
      }
      case "conversation.item.create": {
        const item = isRecord(event.item) ? event.item : {};
        const content = Array.isArray(item.content) ? item.content : [];
        for (const part of content) {
          if (!isRecord(part)) continue;
          if (part.type === "input_text" && typeof part.text === "string") {
            call.textTokens += encoding.count(part.text);
            call.lastUserText = part.text;
          } else if (part.type === "input_audio" && typeof part.audio === "string") {
            call.audioTokens += audioTokens(Buffer.from(part.audio, "base64").length);
          }
        }
        return this.emit(call, {
          type: "conversation.item.added",
          previous_item_id: null,
          item: { id: this.itemId(call), object: "realtime.item", status: "completed", ...item },
        });
      }
      case "input_audio_buffer.append":
        if (typeof event.audio === "string") call.buffered += Buffer.from(event.audio, "base64").length;
        return;
      case "input_audio_buffer.clear":
        call.buffered = 0;
        return this.emit(call, { type: "input_audio_buffer.cleared" });
      case "input_audio_buffer.commit":
        call.audioTokens += audioTokens(call.buffered);
        call.buffered = 0;
        return this.emit(call, {
          type: "input_audio_buffer.committed",
          previous_item_id: null,
          item_id: this.itemId(call),
        });
      case "response.create":
        return this.respond(call, encoding);
      default:
        return this.emit(call, errorEvent(`Unsupported event type '${event.type}' (simulator).`));
    }
  }

  /** One response: a coach reply re-reading the whole conversation; usage by the README's rule. */
  private respond(call: CallState, encoding: ModelEncoding): void {
    const index = call.responses.length;
    const transcript = coachReply(call.lastUserText || `realtime turn ${index}`, (text) => encoding.count(text), index);
    const audio = !Array.isArray(call.session.output_modalities) || call.session.output_modalities.includes("audio");
    const maxOutput = typeof call.session.max_output_tokens === "number" ? call.session.max_output_tokens : Infinity;
    const outText = Math.min(encoding.count(transcript), maxOutput);
    const outAudio = audio ? outText * REALTIME_OUTPUT_AUDIO_TOKENS_PER_TEXT_TOKEN : 0;
    const inText = call.textTokens;
    const inAudio = call.audioTokens;
    const cachedText = call.previousInput ? roundDown(Math.min(call.previousInput.text, inText)) : 0;
    const cachedAudio = call.previousInput ? roundDown(Math.min(call.previousInput.audio, inAudio)) : 0;
    const usage: RealtimeUsageReport = {
      total_tokens: inText + inAudio + outText + outAudio,
      input_tokens: inText + inAudio,
      output_tokens: outText + outAudio,
      input_token_details: {
        text_tokens: inText,
        audio_tokens: inAudio,
        image_tokens: 0,
        cached_tokens: cachedText + cachedAudio,
        cached_tokens_details: { text_tokens: cachedText, audio_tokens: cachedAudio, image_tokens: 0 },
      },
      output_token_details: { text_tokens: outText, audio_tokens: outAudio },
    };
    call.previousInput = { text: inText, audio: inAudio };
    // The answer joins the conversation: its transcript as text, its speech as audio.
    call.textTokens += outText;
    call.audioTokens += outAudio;
    call.responses.push(usage);
    call.respondedAt.push(Date.now());
    const id = `resp_sim_${call.id.slice(-6)}_${index}`;
    const itemId = this.itemId(call);
    // The fields the spec marks required on each event (RealtimeServerEventResponse*).
    this.emit(call, {
      type: "response.created",
      response: { id, object: "realtime.response", status: "in_progress", output: [] },
    });
    this.emit(call, {
      type: audio ? "response.output_audio_transcript.done" : "response.output_text.done",
      response_id: id,
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      [audio ? "transcript" : "text"]: transcript,
    });
    const part = audio ? { type: "output_audio", transcript } : { type: "output_text", text: transcript };
    this.emit(call, {
      type: "response.done",
      response: {
        id,
        object: "realtime.response",
        status: "completed",
        output: [
          {
            id: itemId,
            object: "realtime.item",
            type: "message",
            status: "completed",
            role: "assistant",
            content: [part],
          },
        ],
        usage,
      },
    });
  }
}

function keyOf(req: IncomingMessage): string | null {
  const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  if (auth) return auth[1]!;
  const protocols = (req.headers["sec-websocket-protocol"] ?? "").split(",").map((p) => p.trim());
  const insecure = protocols.find((p) => p.startsWith("openai-insecure-api-key."));
  return insecure ? insecure.slice("openai-insecure-api-key.".length) : null;
}

function audioTokens(bytes: number): number {
  return Math.ceil((bytes / REALTIME_AUDIO_BYTES_PER_SECOND) * REALTIME_INPUT_AUDIO_TOKENS_PER_SECOND);
}

const roundDown = (tokens: number) => Math.floor(tokens / REALTIME_CACHE_BLOCK) * REALTIME_CACHE_BLOCK;

function errorEvent(message: string): Record<string, unknown> {
  return { type: "error", error: { type: "invalid_request_error", message } };
}

function send(ws: WebSocket, event: Record<string, unknown>): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
}

/**
 * Without a WebRTC stack: an SDP answer that mirrors the offer's media sections (same mids, the
 * first codec of each, `a=setup:active`) — well-formed, but no media will flow.
 */
export function echoAnswer(offer: string): string {
  const lines = offer.split(/\r?\n/);
  const out = ["v=0", `o=- ${Date.now()} 1 IN IP4 127.0.0.1`, "s=-", "t=0 0"];
  const mids = lines.filter((l) => l.startsWith("a=mid:")).map((l) => l.slice(6));
  if (mids.length) out.push(`a=group:BUNDLE ${mids.join(" ")}`);
  out.push("a=msid-semantic:WMS *");
  let section: string[] | null = null;
  const flush = () => {
    if (section) out.push(...section);
  };
  for (const line of lines) {
    if (line.startsWith("m=")) {
      flush();
      const [media, , proto, ...formats] = line.slice(2).split(" ");
      section = [
        `m=${media} 9 ${proto} ${formats[0] ?? "0"}`,
        "c=IN IP4 127.0.0.1",
        "a=setup:active",
        "a=ice-ufrag:simu",
        "a=ice-pwd:simulatorsimulatorsimulator",
      ];
    } else if (section && (line.startsWith("a=mid:") || line.startsWith("a=sctp-port:") || line === "a=rtcp-mux")) {
      section.push(line);
    } else if (
      section &&
      line.startsWith("a=rtpmap:") &&
      section.filter((l) => l.startsWith("a=rtpmap:")).length === 0
    ) {
      section.push(line);
    }
  }
  flush();
  return out.join("\r\n") + "\r\n";
}

// `withTokens(feature, handler, options)`: the metering wrapper for App Router route handlers.
//
// For every request it: refuses a browser's cross-site request (403, lib/http/csrf.ts); checks the
// session (401); applies the per-user rate limit (429 with Retry-After); reads the body within its
// limit as it arrives (413); validates the input with a schema (400 with the issues); honours Idempotency-Key
// (a retry returns the first response, no second charge); estimates the worst-case cost and
// reserves it — or answers 402 with what is required and available, holding nothing; runs the
// handler with a `meter`; settles the exact cost of the usage the handler reported (or releases the
// hold when there was none); and tells the balance (X-Tokens-Remaining, and `tokens` in JSON).
// A streamed response is settled when the stream ends, also when the client disconnects: the
// provider's stream is then read on to its end, and the usage it reports (hidden reasoning included)
// is charged. A handler that throws is charged only what the provider billed.
// A call whose usage arrives after the response (a realtime session) calls `defer()`: the hold stays
// and the returned handle settles it later, with the same guarantees.
//
// Faults: a settle that cannot reach the database is retried with backoff until it lands, the hold
// kept meanwhile (./settle-retry.ts); a response waits for it a bounded time, then a JSON call
// answers 503 without its answer (stored for a replay by its Idempotency-Key once charged) and a
// stream ends with `event: error` — never a cut connection. A request that meets an unreachable
// database before any model call answers 503 `unavailable` with Retry-After and is charged nothing.
// Nothing the wrapper does ends in an empty 500.
//
// Database round trips on the happy path: reserve and settle, one statement each — through the
// ledger pipeline, which sends the calls of concurrent requests together (lib/tokens/ledger/pipeline.ts).
import { readBodyLimited } from "../../http/body";
import { crossSiteRefusal } from "../../http/csrf";
import { isJsonContentType } from "../../http/media-type";
import { timeOrderedId } from "../ids";
import { z } from "zod";
import type { Db } from "../../db/client";
import { sweepExpiredReservations, type HotLedger } from "../ledger";
import { millitokensToTokens } from "../units";
import { claimIdempotencyKey, completeIdempotencyKey, idempotencyKeySchema, releaseIdempotencyKey, requestFingerprint } from "./idempotency";
import { chatChunkReader, Meter, type ChunkReader, type CostEngine } from "./meter";
import { DRAIN_TIMEOUT_MS, drainForUsage } from "./drain";
import { RateLimiter, type RateLimit } from "./rate-limit";
import { DEFAULT_SETTLE_RETRY, PENDING, untilLanded, within, type SettleRetryOptions } from "./settle-retry";
import { isDatabaseUnavailable } from "../../db/unavailable";

/** Throw from a parser or handler for a 400 with a message the caller can act on. */
export class BadRequestError extends Error {
  constructor(message: string, readonly details?: unknown) {
    super(message);
    this.name = "BadRequestError";
  }
}

/**
 * Throw from a handler when the provider answered but the answer cannot be used (for example a
 * structured answer that failed validation twice): a 502 with this message and what was charged —
 * the calls the provider billed, recorded on the meter before the throw, and nothing else.
 */
export class UnusableAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnusableAnswerError";
  }
}

export interface Estimate {
  /** The model the call will use (recorded, and used to charge a stream cut short). */
  model: string;
  /** Worst-case cost in millitokens: what is reserved. */
  worstCase: bigint;
  /** Exact input token count, when the estimate counted it (text calls). */
  inputTokens?: number;
}

export interface PricingContext {
  version: number;
}

export interface MeteredContext<TInput, U> {
  request: Request;
  userId: string;
  input: TInput;
  meter: Meter<U>;
  estimate: Estimate;
  /** Streams an async iterable of chunks (an OpenAI stream) to the client as SSE, metered. */
  stream<C>(source: AsyncIterable<C> & { controller?: AbortController }, options?: StreamOptions<C>): Response;
  /**
   * Keeps the hold past the response, for a call whose usage arrives after it (a realtime session):
   * the wrapper answers without settling, and the returned handle settles later. Set `ttlMs` above
   * the longest time the call can run: a hold the sweep expired is still settled, but from what is
   * available then, not from the hold.
   */
  defer(): DeferredSettlement<U>;
  signal: AbortSignal;
}

/**
 * A request whose settlement was deferred past its response. The guarantees are the wrapper's own:
 * `settle()` charges exactly what `meter` recorded (or releases the hold when nothing was), once —
 * every later call returns the first result — with the ledger's idempotency key `call:<requestId>`.
 */
export interface DeferredSettlement<U> {
  requestId: string;
  reservationId: string;
  /** Millitokens held for the call. */
  held: bigint;
  /** When the sweep may return the hold. */
  expiresAt: Date;
  /** The meter to record the call's usage on, before `settle()`. */
  meter: Meter<U>;
  settle(): Promise<{ charged: bigint; remaining: bigint }>;
}

export interface StreamOptions<C> {
  /** How to read text/usage/model from a chunk (default: chat completions chunks). */
  reader?: ChunkReader<C>;
  /** The SSE `data:` payload of a chunk (default: the chunk as JSON); null to skip it. */
  toData?(chunk: C): unknown;
  /**
   * After the client cancels, how long the provider's stream is read on for its usage (default
   * DRAIN_TIMEOUT_MS); past it the stream is aborted and the text generated so far is charged.
   */
  drainTimeoutMs?: number;
}

export interface WithTokensOptions<TInput, U, E extends CostEngine<U> = CostEngine<U>> {
  /** Schema of the JSON body. */
  input?: z.ZodType<TInput>;
  /** Or a parser of the raw request (multipart uploads …); throw BadRequestError for a 400. */
  parse?(request: Request, body: Buffer): Promise<TInput> | TInput;
  /** The worst case of the call, before it is made. */
  estimate(input: TInput, context: { userId: string; pricing: PricingContext; engine: E }): Estimate | Promise<Estimate>;
  /** How long the hold lives before the sweep may release it (default 2 minutes). */
  ttlMs?: number;
  /** Per-user limit for this route (default: the app's), or false for none. */
  rateLimit?: RateLimit | false;
  /** Maximum body size in bytes (default 1 MB; uploads set their own). */
  maxBodyBytes?: number;
  /** Handler result type hint for cost engines with several usage kinds. */
  _usage?: U;
}

export interface MeteringConfig<U, E extends CostEngine<U> = CostEngine<U>> {
  db(): Db;
  /** Reserve, settle and release (the app's ledger pipeline). */
  ledger(): HotLedger;
  /** The signed-in user's id for this request, or null. */
  currentUserId(request: Request): Promise<string | null>;
  /**
   * The app's public origin (APP_URL), against which a browser's Origin header is checked: a
   * cross-site request is refused before anything else (lib/http/csrf.ts). Default: the request URL's.
   */
  appOrigin?(): string | null;
  /** The active pricing version and the cost engine bound to its overrides. */
  pricing(): Promise<{ context: PricingContext; engine: E }>;
  upgradeUrl: string;
  /** The default per-user limit (a function, so configuration is read at request time). */
  rateLimit: RateLimit | false | (() => RateLimit | false);
  /** How settles are retried while the database is unreachable (defaults: DEFAULT_SETTLE_RETRY). */
  settleRetry?: Partial<SettleRetryOptions>;
  log?(event: string, details: Record<string, unknown>): void;
}

type Handler<TInput, U> = (ctx: MeteredContext<TInput, U>) => Promise<unknown> | unknown;

const tokens = (millitokens: bigint) => millitokensToTokens(millitokens);

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body, (_key, value) => (typeof value === "bigint" ? Number(value) : value)), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

/** Seconds a client should wait before retrying while the database is unreachable. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** 503 for a request that met an unreachable database before any model call: nothing was charged. */
function unavailable(): Response {
  return json(
    503,
    { error: "unavailable", message: "The service cannot reach its database right now. Nothing was charged; retry in a few seconds." },
    { "retry-after": String(UNAVAILABLE_RETRY_AFTER_SECONDS) },
  );
}

/**
 * 503 for a call the provider answered whose charge could not be recorded in time: the answer is
 * withheld (a delivered answer is always charged), the charge lands when the database is back.
 */
function chargePending(withKey: boolean): Response {
  return json(
    503,
    {
      error: "unavailable",
      message:
        "The answer is ready, but the database cannot be reached to record its charge, so it is withheld. " +
        "What the AI provider billed will be charged once the database is back" +
        (withKey ? "; retry with the same Idempotency-Key to receive the answer then." : "; retry in a few seconds."),
    },
    { "retry-after": String(UNAVAILABLE_RETRY_AFTER_SECONDS) },
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function upstreamStatus(error: unknown): number | null {
  const status = (error as { status?: unknown })?.status;
  return typeof status === "number" ? status : null;
}

export function createWithTokens<U, E extends CostEngine<U> = CostEngine<U>>(config: MeteringConfig<U, E>) {
  const limiter = new RateLimiter();
  const log = config.log ?? (() => {});

  const retry: SettleRetryOptions = { ...DEFAULT_SETTLE_RETRY, ...config.settleRetry };

  return function withTokens<TInput>(feature: string, handler: Handler<TInput, U>, options: WithTokensOptions<TInput, U, E>) {
    if (!options.input && !options.parse) throw new Error(`withTokens("${feature}"): give an input schema or a parse function`);

    return async function meteredRoute(request: Request): Promise<Response> {
      try {
        return await serve(request);
      } catch (error) {
        // Whatever escaped is answered in JSON, never as an empty 500.
        if (isDatabaseUnavailable(error)) {
          log("database_unavailable", { feature, message: (error as Error)?.message });
          return unavailable();
        }
        log("internal_error", { feature, message: (error as Error)?.message });
        return json(500, { error: "internal_error", message: "Something went wrong; nothing was charged for a model call that was not made." });
      }
    };

    async function serve(request: Request): Promise<Response> {
      // A cross-site request carrying the victim's cookie is refused first: nothing is read, held or charged.
      const crossSite = crossSiteRefusal(request, config.appOrigin?.());
      if (crossSite) return crossSite;
      const userId = await config.currentUserId(request);
      if (!userId) return json(401, { error: "unauthorized", message: "Sign in to use this feature." });
      const db = config.db();
      const ledger = config.ledger();
      /** The balance for a header on a refusal; a refusal is still answered when it cannot be read. */
      const balanceHeader = async (): Promise<Record<string, string>> => {
        try {
          const row = await db.userTokenBalance.findUnique({ where: { userId } });
          return row ? { "x-tokens-remaining": String(tokens(row.allowance + row.purchased - row.reserved)) } : {};
        } catch (error) {
          if (isDatabaseUnavailable(error)) return {};
          throw error;
        }
      };

      const limit = options.rateLimit ?? (typeof config.rateLimit === "function" ? config.rateLimit() : config.rateLimit);
      if (limit) {
        const decision = limiter.take(userId, limit);
        if (!decision.allowed) {
          return json(
            429,
            { error: "rate_limited", message: `Too many requests: at most ${limit.limit} per ${limit.windowMs / 1000} s. Retry after ${decision.retryAfterSeconds} s.` },
            { "retry-after": String(decision.retryAfterSeconds), ...(await balanceHeader()) },
          );
        }
      }

      // ── input ──
      const maxBytes = options.maxBodyBytes ?? 1_000_000;
      // Counted as the bytes arrive (a chunked body has no Content-Length): never more than the limit is buffered.
      const read = await readBodyLimited(request, maxBytes);
      if (!read.ok) return read.response;
      const body = read.body;
      let input: TInput;
      try {
        input = await parseInput(request, body, options);
      } catch (error) {
        if (error instanceof BadRequestError) {
          return json(400, { error: "invalid_request", message: error.message, ...(error.details ? { issues: error.details } : {}) }, await balanceHeader());
        }
        throw error;
      }

      // ── idempotency ──
      let claimId: string | null = null;
      const keyHeader = request.headers.get("idempotency-key");
      if (keyHeader !== null) {
        const key = idempotencyKeySchema.safeParse(keyHeader);
        if (!key.success) return json(400, { error: "invalid_request", message: `Idempotency-Key ${key.error.issues[0]?.message ?? "is invalid"}.` });
        const fingerprint = requestFingerprint(request.method, new URL(request.url).pathname, body.toString("latin1"));
        const claim = await claimIdempotencyKey(db, { userId, key: key.data, feature, fingerprint });
        if (claim.state === "replay") {
          return new Response(new Uint8Array(claim.body), {
            status: claim.status,
            headers: { "content-type": claim.contentType ?? "application/json", "idempotent-replayed": "true", ...(await balanceHeader()) },
          });
        }
        if (claim.state === "in_progress") {
          return json(409, { error: "request_in_progress", message: "A request with this Idempotency-Key is still running; retry shortly." }, { "retry-after": "1" });
        }
        if (claim.state === "mismatch") {
          return json(422, { error: "idempotency_key_reused", message: "This Idempotency-Key was used for a different request; use a new key." });
        }
        claimId = claim.id;
      }

      /** Stores the response for a replay by its Idempotency-Key; a failure to store is logged, not thrown. */
      const remember = async (status: number, contentType: string, body: string | Uint8Array) => {
        if (!claimId) return;
        const id = claimId;
        const stored = untilLanded(() => completeIdempotencyKey(db, id, { status, contentType, body }), retry).catch((error) =>
          log("idempotency_store_failed", { feature, userId, id, message: (error as Error)?.message }),
        );
        await within(stored, retry.waitMs);
      };
      const forgetClaim = async () => {
        if (!claimId) return;
        try {
          await releaseIdempotencyKey(db, claimId);
        } catch (error) {
          log("idempotency_release_failed", { feature, userId, id: claimId, message: (error as Error)?.message });
        }
      };

      // ── estimate and reserve ──
      const { context: pricing, engine } = await config.pricing();
      let estimate: Estimate;
      try {
        estimate = await options.estimate(input, { userId, pricing, engine });
      } catch (error) {
        await forgetClaim();
        if (error instanceof BadRequestError) return json(400, { error: "invalid_request", message: error.message });
        throw error;
      }
      // Time-ordered, like the reservation id: the request id's unique index (and the ledger key
      // `call:<request id>`) grows at its end.
      const requestId = timeOrderedId();
      const hold = () =>
        ledger.reserve({
          userId,
          amount: estimate.worstCase > 0n ? estimate.worstCase : 1n,
          feature,
          requestId,
          ttlMs: options.ttlMs ?? 120_000,
          pricingVersion: pricing.version,
        });
      let held = await hold();
      if (!held.ok && held.error.type === "InsufficientTokens") {
        // Before refusing: holds left by a process that died are returned first (they expire after
        // their time to live), so they can never lock the user out.
        const swept = await sweepExpiredReservations(db, new Date(), { userId });
        if (swept.expired > 0) held = await hold();
      }
      if (!held.ok) {
        await forgetClaim();
        if (held.error.type === "InsufficientTokens") {
          const available = held.error.available > 0n ? held.error.available : 0n;
          return json(
            402,
            { error: "insufficient_tokens", required: tokens(held.error.required), available: tokens(available), upgradeUrl: config.upgradeUrl },
            { "x-tokens-remaining": String(tokens(available)) },
          );
        }
        log("reserve_failed", { feature, userId, error: held.error });
        return json(403, { error: "no_token_account", message: "Your account has no token balance." });
      }

      const meter = new Meter<U>(requestId, engine, estimate.inputTokens !== undefined ? { model: estimate.model, inputTokens: estimate.inputTokens } : null);
      const reservationId = held.reservation.id;
      let finished: Promise<{ charged: bigint; remaining: bigint }> | null = null;

      /**
       * Settles the reported usage, or releases the hold when nothing was reported. Once: every caller
       * shares the first run, which retries while the database is unreachable until it lands.
       */
      const finish = () => {
        // What is charged is fixed when settling starts: every retry sends the same settle.
        const charge = meter.calls.length === 0 ? null : { cost: meter.cost, usage: meter.usageRecord() };
        return (finished ??= untilLanded(
          async () => {
            if (!charge) {
              const released = await ledger.release({ reservationId, userId });
              const remaining = released.ok && released.balance ? released.balance.available : held.available + held.reservation.amount;
              return { charged: 0n, remaining };
            }
            const result = await ledger.settle({ reservationId, userId, cost: charge.cost, usage: charge.usage, pricingVersion: pricing.version });
            if (!result.ok) throw new Error(`settling ${feature} request ${requestId} failed: ${result.error.type}`);
            if (result.shortfall > 0n) log("shortfall", { feature, userId, requestId, shortfall: result.shortfall });
            return { charged: result.charged, remaining: result.balance.available };
          },
          retry,
          (attempt, error) => log("settle_retry", { feature, userId, requestId, attempt, message: (error as Error)?.message }),
        ));
      };
      /** finish(), or PENDING when it has not landed within the wait (it goes on in the background). */
      const finishWithin = () => within(finish(), retry.waitMs);

      let streamed: Response | null = null;
      let deferred: DeferredSettlement<U> | null = null;
      const controller = new AbortController();
      const ctx: MeteredContext<TInput, U> = {
        request,
        userId,
        input,
        meter,
        estimate,
        signal: controller.signal,
        stream(source, streamOptions = {}) {
          streamed = meteredStream(source, streamOptions, {
            meter,
            finish: finishWithin,
            finishInBackground: () => void finish().catch((error) => log("settle_failed", { feature, userId, requestId, message: (error as Error)?.message })),
            remember,
            remainingAtStart: held.available,
            log: (event, details) => log(event, { feature, userId, requestId, ...details }),
          });
          return streamed;
        },
        defer() {
          deferred ??= {
            requestId,
            reservationId,
            held: held.reservation.amount,
            expiresAt: held.reservation.expiresAt,
            meter,
            settle: finish,
          };
          return deferred;
        },
      };

      let result: unknown;
      try {
        result = await handler(ctx);
        if (result !== streamed && !deferred && meter.calls.length === 0 && meter.waived === null) {
          throw new Error(
            `withTokens("${feature}"): the handler returned without recording any usage. Record each model call ` +
              "(meter.recordCompletion / meter.record / stream), or call meter.waive(reason) for a deliberately free answer.",
          );
        }
      } catch (error) {
        controller.abort();
        const settled = await finishWithin();
        await forgetClaim();
        if (settled === PENDING) {
          // No answer goes out; what the provider billed (if anything) is charged once the database is back.
          return meter.calls.length === 0 ? unavailable() : json(
            503,
            { error: "unavailable", message: "The call failed and the database cannot be reached; what the AI provider billed will be charged once it is back. Retry in a few seconds." },
            { "retry-after": String(UNAVAILABLE_RETRY_AFTER_SECONDS) },
          );
        }
        const { charged, remaining } = settled;
        const headers = { "x-tokens-remaining": String(tokens(remaining)) };
        if (error instanceof BadRequestError) {
          return json(400, { error: "invalid_request", message: error.message, tokens: { charged: tokens(charged), remaining: tokens(remaining) } }, headers);
        }
        if (error instanceof UnusableAnswerError) {
          log("unusable_answer", { feature, userId, requestId, message: error.message, charged });
          return json(502, { error: "invalid_ai_answer", message: error.message, tokens: { charged: tokens(charged), remaining: tokens(remaining) } }, headers);
        }
        if (isDatabaseUnavailable(error)) {
          // The handler's own reads or writes (a stored conversation …) met the outage.
          log("handler_database_unavailable", { feature, userId, requestId, charged });
          return json(
            503,
            {
              error: "unavailable",
              message: "The service cannot reach its database right now; you were charged only for what the AI provider billed. Retry in a few seconds.",
              tokens: { charged: tokens(charged), remaining: tokens(remaining) },
            },
            { ...headers, "retry-after": String(UNAVAILABLE_RETRY_AFTER_SECONDS) },
          );
        }
        const status = upstreamStatus(error);
        log("handler_failed", { feature, userId, requestId, status, message: (error as Error)?.message });
        return json(
          status ? 502 : 500,
          {
            error: status ? "upstream_error" : "internal_error",
            message: status ? "The AI provider failed to answer; you were charged only for what it billed." : "Something went wrong; you were charged only for what the AI provider billed.",
            tokens: { charged: tokens(charged), remaining: tokens(remaining) },
          },
          headers,
        );
      }

      if (result === streamed && streamed) return streamed;

      // Deferred: the hold stays; the response tells what is held, the handle settles later.
      const settled = deferred ? { charged: 0n, remaining: held.available } : await finishWithin();
      if (settled === PENDING) {
        // The answer is withheld until it is charged; with an Idempotency-Key it is stored once the
        // charge lands, so the client's retry receives it (and is not charged again).
        void finish()
          .then(async ({ charged, remaining }) => {
            if (result instanceof Response) {
              await forgetClaim();
              return;
            }
            const payload = { ...(isPlainObject(result) ? result : { result }), tokens: { charged: tokens(charged), remaining: tokens(remaining) } };
            await remember(200, "application/json; charset=utf-8", await json(200, payload).text());
          })
          .catch((error) => log("settle_failed", { feature, userId, requestId, message: (error as Error)?.message }));
        return chargePending(claimId !== null);
      }
      const { charged, remaining } = settled;
      const headers = { "x-tokens-remaining": String(tokens(remaining)) };
      if (result instanceof Response) {
        // A response of the handler's own (an image, a file): kept whole when it must be replayed.
        const bytes = claimId ? new Uint8Array(await result.arrayBuffer()) : null;
        const response = new Response(bytes ?? result.body, result);
        response.headers.set("x-tokens-remaining", headers["x-tokens-remaining"]);
        if (bytes) await remember(result.status, result.headers.get("content-type") ?? "application/octet-stream", bytes);
        return response;
      }
      const payload = { ...(isPlainObject(result) ? result : { result }), tokens: { charged: tokens(charged), remaining: tokens(remaining) } };
      const response = json(200, payload, headers);
      if (claimId) await remember(200, "application/json; charset=utf-8", await response.clone().text());
      return response;
    };
  };
}

async function parseInput<TInput, U, E extends CostEngine<U>>(request: Request, body: Buffer, options: WithTokensOptions<TInput, U, E>): Promise<TInput> {
  if (options.parse) return options.parse(request, body);
  if (!isJsonContentType(request.headers.get("content-type"))) throw new BadRequestError("Send a JSON body with Content-Type: application/json.");
  let data: unknown;
  try {
    data = JSON.parse(body.toString("utf8"));
  } catch {
    throw new BadRequestError("The request body is not valid JSON.");
  }
  const parsed = options.input!.safeParse(data);
  if (!parsed.success) {
    throw new BadRequestError(
      `Invalid request: ${parsed.error.issues.map((i) => `${i.path.join(".") || "body"} ${i.message}`).join("; ")}.`,
      parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    );
  }
  return parsed.data;
}

interface StreamHooks<U> {
  meter: Meter<U>;
  /** Settles (once); PENDING when the charge has not landed within the wait (it goes on). */
  finish(): Promise<{ charged: bigint; remaining: bigint } | typeof PENDING>;
  /** Settles without anyone waiting (the client is gone); retried until it lands. */
  finishInBackground(): void;
  remember(status: number, contentType: string, body: string | Uint8Array): Promise<void>;
  remainingAtStart: bigint;
  log(event: string, details: Record<string, unknown>): void;
}

/**
 * An SSE response over `source`: each chunk as `data:`, then `event: tokens` with the charge, then
 * `data: [DONE]`. Usage comes from the chunks (the last one, with include_usage). When the client
 * cancels, the provider's stream is read on to its end (drainForUsage), so that the usage the
 * provider bills — hidden reasoning included — arrives and is charged. Only when no usage ever comes
 * (the provider cut the stream, or the drain failed) is the text generated so far counted and
 * charged. Either way the request is settled exactly once.
 */
function meteredStream<C, U>(
  source: AsyncIterable<C> & { controller?: AbortController },
  { reader = chatChunkReader as unknown as ChunkReader<C>, toData = (chunk: C) => chunk, drainTimeoutMs = DRAIN_TIMEOUT_MS }: StreamOptions<C>,
  hooks: StreamHooks<U>,
): Response {
  const iterator = source[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  let text = "";
  let model: string | undefined;
  let usageSeen = false;
  /** Set when the client cancelled: from then on the cancel path alone settles. */
  let cancelled = false;
  const sent: string[] = [];

  /** Records the text generated so far as the call's usage, when the provider reported none. Once. */
  const chargeGenerated = () => {
    if (usageSeen) return;
    usageSeen = true;
    hooks.meter.recordGeneratedText(text, model);
  };

  /** The tail of the stream once it is charged — or, when the charge cannot be recorded in time, an error event saying so. */
  const close = async (controller: ReadableStreamDefaultController<Uint8Array>, tail: (charged: bigint, remaining: bigint) => string) => {
    const settled = await hooks.finish();
    if (settled === PENDING) {
      hooks.log("stream_charge_pending", {});
      const message = "The answer is complete, but its charge could not be recorded yet (the database is unreachable); it will be charged once the database is back.";
      controller.enqueue(encoder.encode(`event: error\ndata: ${JSON.stringify({ error: "unavailable", message })}\n\n`));
      controller.close();
      return null;
    }
    const text = tail(settled.charged, settled.remaining);
    controller.enqueue(encoder.encode(text));
    controller.close();
    return { ...settled, text };
  };
  /** Reads one chunk's model, text and usage (the usage is recorded once, when it arrives). */
  const observe = (chunk: C) => {
    model = reader.model(chunk) ?? model;
    text += reader.text(chunk);
    const usage = reader.usage(chunk);
    if (usage && model && !usageSeen) {
      hooks.meter.recordOpenAIUsage(model, usage);
      usageSeen = true;
    }
  };

  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: IteratorResult<C>;
      try {
        next = await iterator.next();
      } catch (error) {
        if (cancelled) return;
        chargeGenerated();
        const closed = await close(
          controller,
          (charged, remaining) => `event: error\ndata: ${JSON.stringify({ error: "upstream_error", tokens: { charged: tokens(charged), remaining: tokens(remaining) } })}\n\n`,
        );
        hooks.log("stream_failed", { message: (error as Error)?.message, charged: closed?.charged ?? null });
        return;
      }
      if (cancelled) {
        if (!next.done) observe(next.value);
        return;
      }
      if (next.done) {
        chargeGenerated();
        const closed = await close(
          controller,
          (charged, remaining) => `event: tokens\ndata: ${JSON.stringify({ charged: tokens(charged), remaining: tokens(remaining) })}\n\ndata: [DONE]\n\n`,
        );
        if (closed) {
          sent.push(closed.text);
          await hooks.remember(200, "text/event-stream; charset=utf-8", sent.join(""));
        }
        return;
      }
      const chunk = next.value;
      observe(chunk);
      const data = toData(chunk);
      if (data !== null && data !== undefined) {
        const line = `data: ${JSON.stringify(data)}\n\n`;
        sent.push(line);
        controller.enqueue(encoder.encode(line));
      }
    },
    async cancel() {
      // The client went away (pressed Stop). The provider bills what it generated — for a reasoning
      // model the hidden reasoning first — and reports it only in the stream's last chunk. So the
      // stream is read on to its end (bounded by the request's max output tokens, and in time by
      // drainTimeoutMs) and that usage is charged. Why this and not "abort and look the call up":
      // docs/TOKEN_INTEGRATION_GUIDE.md, "A stream the client stops".
      cancelled = true;
      // Read to the end even when the usage already came: the source's own end (a stored chat turn) runs then.
      const drained = await drainForUsage(iterator, observe, () => usageSeen, drainTimeoutMs);
      if (!drained) {
        source.controller?.abort();
        // Not awaited: a stalled stream may never answer; aborting its controller ends a real one.
        void iterator.return?.(undefined)?.catch(() => undefined);
      }
      chargeGenerated();
      hooks.finishInBackground();
      const settled = await hooks.finish();
      hooks.log("stream_cancelled", { charged: settled === PENDING ? null : settled.charged, usageReported: usageSeen });
      if (settled !== PENDING) await hooks.remember(200, "text/event-stream; charset=utf-8", sent.join(""));
    },
  });

  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
      "x-tokens-remaining": String(tokens(hooks.remainingAtStart)),
    },
  });
}

// The wrapper's public types: what an app configures (MeteringConfig), what a route declares
// (WithTokensOptions) and what its handler receives (MeteredContext). Provider-neutral: a provider's
// chunks and usage objects are read by the app's adapters (for OpenAI: lib/ai/openai-usage.ts).
import type { z } from "zod";
import type { Db } from "../../db/client";
import type { HotLedger } from "../ledger";
import type { CostEngine, Meter, TextCounts } from "./meter";
import type { RateLimit } from "./rate-limit";
import type { SettleRetryOptions } from "./settle-retry";

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

/** Reads a provider's stream chunk: its text delta, its usage (usually the last chunk's), its model. */
export interface ChunkReader<C> {
  text(chunk: C): string;
  usage(chunk: C): TextCounts | null | undefined;
  model(chunk: C): string | undefined;
}

export interface MeteredContext<TInput, U> {
  request: Request;
  /** The call's request id (X-Request-Id, echoed on the response): put it on the handler's own log lines. */
  requestId: string;
  userId: string;
  input: TInput;
  meter: Meter<U>;
  estimate: Estimate;
  /** Streams an async iterable of chunks (a provider's stream) to the client as SSE, metered. */
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
  /** How to read text/usage/model from a chunk (default: the configuration's `chunkReader`). */
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
  estimate(
    input: TInput,
    context: { userId: string; pricing: PricingContext; engine: E },
  ): Estimate | Promise<Estimate>;
  /** How long the hold lives before the sweep may release it (default 2 minutes). */
  ttlMs?: number;
  /** Per-user limit for this route (default: the app's), or false for none. */
  rateLimit?: RateLimit | false;
  /** Maximum body size in bytes (default 1 MB; uploads set their own). */
  maxBodyBytes?: number;
}

export interface MeteringConfig<U, E extends CostEngine<U> = CostEngine<U>> {
  db(): Db;
  /** Reserve, settle and release (the app's ledger pipeline). */
  ledger(): HotLedger;
  /** The signed-in user's id for this request, checked (a revoked session is null), or null. */
  currentUserId(request: Request): Promise<string | null>;
  /**
   * The signed-in session's claims for this request — its user and the version its token was issued
   * with (users.session_version) — decoded but not yet checked against the database, or null. When
   * given, the hold checks the version in its own statement, so a call makes two round trips (the
   * hold, the charge) rather than three, and a token revoked anywhere is refused (401) at once,
   * holding nothing. Any answer given before the hold checks the session first: a refusal with
   * `verify` (a fresh read, no cache), a stored answer replayed for an Idempotency-Key with
   * `currentUserId`.
   */
  currentSession?(
    request: Request,
  ): Promise<{ userId: string; sessionVersion: number; verify(): Promise<boolean> } | null>;
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
  /**
   * How `stream()` reads a chunk when the handler gives no `reader` (the app's provider: lib/ai
   * passes OpenAI's chat-completions reader). Without either, `stream()` throws.
   */
  chunkReader?: ChunkReader<never>;
  /**
   * Told once a call's settle has landed, with the balance it left (not awaited, and after the
   * ledger's statement: never in the call's critical section). The app's low-balance mail hangs
   * here, so the ledger core knows nothing of mail.
   */
  onSettled?(event: BalanceEvent): void;
  /** Told when a call was refused 402 insufficient_tokens (not awaited): the "tokens ran out" mail. */
  onRefused?(event: { userId: string }): void;
  /**
   * Told when a call was refused 402 spend_limit_reached — the one place where "the cap refused a
   * call" happens (not awaited; a listener's failure is logged, never the caller's). Fires once per
   * refused call: a listener that tells someone (a mail, an outgoing webhook) keeps its own once-per-
   * period key.
   */
  onSpendLimitReached?(event: SpendLimitEvent): void;
  /** Where the 402 spend_limit_reached sends the user to change their limit (e.g. "/settings/limits"). */
  limitsUrl?: string;
  /** Where the wrapper's events go (see MeteringLog). */
  log?(event: string, details: Record<string, unknown>): void;
}

export interface BalanceEvent {
  userId: string;
  /** Millitokens available after the settle. */
  remaining: bigint;
  /**
   * The spend limit after the settle: the cap (null: none) and millitokens charged this period.
   * Absent when the settle told nothing new (a release, a duplicate).
   */
  spend?: { cap: bigint | null; spent: bigint };
}

/** A call refused by the spend limit (MeteringConfig.onSpendLimitReached). Millitokens. */
export interface SpendLimitEvent {
  userId: string;
  feature: string;
  cap: bigint;
  /** Charged this period. */
  spent: bigint;
  /** Held by calls in flight. */
  held: bigint;
  /** The refused call's worst case. */
  required: bigint;
}

export type Handler<TInput, U> = (ctx: MeteredContext<TInput, U>) => Promise<unknown> | unknown;

/**
 * The wrapper's event log (the configuration's, or silent). Every event of a call carries its
 * `requestId` (the HTTP request's, X-Request-Id) and, once the hold is taken, `callId` (the ledger's).
 */
export type MeteringLog = (event: string, details: Record<string, unknown>) => void;

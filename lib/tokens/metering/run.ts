// Run and settle: the handler runs with a meter, and its outcome becomes the answer.
//
// - A result (a plain object, or any value as `{ result }`) is answered 200 once it is charged, with
//   `tokens: { charged, remaining }` and X-Tokens-Remaining; a Response of the handler's own keeps its
//   status and body (kept whole when it must be replayed). With an Idempotency-Key it is stored.
// - A handler that returns without recording usage, streaming or deferring is a bug, not a free call:
//   500, nothing charged (`meter.waive(reason)` declares a deliberately free answer).
// - A handler that throws is charged what it recorded — what the provider billed — and nothing else,
//   and answered 400 (BadRequestError), 502 `invalid_ai_answer` (UnusableAnswerError), 503 (its own
//   database use met an outage), 502 `upstream_error` (an error with an HTTP status) or 500; its
//   Idempotency-Key is freed.
// - When the charge cannot land in time (./settle.ts) no answer goes out: 503, and with an
//   Idempotency-Key the answer is stored once the charge lands, so a retry receives it, charged once.
// - A stream (./stream.ts) and a deferred settlement (./defer.ts) settle on their own.
import { isDatabaseUnavailable } from "../../db/unavailable";
import { deferredSettlement } from "./defer";
import { BadRequestError, UnusableAnswerError } from "./errors";
import type { Hold } from "./hold";
import type { IdempotencyClaim } from "./idempotency-stage";
import { Meter, type CostEngine } from "./meter";
import { apiError } from "../../http/api-error";
import { jsonResponse } from "../../http/json";
import { chargePending, tokens, unavailable, UNAVAILABLE_RETRY_AFTER_SECONDS } from "./respond";
import { settlement as settlementOf } from "./settle";
import { PENDING, type SettleRetryOptions } from "./settle-retry";
import { meteredStream } from "./stream";
import { ATTR, SPAN, type RequestTrace } from "./trace";
import type {
  ChunkReader,
  DeferredSettlement,
  Handler,
  MeteredContext,
  MeteringConfig,
  MeteringLog,
  StreamOptions,
} from "./types";

export interface RunContext<TInput, U, E extends CostEngine<U>> {
  request: Request;
  /** The HTTP request's id (lib/http/request-id.ts), given to the handler for its own logs. */
  requestId: string;
  feature: string;
  userId: string;
  input: TInput;
  hold: Hold<E>;
  claim: IdempotencyClaim;
  ledger: Parameters<typeof settlementOf>[0]["ledger"];
  retry: SettleRetryOptions;
  chunkReader: ChunkReader<never> | undefined;
  onSettled?: MeteringConfig<U, E>["onSettled"];
  log: MeteringLog;
  /** The request's spans (./trace.ts); the model call and the settle get theirs. */
  trace?: RequestTrace;
}

export async function runAndSettle<TInput, U, E extends CostEngine<U>>(
  handler: Handler<TInput, U>,
  run: RunContext<TInput, U, E>,
): Promise<Response> {
  const { request, feature, userId, input, hold, claim, log } = run;
  // The ledger's id of the call (its key is `call:<id>`), not the HTTP request id (`run.requestId`).
  const { estimate, requestId: callId, held } = hold;
  const meter = new Meter<U>(
    callId,
    hold.engine,
    estimate.inputTokens !== undefined ? { model: estimate.model, inputTokens: estimate.inputTokens } : null,
  );
  const settlement = settlementOf({
    ledger: run.ledger,
    meter,
    held,
    pricingVersion: hold.pricing.version,
    retry: run.retry,
    log,
    feature,
    userId,
    onSettled: run.onSettled,
    trace: run.trace,
  });
  const { finish, finishWithin } = settlement;

  let streamed: Response | null = null;
  let deferred: DeferredSettlement<U> | null = null;
  const controller = new AbortController();
  const ctx: MeteredContext<TInput, U> = {
    request,
    requestId: run.requestId,
    userId,
    input,
    meter,
    estimate,
    signal: controller.signal,
    stream<C>(source: AsyncIterable<C> & { controller?: AbortController }, streamOptions: StreamOptions<C> = {}) {
      // The route's reader, else the app's (its provider's chunks): the wrapper reads no provider's shape itself.
      const reader = streamOptions.reader ?? (run.chunkReader as unknown as ChunkReader<C> | undefined);
      if (!reader)
        throw new Error(
          `withTokens("${feature}"): stream() needs a chunk reader: pass { reader }, or chunkReader in the metering configuration`,
        );
      streamed = meteredStream(
        source,
        { ...streamOptions, reader },
        {
          meter,
          finish: finishWithin,
          finishInBackground: settlement.finishInBackground,
          remember: claim.remember,
          remainingAtStart: held.available,
          log: (event, details) => log(event, { feature, userId, callId, ...details }),
        },
      );
      return streamed;
    },
    defer() {
      deferred ??= deferredSettlement(hold, meter, settlement);
      return deferred;
    },
  };

  let result: unknown;
  try {
    // The handler in the model call's span: the provider's fetch and the handler's queries nest under it.
    result = await (run.trace
      ? run.trace.child(SPAN.modelCall, { [ATTR.feature]: feature, [ATTR.model]: estimate.model }, async () =>
          handler(ctx),
        )
      : handler(ctx));
    if (result !== streamed && !deferred && meter.calls.length === 0 && meter.waived === null) {
      throw new Error(
        `withTokens("${feature}"): the handler returned without recording any usage. Record each model call ` +
          "(meter.record / meter.recordText / stream), or call meter.waive(reason) for a deliberately free answer.",
      );
    }
  } catch (error) {
    controller.abort();
    const settled = await finishWithin();
    await claim.forget();
    if (settled === PENDING) {
      // No answer goes out; what the provider billed (if anything) is charged once the database is back.
      return meter.calls.length === 0
        ? unavailable()
        : apiError(
            "unavailable",
            "The call failed and the database cannot be reached; what the AI provider billed will be charged once it is back. Retry in a few seconds.",
            { headers: { "retry-after": String(UNAVAILABLE_RETRY_AFTER_SECONDS) } },
          );
    }
    return failure(error, settled, { feature, userId, callId, log });
  }

  if (result === streamed && streamed) {
    run.trace?.expectSettle();
    return streamed;
  }

  // Deferred: the hold stays; the response tells what is held, the handle settles later.
  const settled = deferred ? { charged: 0n, remaining: held.available } : await finishWithin();
  if (settled === PENDING) {
    // The answer is withheld until it is charged; with an Idempotency-Key it is stored once the
    // charge lands, so the client's retry receives it (and is not charged again).
    void finish()
      .then(async ({ charged, remaining }) => {
        if (result instanceof Response) {
          await claim.forget();
          return;
        }
        await claim.remember(
          200,
          "application/json; charset=utf-8",
          await jsonResponse(withTokensPayload(result, charged, remaining)).text(),
        );
      })
      .catch((error) => log("settle_failed", { feature, userId, callId, message: (error as Error)?.message }));
    return chargePending(claim.claimed);
  }
  const { charged, remaining } = settled;
  const headers = { "x-tokens-remaining": String(tokens(remaining)) };
  if (result instanceof Response) {
    // A response of the handler's own (an image, a file): kept whole when it must be replayed.
    const bytes = claim.claimed ? new Uint8Array(await result.arrayBuffer()) : null;
    const response = new Response(bytes ?? result.body, result);
    response.headers.set("x-tokens-remaining", headers["x-tokens-remaining"]);
    if (bytes)
      await claim.remember(result.status, result.headers.get("content-type") ?? "application/octet-stream", bytes);
    return response;
  }
  const response = jsonResponse(withTokensPayload(result, charged, remaining), { headers });
  if (claim.claimed) await claim.remember(200, "application/json; charset=utf-8", await response.clone().text());
  return response;
}

/** The answer to a handler that threw, once what it recorded is charged. */
function failure(
  error: unknown,
  { charged, remaining }: { charged: bigint; remaining: bigint },
  { feature, userId, callId, log }: { feature: string; userId: string; callId: string; log: MeteringLog },
): Response {
  const headers = { "x-tokens-remaining": String(tokens(remaining)) };
  const charge = { charged: tokens(charged), remaining: tokens(remaining) };
  if (error instanceof BadRequestError)
    return apiError("invalid_request", error.message, { extra: { tokens: charge }, headers });
  if (error instanceof UnusableAnswerError) {
    log("unusable_answer", { feature, userId, callId, message: error.message, charged });
    return apiError("invalid_ai_answer", error.message, { extra: { tokens: charge }, headers });
  }
  if (isDatabaseUnavailable(error)) {
    // The handler's own reads or writes (a stored conversation …) met the outage.
    log("handler_database_unavailable", { feature, userId, callId, charged });
    return apiError(
      "unavailable",
      "The service cannot reach its database right now; you were charged only for what the AI provider billed. Retry in a few seconds.",
      { extra: { tokens: charge }, headers: { ...headers, "retry-after": String(UNAVAILABLE_RETRY_AFTER_SECONDS) } },
    );
  }
  const status = upstreamStatus(error);
  log("handler_failed", { feature, userId, callId, status, message: (error as Error)?.message });
  return status
    ? apiError("upstream_error", "The AI provider failed to answer; you were charged only for what it billed.", {
        extra: { tokens: charge },
        headers,
      })
    : apiError("internal_error", "Something went wrong; you were charged only for what the AI provider billed.", {
        extra: { tokens: charge },
        headers,
      });
}

/** The handler's result with what it cost: a plain object's own fields, or any other value as `result`. */
function withTokensPayload(result: unknown, charged: bigint, remaining: bigint) {
  return {
    ...(isPlainObject(result) ? result : { result }),
    tokens: { charged: tokens(charged), remaining: tokens(remaining) },
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function upstreamStatus(error: unknown): number | null {
  const status = (error as { status?: unknown })?.status;
  return typeof status === "number" ? status : null;
}

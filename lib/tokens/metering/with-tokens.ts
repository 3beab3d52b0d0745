// `withTokens(feature, handler, options)`: the metering wrapper for App Router route handlers — a
// short orchestrator over its stages, each in its own file with what it guarantees:
//
// 1. admission (./admission.ts): a browser's cross-site request 403, no session 401, the per-user
//    rate limit 429, a body above its limit 413 (counted as it arrives), an invalid input 400;
// 2. idempotency (./idempotency-stage.ts, storage ./idempotency.ts): a retry with the same
//    Idempotency-Key gets the first response and no second charge (409 while it runs, 422 reused);
// 3. hold (./hold.ts): the worst case is estimated and reserved, the user's expired holds swept first
//    — or 402 with what is required and available, holding nothing;
// 4. run and settle (./run.ts, ./settle.ts): the handler runs with a `meter`; the exact cost of the
//    usage it recorded is settled (the hold released when there was none) and the balance told
//    (X-Tokens-Remaining, and `tokens` in JSON). A handler that throws is charged only what the
//    provider billed. A settle that cannot reach the database is retried until it lands; a response
//    waits for it a bounded time, then a JSON call answers 503 without its answer (stored for a replay
//    by its Idempotency-Key once charged);
// 5. streaming (./stream.ts): SSE settled when the stream ends — also when the client disconnects:
//    the provider's stream is then read on to its end (./drain.ts), and the usage it reports (hidden
//    reasoning included) is charged; a charge that cannot land ends it with `event: error`;
// 6. defer (./defer.ts): a call whose usage arrives after the response (a realtime session) keeps its
//    hold, and the returned handle settles it later, with the same guarantees.
//
// A request that meets an unreachable database before any model call answers 503 `unavailable` with
// Retry-After and is charged nothing. Nothing the wrapper does ends in an empty 500. It knows no AI
// provider: the app passes the cost engine and the stream's chunk reader (lib/ai/metered.ts).
//
// Database round trips on the happy path: reserve and settle, one statement each — through the
// ledger pipeline, which sends the calls of concurrent requests together (lib/tokens/ledger/pipeline.ts).
// With the app's `currentSession`, the session's version is checked inside the reserve's statement
// (admission.ts, hold.ts), so it costs no round trip of its own.
import { isDatabaseUnavailable } from "../../db/unavailable";
import { admit } from "./admission";
import { holdWorstCase } from "./hold";
import { claimRequest } from "./idempotency-stage";
import type { CostEngine } from "./meter";
import { RateLimiter } from "./rate-limit";
import { apiError } from "../../http/api-error";
import { requestIdOf, withRequestId } from "../../http/request-id";
import { unavailable } from "./respond";
import { runAndSettle } from "./run";
import { ATTR, RequestTrace, traceHold } from "./trace";
import { DEFAULT_SETTLE_RETRY, type SettleRetryOptions } from "./settle-retry";
import type { Handler, MeteringConfig, MeteringLog, WithTokensOptions } from "./types";

export { BadRequestError, UnusableAnswerError } from "./errors";
export type {
  ChunkReader,
  DeferredSettlement,
  Estimate,
  MeteredContext,
  MeteringConfig,
  PricingContext,
  StreamOptions,
  WithTokensOptions,
} from "./types";

export function createWithTokens<U, E extends CostEngine<U> = CostEngine<U>>(config: MeteringConfig<U, E>) {
  const limiter = new RateLimiter();
  const baseLog: MeteringLog = config.log ?? (() => {});
  const retry: SettleRetryOptions = { ...DEFAULT_SETTLE_RETRY, ...config.settleRetry };

  return function withTokens<TInput>(
    feature: string,
    handler: Handler<TInput, U>,
    options: WithTokensOptions<TInput, U, E>,
  ) {
    if (!options.input && !options.parse)
      throw new Error(`withTokens("${feature}"): give an input schema or a parse function`);

    return async function meteredRoute(request: Request): Promise<Response> {
      // Every answer, refusals included, carries the call's request id, and so does every log line.
      const requestId = requestIdOf(request);
      const log: MeteringLog = (event, details) => baseLog(event, { requestId, ...details });
      // The request's span and its stages' (./trace.ts): no-ops unless the app registered an SDK.
      const trace = new RequestTrace(feature, requestId);
      const answer = (response: Response) => {
        trace.answer(response.status);
        return withRequestId(response, requestId);
      };
      try {
        return answer(await serve(request, requestId, log, trace));
      } catch (error) {
        // Whatever escaped is answered in JSON, never as an empty 500.
        if (isDatabaseUnavailable(error)) {
          log("database_unavailable", { feature, message: (error as Error)?.message });
          return answer(unavailable());
        }
        log("internal_error", { feature, message: (error as Error)?.message });
        return answer(
          apiError("internal_error", "Something went wrong; nothing was charged for a model call that was not made."),
        );
      }
    };

    async function serve(request: Request, requestId: string, log: MeteringLog, trace: RequestTrace) {
      const admission = await admit(request, config, options, limiter);
      if (!admission.admitted) return admission.response;
      const { userId, body, input, sessionVersion, verifySession } = admission;
      trace.set(() => ({ [ATTR.userId]: userId }));
      const db = config.db();
      const ledger = config.ledger();

      const claimed = await claimRequest(request, body, { db, userId, feature, retry, log }, admission.balanceHeader);
      if ("response" in claimed) return claimed.response;
      const { claim } = claimed;

      const held = await traceHold(trace, options, (traced) =>
        holdWorstCase(
          { feature, userId, input, sessionVersion, verifySession },
          { db, ledger, config, options: traced, log },
          claim.forget,
        ),
      );
      if ("response" in held) return held.response;

      return runAndSettle(handler, {
        request,
        requestId,
        feature,
        userId,
        input,
        hold: held.hold,
        claim,
        ledger,
        retry,
        chunkReader: config.chunkReader,
        onSettled: config.onSettled,
        log,
        trace,
      });
    }
  };
}

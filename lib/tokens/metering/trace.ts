// The metering wrapper's OpenTelemetry spans, through @opentelemetry/api only (the app registers an
// SDK or not: instrumentation.ts). One span per metered request, `tollgate.metered_request`, with a
// child per stage: `tollgate.hold`, `tollgate.model_call` (the handler: the provider's fetch and the
// handler's queries nest under it), then `tollgate.settle` — or `tollgate.release` when the call
// recorded no usage. A refused hold ends the request with outcome `refused` (402).
//
// What a span carries: feature, model, the request id (HTTP) and the ledger's call id, the user id
// (`enduser.id`), millitokens held and charged — exact integers (a string beyond 2^53, which no call
// reaches) — and the outcome. Never the input, the prompt, the answer or an e-mail address.
//
// Without a registered SDK the API's tracer is a no-op: every span is the same non-recording span,
// `isRecording()` is false and no attribute is computed — the metering path pays a few function calls.
// For a stream the request span stays open until the stream's settle (the request's real end); a
// deferred call's settle, later, is a child of a span that has ended.
import { context, SpanStatusCode, trace, type Attributes, type Context, type Span } from "@opentelemetry/api";
import type { Estimate } from "./types";

const tracer = trace.getTracer("tollgate.metering");

export type MeteringOutcome = "charged" | "released" | "refused" | "rejected" | "unavailable" | "error";

export const SPAN = {
  request: "tollgate.metered_request",
  hold: "tollgate.hold",
  modelCall: "tollgate.model_call",
  settle: "tollgate.settle",
  release: "tollgate.release",
} as const;

export const ATTR = {
  feature: "tollgate.feature",
  requestId: "tollgate.request_id",
  callId: "tollgate.call_id",
  userId: "enduser.id",
  model: "tollgate.model",
  heldMillitokens: "tollgate.tokens.held_millitokens",
  chargedMillitokens: "tollgate.tokens.charged_millitokens",
  outcome: "tollgate.outcome",
  status: "http.response.status_code",
} as const;

/** A millitoken amount as an exact attribute: a number while it is a safe integer, else its digits. */
export function millitokens(amount: bigint): number | string {
  return amount <= BigInt(Number.MAX_SAFE_INTEGER) && amount >= -BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(amount)
    : amount.toString();
}

/** One metered request's spans. Every method is safe to call twice and costs nothing when not recording. */
export class RequestTrace {
  private readonly span: Span;
  private parent: Context | null = null;
  private outcome: MeteringOutcome | null = null;
  private answered = false;
  private settling = false;
  private ended = false;

  constructor(feature: string, requestId: string) {
    this.span = tracer.startSpan(SPAN.request, {
      attributes: { [ATTR.feature]: feature, [ATTR.requestId]: requestId },
    });
  }

  get recording(): boolean {
    return this.span.isRecording();
  }

  /** Sets attributes on the request span; `attributes` is only called when the span records. */
  set(attributes: () => Attributes): void {
    if (this.span.isRecording()) this.span.setAttributes(attributes());
  }

  /**
   * Runs `fn` in a child span of the request (so what it does — a fetch, a query — nests under it),
   * ended when `fn` settles; a throw is recorded on it and rethrown. `fn` may add attributes.
   */
  child<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
    if (!this.span.isRecording()) return fn(this.span);
    const parent = (this.parent ??= trace.setSpan(context.active(), this.span));
    const span = tracer.startSpan(name, { attributes }, parent);
    return context.with(trace.setSpan(parent, span), async () => {
      try {
        return await fn(span);
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  /** The request will settle after its response (a stream): the span ends with the settle. */
  expectSettle(): void {
    this.settling = true;
  }

  /** The settle (or release) landed with this outcome. */
  settled(outcome: MeteringOutcome, charged: bigint): void {
    if (this.ended) return; // a deferred call's settle, after its response
    this.outcome = outcome;
    this.set(() => ({ [ATTR.chargedMillitokens]: millitokens(charged) }));
    this.settling = false;
    if (this.answered) this.end();
  }

  /** The response is going out: the span ends now, unless a stream's settle is still to come. */
  answer(status: number): void {
    this.answered = true;
    this.set(() => ({ [ATTR.status]: status }));
    this.outcome ??= status === 402 ? "refused" : status === 503 ? "unavailable" : status >= 500 ? "error" : null;
    if (!this.settling) this.end();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    // A request answered before any settle and without a refusal was turned away at the door (4xx).
    if (this.span.isRecording()) this.span.setAttribute(ATTR.outcome, this.outcome ?? "rejected");
    this.span.end();
  }
}

/**
 * Runs the hold (./hold.ts) in its span: the estimate's model and worst case, then what was held and
 * the call's id — or the refusal (402 `refused`, another status `rejected`). The same on the request span.
 */
export async function traceHold<
  O extends { estimate(...args: never[]): Estimate | Promise<Estimate> },
  R extends { hold: { requestId: string; held: { reservation: { amount: bigint } } } } | { response: Response },
>(trace: RequestTrace, options: O, hold: (options: O) => Promise<R>): Promise<R> {
  if (!trace.recording) return hold(options);
  return trace.child(SPAN.hold, {}, async (span) => {
    const traced: O = {
      ...options,
      estimate: async (...args: never[]) => {
        const estimate = await options.estimate(...args);
        span.setAttributes({ [ATTR.model]: estimate.model, [ATTR.heldMillitokens]: millitokens(estimate.worstCase) });
        trace.set(() => ({ [ATTR.model]: estimate.model }));
        return estimate;
      },
    };
    const result = await hold(traced);
    const attributes: Attributes =
      "hold" in result
        ? {
            [ATTR.callId]: result.hold.requestId,
            [ATTR.heldMillitokens]: millitokens(result.hold.held.reservation.amount),
          }
        : { [ATTR.outcome]: result.response.status === 402 ? "refused" : "rejected" };
    span.setAttributes(attributes);
    trace.set(() => attributes);
    return result;
  });
}

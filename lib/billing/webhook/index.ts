// The Stripe webhook, end to end: verify the signature of the raw body → claim the event id in
// `stripe_webhooks_log` → dispatch to the event's handler → close the claim. The work is done
// before the answer (nothing is deferred past the response), so a 200 means it happened and a 500
// means Stripe must retry:
//
//   bad, missing or stale signature   400, logged; nothing written anywhere
//   same event still in flight        409 + Retry-After, nothing done: Stripe retries, so if the
//                                     attempt in flight fails, the retry claims and processes it
//   duplicate (finished)              200, nothing done
//   type not handled                  200, logged as ignored
//   handler succeeded                 200, processed (or ignored, with why)
//   handler threw                     500, failed with the error and the attempt count; the retry claims it again
//
// Stripe reads only the status; a refusal's body still follows the error contract (lib/http/api-error):
// `{ received: false, error: <code>, message }`.
import type Stripe from "stripe";
import { apiErrorBody, type ApiErrorCode } from "../../http/api-error";
import type { BillingContext } from "../context";
import { dispatch, handlerFor } from "./dispatch";
import { claimEvent, finishClaim, recordIgnored, refusedClaimState, STALE_CLAIM_MS, type Claim } from "./log";
import { eventLog, logger, type EventLog } from "../../log";

/** The webhook's refusals and failed events (a failed event is an error: Stripe retries, but a person may have to look). */
export const webhookLog: EventLog = eventLog(logger("stripe-webhook"), { errors: ["event_failed"] });

export { HANDLED_EVENT_TYPES } from "./dispatch";

export interface WebhookResponse {
  status: 200 | 400 | 409 | 500;
  body: { received: boolean; outcome?: string; error?: ApiErrorCode; message?: string };
  /** With 409: the Retry-After header's seconds. */
  retryAfterSeconds?: number;
}

/** Retry-After of a delivery refused because the same event is in flight. */
export const IN_FLIGHT_RETRY_AFTER_SECONDS = 5;

/** A refusal's body: not received, with the contract's code and message. */
export function refused(code: ApiErrorCode, message: string): WebhookResponse["body"] {
  return { received: false, ...apiErrorBody(code, message) };
}

export interface WebhookOptions {
  /** Signature timestamp tolerance in seconds (Stripe's default 300). */
  toleranceSeconds?: number;
  staleClaimMs?: number;
  /** Where refusals and failures are logged (default: the "stripe-webhook" logger). */
  log?: EventLog;
}

export async function handleStripeWebhook(
  ctx: BillingContext,
  rawBody: string,
  signature: string | null,
  { toleranceSeconds = 300, staleClaimMs = STALE_CLAIM_MS, log = webhookLog }: WebhookOptions = {},
): Promise<WebhookResponse> {
  if (!signature) {
    log("refused", { reason: "no Stripe-Signature header" });
    return { status: 400, body: refused("invalid_signature", "Missing Stripe-Signature header.") };
  }
  let event: Stripe.Event;
  try {
    event = ctx.stripe.webhooks.constructEvent(rawBody, signature, ctx.webhookSecret, toleranceSeconds);
  } catch (error) {
    log("refused", { reason: error instanceof Error ? error.message : String(error) });
    return { status: 400, body: refused("invalid_signature", "Invalid signature.") };
  }

  const payload = JSON.parse(rawBody) as unknown;
  if (!handlerFor(event.type)) {
    await recordIgnored(ctx.db, event, payload, `event type ${event.type} is not handled`);
    return { status: 200, body: { received: true, outcome: "ignored" } };
  }

  const claim = await claimEvent(ctx.db, event, payload, { staleAfterMs: staleClaimMs });
  if (!claim) {
    if ((await refusedClaimState(ctx.db, event.id)) === "finished")
      return { status: 200, body: { received: true, outcome: "duplicate" } };
    // Never 200 while another delivery holds the claim: that attempt may still fail, and Stripe
    // would not send the event again.
    return {
      status: 409,
      retryAfterSeconds: IN_FLIGHT_RETRY_AFTER_SECONDS,
      body: refused("request_in_progress", "This event is being processed; retry later."),
    };
  }
  return runClaimed(ctx, event, claim, log);
}

/**
 * Runs a claimed event's handler and closes its claim: processed, ignored (with why) or failed (with
 * the error). Shared by the webhook and the admin replay (./replay.ts), so both record an attempt the
 * same way.
 */
export async function runClaimed(
  ctx: BillingContext,
  event: Stripe.Event,
  claim: Claim,
  log: EventLog,
): Promise<WebhookResponse> {
  try {
    const outcome = await dispatch(ctx, event);
    if (outcome && "ignored" in outcome) {
      await finishClaim(ctx.db, claim, { status: "ignored", note: outcome.ignored });
      return { status: 200, body: { received: true, outcome: "ignored" } };
    }
    await finishClaim(ctx.db, claim, { status: "processed" });
    return { status: 200, body: { received: true, outcome: "processed" } };
  } catch (error) {
    // Stripe's errors name their kind in `type` (StripeConnectionError, StripeAPIError, …).
    const kind =
      error instanceof Error ? (((error as { type?: unknown }).type as string | undefined) ?? error.name) : "Error";
    const message = error instanceof Error ? `${kind}: ${error.message}` : String(error);
    log("event_failed", { type: event.type, eventId: event.id, attempt: claim.attempt, message });
    await finishClaim(ctx.db, claim, { status: "failed", note: message.slice(0, 2000) });
    return { status: 500, body: refused("internal_error", "Processing failed; Stripe will retry.") };
  }
}

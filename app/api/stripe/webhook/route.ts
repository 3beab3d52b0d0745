// POST /api/stripe/webhook — Stripe's events. Authenticated by the signature of the raw body (not by
// a session: Stripe is the caller); lib/billing/webhook verifies, claims, dispatches and answers.
import { billingContext } from "@/lib/billing/context";
import { handleStripeWebhook, refused } from "@/lib/billing/webhook";
import { readBodyLimited } from "@/lib/http/body";
import { withErrorContract } from "@/lib/http/error-contract";
import { jsonResponse } from "@/lib/http/json";
import { logger } from "@/lib/log";
import { sendSoon } from "@/lib/mail/deliver";
import { deliverWebhooksSoon } from "@/lib/webhooks/deliver-soon";

const log = logger("stripe-webhook");

export const dynamic = "force-dynamic";

/**
 * The largest event body taken. Stripe documents no maximum; an event carries one object whose
 * lists hold their first page only (invoice lines, subscription items: ≤ 10 by default), a few KB
 * to tens of KB. 1 MB leaves ample room, and Stripe retries a delivery we refuse.
 */
const STRIPE_EVENT_MAX_BYTES = 1_000_000;

export const POST = withErrorContract("POST /api/stripe/webhook", async (request: Request): Promise<Response> => {
  // The raw body, exactly as sent: the signature covers these bytes, so it must not be re-serialised.
  // Read within STRIPE_EVENT_MAX_BYTES as it arrives: the caller is not authenticated until the
  // signature is checked, so an unbounded read would let anyone fill the server's memory.
  const read = await readBodyLimited(request, STRIPE_EVENT_MAX_BYTES);
  if (!read.ok) return read.response;
  const rawBody = read.body.toString("utf8");
  let ctx;
  try {
    ctx = billingContext();
  } catch (error) {
    log.error({ event: "billing_not_configured", err: error });
    return jsonResponse(refused("internal_error", "Billing is not configured."), { status: 500 });
  }
  const result = await handleStripeWebhook(ctx, rawBody, request.headers.get("stripe-signature"));
  // A processed event may have queued a billing mail or emitted an outgoing webhook (period.started)
  // in its transaction: send them after the answer (the crons send them otherwise).
  if (result.body.outcome === "processed") {
    sendSoon();
    deliverWebhooksSoon();
  }
  const headers = result.retryAfterSeconds ? { "retry-after": String(result.retryAfterSeconds) } : undefined;
  return jsonResponse(result.body, { status: result.status, headers });
});

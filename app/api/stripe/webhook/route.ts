// POST /api/stripe/webhook — Stripe's events. Authenticated by the signature of the raw body (not by
// a session: Stripe is the caller); lib/billing/webhook verifies, claims, dispatches and answers.
import { NextResponse } from "next/server";
import { billingContext } from "@/lib/billing/context";
import { handleStripeWebhook } from "@/lib/billing/webhook";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  // The raw body, exactly as sent: the signature covers these bytes, so it must not be re-serialised.
  const rawBody = await request.text();
  let ctx;
  try {
    ctx = billingContext();
  } catch (error) {
    console.error(`[stripe webhook] billing is not configured: ${error instanceof Error ? error.message : error}`);
    return NextResponse.json({ received: false, error: "Billing is not configured." }, { status: 500 });
  }
  const result = await handleStripeWebhook(ctx, rawBody, request.headers.get("stripe-signature"));
  const headers = result.retryAfterSeconds ? { "Retry-After": String(result.retryAfterSeconds) } : undefined;
  return NextResponse.json(result.body, { status: result.status, headers });
}

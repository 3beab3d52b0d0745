// The hosted 3-D Secure page of a `requires_action` PaymentIntent (its `next_action` URL):
//   GET  /authenticate/:pi   "Complete authentication" / "Fail authentication"
//   POST /authenticate/:pi   field `result` (succeeded | failed) → the intent is charged or fails;
//                            303 to the `redirect_to_url.return_url` when there is one
import type { StripeEngine } from "./engine";
import { StripeError } from "./errors";
import type { FormObject } from "./form";
import { escapeHtml, layout, notFound, type PageResult } from "./pages";
import type { PaymentIntent } from "./types";

export function renderAuthenticate(engine: StripeEngine, id: string, message?: string): PageResult {
  const intent = engine.store.get<PaymentIntent>("payment_intent", id);
  if (!intent) return notFound("This payment does not exist.");
  if (intent.status !== "requires_action") {
    return {
      status: 200,
      html: layout(
        "Authentication",
        `<main><h1>Authentication</h1><p role="status">${escapeHtml(message ?? `This payment is ${intent.status}.`)}</p></main>`,
      ),
    };
  }
  const amount = `${(intent.amount / 100).toFixed(2)} ${intent.currency.toUpperCase()}`;
  return {
    status: 200,
    html: layout(
      "3-D Secure authentication — Stripe simulator",
      `<main><h1>Authenticate your payment</h1>
<p>Your bank asks you to confirm the payment of <strong>${escapeHtml(amount)}</strong> (test mode).</p>
<form method="post" action="/authenticate/${escapeHtml(intent.id)}">
<button type="submit" class="primary" name="result" value="succeeded">Complete authentication</button>
<button type="submit" name="result" value="failed">Fail authentication</button>
</form></main>`,
    ),
  };
}

export function submitAuthenticate(engine: StripeEngine, id: string, form: FormObject): PageResult {
  const intent = engine.store.get<PaymentIntent>("payment_intent", id);
  if (!intent) return notFound("This payment does not exist.");
  const returnUrl = (intent.next_action as { redirect_to_url?: { return_url: string | null } } | null)?.redirect_to_url
    ?.return_url;
  const result = form.result === "failed" ? "failed" : "succeeded";
  try {
    engine.paymentIntents.authenticate(id, result);
  } catch (error) {
    if (error instanceof StripeError) return { ...renderAuthenticate(engine, id, error.message), status: error.status };
    throw error;
  }
  if (returnUrl) {
    const target = new URL(returnUrl);
    target.searchParams.set("payment_intent", id);
    return { status: 303, location: target.toString() };
  }
  return renderAuthenticate(engine, id, result === "succeeded" ? "Payment authenticated." : "Authentication failed.");
}

// Stripe's error shape `{ error: { type, code, message, param, … } }` with the statuses Stripe uses:
// 400 invalid_request_error (bad or missing params, also "No such price" for a param that names a
// missing object), 404 resource_missing (the URL names a missing object), 401 (bad API key),
// 400 idempotency_error (same key, different params).

export interface StripeErrorBody {
  error: {
    type: string;
    message: string;
    code?: string;
    param?: string;
    decline_code?: string;
    doc_url?: string;
    request_log_url?: string;
    /** A card error's PaymentIntent, PaymentMethod and Charge, as Stripe returns them (payment-intents.ts). */
    [detail: string]: unknown;
  };
}

export class StripeError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly code?: string,
    readonly param?: string,
    readonly declineCode?: string,
    /** More fields of the error object: a card error's `payment_intent`, `payment_method`, `charge`. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  body(): StripeErrorBody {
    const error: StripeErrorBody["error"] = { type: this.type, message: this.message };
    if (this.code) {
      error.code = this.code;
      error.doc_url = `https://stripe.com/docs/error-codes/${this.code.replace(/_/g, "-")}`;
    }
    if (this.param) error.param = this.param;
    if (this.declineCode) error.decline_code = this.declineCode;
    if (this.details) Object.assign(error, this.details);
    return { error };
  }
}

export function invalidRequest(message: string, param?: string, code?: string): StripeError {
  return new StripeError(400, "invalid_request_error", message, code, param);
}

export function missingParam(param: string): StripeError {
  return invalidRequest(`Missing required param: ${param}.`, param, "parameter_missing");
}

export function unknownParam(param: string): StripeError {
  return invalidRequest(`Received unknown parameter: ${param}`, param, "parameter_unknown");
}

/** "No such price: 'price_x'" — 404 when the object is the URL's subject, 400 when a param names it. */
export function noSuch(kind: string, id: string, param?: string): StripeError {
  return new StripeError(
    param ? 400 : 404,
    "invalid_request_error",
    `No such ${kind}: '${id}'`,
    "resource_missing",
    param ?? "id",
  );
}

export function unauthorized(message: string): StripeError {
  return new StripeError(401, "invalid_request_error", message);
}

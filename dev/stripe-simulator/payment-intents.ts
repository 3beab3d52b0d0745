// PaymentIntents made through the API (`POST /v1/payment_intents`, `/confirm`, `/cancel`): card
// payments with a PaymentMethod, on or off session, as Stripe's docs describe them
// (docs.stripe.com/payments/save-and-reuse, "Charge the saved payment method later"):
// - the card succeeds → `succeeded`, a Charge (`latest_charge`, `receipt_url`); events
//   `payment_intent.succeeded`, `charge.succeeded`;
// - the card is declined → HTTP 402 `card_error` `card_declined` whose `error.payment_intent` is the
//   intent, now `requires_payment_method` with `last_payment_error`; a failed Charge; events
//   `charge.failed`, `payment_intent.payment_failed`;
// - the card needs 3-D Secure → off session (or with `error_on_requires_action`): 402
//   `authentication_required`, the intent `requires_payment_method`, the same events; on session:
//   `requires_action` with `next_action` (`use_stripe_sdk`, or `redirect_to_url` with a
//   `return_url`), event `payment_intent.requires_action` — `authenticate` (the hosted 3-D Secure
//   page, or a test) then completes or fails it.
// Every intent made here first emits `payment_intent.created`; `cancel` emits
// `payment_intent.canceled`. The Idempotency-Key of a create is honoured by the HTTP layer
// (server.ts), a 402 included, so a retried request gets the same intent.
import { invalidRequest, missingParam, StripeError } from "./errors";
import { paymentIntentDefaults } from "./defaults";
import { applyMetadata, bool, int, obj, oneOf, requiredStr, str, strList, type Params } from "./params";
import type { PaymentMethod, PaymentMethods } from "./payment-methods";
import { newCharge, settlePayment } from "./payments";
import { clone, newId, nowSeconds, type JsonObject, type Store, type StripeObject } from "./store";
import type { Charge, Customer, PaymentIntent } from "./types";

interface Deps {
  store: Store;
  methods: PaymentMethods;
  flow<T>(fn: () => T): T;
  emit(type: string, object: StripeObject, before?: StripeObject): void;
  customer(id: string, param?: string): Customer;
  publicUrl(): string;
}

interface Confirmation {
  offSession: boolean;
  errorOnRequiresAction: boolean;
  returnUrl: string | null;
}

const CANCELABLE = [
  "requires_payment_method",
  "requires_capture",
  "requires_confirmation",
  "requires_action",
  "processing",
];
const CONFIRMABLE = ["requires_payment_method", "requires_confirmation", "requires_action"];

/** `off_session`: a boolean, or `one_off` / `recurring` (both mean true). */
function offSessionOf(params: Params): boolean | undefined {
  const value = str(params, "off_session");
  if (value === undefined || value === "") return undefined;
  if (value === "true" || value === "one_off" || value === "recurring") return true;
  if (value === "false") return false;
  throw invalidRequest(`Invalid off_session: must be a boolean, one_off or recurring`, "off_session");
}

function unexpectedState(message: string): StripeError {
  return new StripeError(400, "invalid_request_error", message, "payment_intent_unexpected_state");
}

export class PaymentIntents {
  constructor(private readonly deps: Deps) {}

  get(id: string): PaymentIntent {
    const intent = this.deps.store.get<PaymentIntent>("payment_intent", id);
    if (!intent)
      throw new StripeError(404, "invalid_request_error", `No such payment_intent: '${id}'`, "resource_missing", "id");
    return intent;
  }

  create(params: Params): PaymentIntent {
    const amount = int(params, "amount");
    if (amount === undefined) throw missingParam("amount");
    const currency = requiredStr(params, "currency").toLowerCase();
    if (!/^[a-z]{3}$/.test(currency)) throw invalidRequest(`Invalid currency: ${currency}.`, "currency");
    if (amount < 50) {
      throw invalidRequest(`Amount must be at least 50 cents (0.50 ${currency}).`, "amount", "amount_too_small");
    }
    const customerId = str(params, "customer") || null;
    const customer = customerId ? this.deps.customer(customerId, "customer") : null;
    const pmId = str(params, "payment_method") || null;
    const confirm = bool(params, "confirm") ?? false;
    const offSession = offSessionOf(params);
    if (offSession !== undefined && !confirm) {
      throw invalidRequest("off_session can only be set when confirm is true.", "off_session");
    }
    // `allowed_payment_method_types`: this API version's name for payment_method_types.
    const types = strList(params, "allowed_payment_method_types");
    const automatic = obj(params, "automatic_payment_methods");
    if (types && automatic) {
      throw invalidRequest(
        "You may only specify one of these parameters: automatic_payment_methods, allowed_payment_method_types.",
        "automatic_payment_methods",
      );
    }
    if (types && types.some((t) => t !== "card")) {
      throw invalidRequest(
        "The simulator supports card payments only (allowed_payment_method_types[]=card).",
        "allowed_payment_method_types",
      );
    }
    const capture = oneOf(params, "capture_method", ["automatic", "automatic_async", "manual"] as const);
    if (capture === "manual") throw invalidRequest("The simulator supports automatic capture only.", "capture_method");
    const setupFutureUsage = oneOf(params, "setup_future_usage", ["on_session", "off_session"] as const) ?? null;
    const returnUrl = str(params, "return_url") || null;
    if (returnUrl && !confirm) throw invalidRequest("return_url can only be set when confirm is true.", "return_url");
    const metadata = applyMetadata({}, params);
    const pm = pmId ? this.deps.methods.resolve(pmId, "payment_method") : null;
    if (pm) this.checkOwner(pm, customer);
    const allowRedirects = automatic ? (str(automatic, "allow_redirects") ?? "always") : "always";
    if (confirm && !offSession && !types && allowRedirects !== "never" && !returnUrl) {
      throw invalidRequest(
        "This PaymentIntent is configured to accept payment methods enabled in your Dashboard. Because some of these payment methods might redirect your customer off of your page, you must provide a `return_url`. If you don't want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.",
        "return_url",
      );
    }
    if (confirm && !pm) {
      throw unexpectedState(
        "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method or ConfirmationToken.",
      );
    }
    const id = newId("pi");
    const intent: PaymentIntent = {
      id,
      object: "payment_intent",
      amount,
      amount_received: 0,
      client_secret: `${id}_secret_${newId("s").slice(2)}`,
      created: nowSeconds(),
      currency,
      customer: customer?.id ?? null,
      description: str(params, "description") || null,
      last_payment_error: null,
      latest_charge: null,
      metadata,
      payment_method: pm?.id ?? null,
      payment_method_types: types ?? ["card"],
      status: pm ? "requires_confirmation" : "requires_payment_method",
      ...paymentIntentDefaults(),
      allowed_payment_method_types: types ?? null,
      automatic_payment_methods: types ? null : { allow_redirects: allowRedirects, enabled: true },
      capture_method: capture ?? "automatic_async",
      receipt_email: str(params, "receipt_email") || null,
      setup_future_usage: setupFutureUsage,
      statement_descriptor_suffix: str(params, "statement_descriptor_suffix") || null,
    };
    return this.deps.flow(() => {
      this.deps.store.put("payment_intent", intent);
      this.deps.emit("payment_intent.created", intent);
      if (confirm) {
        this.attempt(intent, pm!, {
          offSession: offSession ?? false,
          errorOnRequiresAction: bool(params, "error_on_requires_action") ?? false,
          returnUrl,
        });
      }
      return intent;
    });
  }

  /** `POST /v1/payment_intents/:id/confirm`, with the intent's or a new `payment_method`. */
  confirm(id: string, params: Params): PaymentIntent {
    const intent = this.get(id);
    if (!CONFIRMABLE.includes(intent.status)) {
      throw unexpectedState(
        `This PaymentIntent's payment_method could not be updated because it has a status of ${intent.status}. You may only update the payment_method of a PaymentIntent with one of the following statuses: ${CONFIRMABLE.join(", ")}.`,
      );
    }
    const pmId = str(params, "payment_method") || (intent.payment_method as string | null);
    if (!pmId) {
      throw unexpectedState(
        "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method or ConfirmationToken.",
      );
    }
    const pm = this.deps.methods.resolve(pmId, "payment_method");
    const customer = intent.customer ? this.deps.customer(intent.customer) : null;
    this.checkOwner(pm, customer);
    const setup = oneOf(params, "setup_future_usage", ["on_session", "off_session"] as const);
    return this.deps.flow(() => {
      if (setup) intent.setup_future_usage = setup;
      this.attempt(intent, pm, {
        offSession: offSessionOf(params) ?? false,
        errorOnRequiresAction: bool(params, "error_on_requires_action") ?? false,
        returnUrl: str(params, "return_url") || null,
      });
      return intent;
    });
  }

  /** `POST /v1/payment_intents/:id/cancel` (event `payment_intent.canceled`). */
  cancel(id: string, params: Params): PaymentIntent {
    const intent = this.get(id);
    const reason = oneOf(params, "cancellation_reason", [
      "abandoned",
      "duplicate",
      "fraudulent",
      "requested_by_customer",
    ] as const);
    if (!CANCELABLE.includes(intent.status)) {
      throw unexpectedState(
        `You cannot cancel this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(", ")}.`,
      );
    }
    return this.deps.flow(() => {
      const before = clone(intent);
      intent.status = "canceled";
      intent.canceled_at = nowSeconds();
      intent.cancellation_reason = reason ?? null;
      intent.next_action = null;
      this.deps.emit("payment_intent.canceled", intent, before);
      return intent;
    });
  }

  /**
   * The customer finishes (or fails) the 3-D Secure step of a `requires_action` intent: the hosted
   * authentication page's buttons, and tests. Success charges the card; failure leaves the intent
   * `requires_payment_method` with `payment_intent_authentication_failure`.
   */
  authenticate(id: string, result: "succeeded" | "failed"): PaymentIntent {
    const intent = this.get(id);
    if (intent.status !== "requires_action") {
      throw unexpectedState(`This PaymentIntent has a status of ${intent.status}; it does not require authentication.`);
    }
    const pm = this.deps.methods.resolve(intent.payment_method as string);
    return this.deps.flow(() => {
      intent.next_action = null;
      if (result === "succeeded") {
        this.charge(intent, pm, "succeeded");
        return intent;
      }
      intent.status = "requires_payment_method";
      intent.last_payment_error = {
        code: "payment_intent_authentication_failure",
        doc_url: "https://stripe.com/docs/error-codes/payment-intent-authentication-failure",
        message:
          "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.",
        payment_method: clone(pm),
        type: "invalid_request_error",
      };
      this.deps.emit("payment_intent.payment_failed", intent);
      return intent;
    });
  }

  /** A card attached to a customer pays only for that customer; a detached one never again. */
  private checkOwner(pm: PaymentMethod, customer: Customer | null): void {
    if (this.deps.methods.wasDetached(pm.id)) {
      throw invalidRequest(
        "The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first.",
        "payment_method",
      );
    }
    if (pm.customer && pm.customer !== customer?.id) {
      throw invalidRequest(
        `The provided PaymentMethod belongs to customer ${pm.customer}; pass that customer to use it.`,
        "payment_method",
      );
    }
  }

  /** One confirmation attempt with `pm`: succeeds, fails (402, thrown after its events), or needs action. */
  private attempt(intent: PaymentIntent, pm: PaymentMethod, how: Confirmation): void {
    intent.payment_method = pm.id;
    intent.last_payment_error = null;
    const behavior = this.deps.methods.behaviorOf(pm.id);
    if (behavior === "authentication_required" && !how.offSession && !how.errorOnRequiresAction) {
      const url = `${this.deps.publicUrl()}/authenticate/${intent.id}`;
      intent.status = "requires_action";
      intent.next_action = how.returnUrl
        ? { type: "redirect_to_url", redirect_to_url: { return_url: how.returnUrl, url } }
        : {
            type: "use_stripe_sdk",
            use_stripe_sdk: { type: "three_d_secure_redirect", stripe_js: url, source: newId("src") },
          };
      this.deps.emit("payment_intent.requires_action", intent);
      return;
    }
    const outcome = behavior === "succeeds" ? "succeeded" : behavior;
    const charge = this.charge(intent, pm, outcome);
    if (outcome === "succeeded") return;
    const error = intent.last_payment_error as unknown as JsonObject;
    throw new StripeError(
      402,
      "card_error",
      error.message as string,
      error.code as string,
      undefined,
      error.decline_code as string,
      { charge: charge.id, payment_intent: clone(intent), payment_method: clone(pm) },
    );
  }

  /** Charges the card: a Charge that succeeds or fails, with its events. */
  private charge(
    intent: PaymentIntent,
    pm: PaymentMethod,
    outcome: "succeeded" | "declined" | "authentication_required",
  ): Charge {
    const card = pm.card;
    const charge = newCharge({
      publicUrl: this.deps.publicUrl(),
      intent: intent.id,
      paymentMethod: pm.id,
      details: {
        type: "card",
        card: {
          brand: card.brand,
          country: card.country ?? null,
          exp_month: card.exp_month,
          exp_year: card.exp_year,
          funding: card.funding ?? "credit",
          last4: card.last4,
          network: card.brand,
        },
      },
      amount: intent.amount,
      currency: intent.currency,
      customer: intent.customer,
      metadata: intent.metadata,
      description: (intent.description as string | null) ?? null,
    });
    this.deps.store.put("charge", charge);
    intent.latest_charge = charge.id;
    settlePayment(intent, charge, outcome === "succeeded" ? "succeeded" : "failed");
    if (outcome === "succeeded") {
      // setup_future_usage: a successful payment saves the card on the customer (Stripe attaches it).
      if (intent.setup_future_usage && intent.customer && !pm.customer) {
        pm.customer = intent.customer;
        this.deps.emit("payment_method.attached", pm);
      }
      this.deps.emit("payment_intent.succeeded", intent);
      this.deps.emit("charge.succeeded", charge);
      return charge;
    }
    const error = intent.last_payment_error as unknown as JsonObject;
    error.payment_method = clone(pm);
    if (outcome === "authentication_required") {
      const message = "Your card was declined. This transaction requires authentication.";
      Object.assign(error, {
        code: "authentication_required",
        decline_code: "authentication_required",
        doc_url: "https://stripe.com/docs/error-codes/authentication-required",
        message,
      });
      charge.failure_code = "authentication_required";
      charge.failure_message = message;
      charge.outcome = { ...(charge.outcome as unknown as JsonObject), reason: "authentication_required" };
    }
    this.deps.emit("charge.failed", charge);
    this.deps.emit("payment_intent.payment_failed", intent);
    return charge;
  }
}

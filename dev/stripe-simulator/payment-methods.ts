// Saved payment methods (cards only), as Stripe's test mode has them:
// - Stripe's test PaymentMethod ids (`pm_card_visa`, `pm_card_chargeDeclined`,
//   `pm_card_authenticationRequired`, …) name a test card; using one (attach, a PaymentIntent's
//   `payment_method`) makes a new `pm_…` object from it, as in test mode.
// - Each card keeps its test behaviour (docs.stripe.com/testing): 4242 4242 4242 4242 succeeds,
//   4000 0000 0000 0002 is declined (`card_declined`, `generic_decline`), 4000 0027 6000 3184 needs
//   3-D Secure on every payment, off-session ones included (`authentication_required`).
// - attach / detach emit `payment_method.attached` / `payment_method.detached`; a customer's
//   `invoice_settings.default_payment_method` must be one of its own cards, and is cleared when
//   that card is detached.
import { invalidRequest, noSuch, StripeError } from "./errors";
import { newId, nowSeconds, type JsonObject, type Store, type StripeObject } from "./store";
import type { Customer } from "./types";

export type CardBehavior = "succeeds" | "declined" | "authentication_required";

interface TestCard {
  brand: string;
  last4: string;
  country: string;
  funding: string;
  behavior: CardBehavior;
}

/** Test card numbers (docs.stripe.com/testing) by number. */
export const TEST_CARDS: Record<string, TestCard> = {
  "4242424242424242": { brand: "visa", last4: "4242", country: "US", funding: "credit", behavior: "succeeds" },
  "5555555555554444": { brand: "mastercard", last4: "4444", country: "US", funding: "credit", behavior: "succeeds" },
  "4000000000000002": { brand: "visa", last4: "0002", country: "US", funding: "credit", behavior: "declined" },
  "4000002760003184": {
    brand: "visa",
    last4: "3184",
    country: "DE",
    funding: "credit",
    behavior: "authentication_required",
  },
};

/** Stripe's test PaymentMethod ids → the card they stand for. */
export const TEST_PAYMENT_METHODS: Record<string, string> = {
  pm_card_visa: "4242424242424242",
  pm_card_mastercard: "5555555555554444",
  pm_card_chargeDeclined: "4000000000000002",
  pm_card_visa_chargeDeclined: "4000000000000002",
  pm_card_authenticationRequired: "4000002760003184",
};

export interface PaymentMethod extends StripeObject {
  object: "payment_method";
  customer: string | null;
  type: "card";
  card: { brand: string; last4: string; exp_month: number; exp_year: number } & JsonObject;
}

export interface BillingDetails {
  name?: string | null;
  email?: string | null;
  address?: JsonObject | null;
}

interface Deps {
  store: Store;
  flow<T>(fn: () => T): T;
  emit(type: string, object: StripeObject, before?: StripeObject): void;
  customer(id: string, param?: string): Customer;
}

export class PaymentMethods {
  private readonly behaviors = new Map<string, CardBehavior>();

  constructor(private readonly deps: Deps) {}

  reset(): void {
    this.behaviors.clear();
  }

  /** How a payment with this card ends (a card the simulator did not make: it succeeds). */
  behaviorOf(id: string): CardBehavior {
    return this.behaviors.get(id) ?? "succeeds";
  }

  /** A new, unattached card PaymentMethod for a test card number (the checkout page's card field). */
  fromCard(number: string, billing: BillingDetails = {}): PaymentMethod {
    const card = TEST_CARDS[number.replace(/\s+/g, "")];
    if (!card) {
      throw new StripeError(402, "card_error", "Your card number is incorrect.", "incorrect_number", "number");
    }
    const pm: PaymentMethod = {
      id: newId("pm"),
      object: "payment_method",
      allow_redisplay: "unspecified",
      billing_details: {
        address: billing.address ?? {
          city: null,
          country: null,
          line1: null,
          line2: null,
          postal_code: null,
          state: null,
        },
        email: billing.email ?? null,
        name: billing.name ?? null,
        phone: null,
        tax_id: null,
      },
      card: {
        brand: card.brand,
        checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
        country: card.country,
        display_brand: card.brand,
        exp_month: 12,
        exp_year: new Date().getUTCFullYear() + 3,
        fingerprint: newId("fp", 16).slice(3),
        funding: card.funding,
        generated_from: null,
        last4: card.last4,
        networks: { available: [card.brand], preferred: null },
        regulated_status: "unregulated",
        three_d_secure_usage: { supported: true },
        wallet: null,
      },
      created: nowSeconds(),
      customer: null,
      customer_account: null,
      livemode: false,
      metadata: {},
      type: "card",
    };
    this.behaviors.set(pm.id, card.behavior);
    return this.deps.store.put("payment_method", pm);
  }

  /**
   * The PaymentMethod a request names: a stored `pm_…`, or a new one made from a test id
   * (`pm_card_visa`, …). Unknown ids are "No such PaymentMethod" (400 when a param names it).
   */
  resolve(id: string, param?: string): PaymentMethod {
    const testCard = TEST_PAYMENT_METHODS[id];
    if (testCard) return this.fromCard(testCard);
    const pm = this.deps.store.get<PaymentMethod>("payment_method", id);
    if (!pm) throw noSuch("PaymentMethod", id, param);
    return pm;
  }

  /** Stored by id (the URL's subject): 404 when missing. A test id is resolved to a new card. */
  get(id: string): PaymentMethod {
    return this.resolve(id);
  }

  /** `POST /v1/payment_methods/:id/attach`: the card becomes the customer's (event `payment_method.attached`). */
  attach(id: string, customerId: string): PaymentMethod {
    const customer = this.deps.customer(customerId, "customer");
    const pm = this.resolve(id);
    if (pm.customer === customer.id) return pm;
    if (pm.customer) {
      throw invalidRequest(
        "The payment method you provided has already been attached to a customer.",
        "payment_method",
      );
    }
    return this.deps.flow(() => {
      pm.customer = customer.id;
      this.deps.emit("payment_method.attached", pm);
      return pm;
    });
  }

  /**
   * `POST /v1/payment_methods/:id/detach` (event `payment_method.detached`). A detached card can
   * not be used again, and stops being its customer's default.
   */
  detach(id: string): PaymentMethod {
    const pm = this.resolve(id);
    if (!pm.customer) {
      throw invalidRequest(
        `The payment method ${pm.id} is not attached to a customer so detachment is impossible.`,
        "payment_method",
      );
    }
    return this.deps.flow(() => {
      const customer = this.deps.store.get<Customer>("customer", pm.customer!);
      const settings = customer?.invoice_settings as JsonObject | undefined;
      if (settings && settings.default_payment_method === pm.id) settings.default_payment_method = null;
      pm.customer = null;
      this.detached.add(pm.id);
      this.deps.emit("payment_method.detached", pm);
      return pm;
    });
  }

  private readonly detached = new Set<string>();

  /** Whether the card was detached from its customer (Stripe refuses to charge it again). */
  wasDetached(id: string): boolean {
    return this.detached.has(id);
  }

  /** The customer's cards, oldest first (lists show them newest first). */
  ofCustomer(customerId: string): PaymentMethod[] {
    return this.deps.store.all<PaymentMethod>("payment_method").filter((pm) => pm.customer === customerId);
  }

  /**
   * Sets `invoice_settings.default_payment_method` (customers.create / update): the card must be
   * attached to that customer (Stripe's message otherwise), "" clears it.
   */
  setDefault(customer: Customer, value: string | undefined): void {
    if (value === undefined) return;
    const settings = customer.invoice_settings as JsonObject;
    if (value === "") {
      settings.default_payment_method = null;
      return;
    }
    const pm = this.deps.store.get<PaymentMethod>("payment_method", value);
    if (!pm || pm.customer !== customer.id) {
      throw invalidRequest(
        `The customer does not have a payment method with the ID ${value}. The payment method must be attached to the customer.`,
        "invoice_settings[default_payment_method]",
      );
    }
    settings.default_payment_method = pm.id;
  }
}

// A payment as Stripe records it: a PaymentIntent and its Charge, built together, then settled
// (succeeded / declined) at once or later for a delayed method.
import { chargeDefaults, paymentIntentDefaults } from "./defaults";
import { newId, nowSeconds, type JsonObject } from "./store";
import type { Charge, Metadata, PaymentIntent } from "./types";

/** A new PaymentIntent + Charge pair; `processing` leaves both pending for a delayed method. */
export function newPayment(input: {
  /** Base URL of the hosted pages (for the receipt URL). */
  publicUrl: string;
  amount: number;
  currency: string;
  customer: string | null;
  metadata: Metadata;
  description: string | null;
  result: "succeeded" | "processing" | "failed";
}): { intent: PaymentIntent; charge: Charge } {
  const now = nowSeconds();
  const intentId = newId("pi");
  const chargeId = newId("ch");
  const paymentMethod = newId("pm");
  const delayed = input.result === "processing";
  const intent: PaymentIntent = {
    id: intentId,
    object: "payment_intent",
    amount: input.amount,
    client_secret: `${intentId}_secret_${newId("s").slice(2)}`,
    created: now,
    currency: input.currency,
    customer: input.customer,
    description: input.description,
    latest_charge: chargeId,
    metadata: { ...input.metadata },
    payment_method: paymentMethod,
    payment_method_types: [delayed ? "us_bank_account" : "card"],
    amount_received: 0,
    last_payment_error: null,
    status: "processing",
    ...paymentIntentDefaults(),
  };
  const charge = newCharge({
    ...input,
    id: chargeId,
    intent: intentId,
    paymentMethod,
    details: delayed
      ? {
          type: "us_bank_account",
          us_bank_account: {
            account_holder_type: "individual",
            account_type: "checking",
            bank_name: "STRIPE TEST BANK",
            last4: "6789",
            routing_number: "110000000",
          },
        }
      : { type: "card", card: { ...CARD_DETAILS, exp_year: new Date().getUTCFullYear() + 3 } },
  });
  if (input.result !== "processing") settlePayment(intent, charge, input.result);
  return { intent, charge };
}

const CARD_DETAILS = { brand: "visa", country: "US", exp_month: 12, funding: "credit", last4: "4242", network: "visa" };

/** A pending Charge of `intent` (settled by settlePayment). */
export function newCharge(input: {
  publicUrl: string;
  id?: string;
  intent: string;
  paymentMethod: string;
  details: JsonObject;
  amount: number;
  currency: string;
  customer: string | null;
  metadata: Metadata;
  description: string | null;
}): Charge {
  const chargeId = input.id ?? newId("ch");
  return {
    id: chargeId,
    object: "charge",
    amount: input.amount,
    created: nowSeconds(),
    currency: input.currency,
    customer: input.customer,
    description: input.description,
    metadata: { ...input.metadata },
    payment_intent: input.intent,
    payment_method: input.paymentMethod,
    payment_method_details: input.details,
    receipt_url: `${input.publicUrl}/receipts/${chargeId}`,
    amount_captured: 0,
    amount_refunded: 0,
    captured: false,
    disputed: false,
    failure_code: null,
    failure_message: null,
    outcome: null,
    paid: false,
    refunded: false,
    status: "pending",
    ...chargeDefaults(),
  };
}

/** Moves a pending payment to its final state: captured and paid, or declined (`card_declined`). */
export function settlePayment(intent: PaymentIntent, charge: Charge, result: "succeeded" | "failed"): void {
  if (result === "succeeded") {
    intent.status = "succeeded";
    intent.amount_received = intent.amount;
    intent.last_payment_error = null;
    charge.status = "succeeded";
    charge.paid = true;
    charge.captured = true;
    charge.amount_captured = charge.amount;
    charge.balance_transaction = newId("txn");
    charge.outcome = {
      network_status: "approved_by_network",
      reason: null,
      risk_level: "normal",
      risk_score: 20,
      seller_message: "Payment complete.",
      type: "authorized",
    };
  } else {
    intent.status = "requires_payment_method";
    intent.last_payment_error = {
      charge: charge.id,
      code: "card_declined",
      decline_code: "generic_decline",
      doc_url: "https://stripe.com/docs/error-codes/card-declined",
      message: "Your card was declined.",
      type: "card_error",
    };
    charge.status = "failed";
    charge.paid = false;
    charge.failure_code = "card_declined";
    charge.failure_message = "Your card was declined.";
    charge.outcome = {
      network_status: "declined_by_network",
      reason: "generic_decline",
      risk_level: "normal",
      risk_score: 20,
      seller_message: "The bank did not return any further details with this decline.",
      type: "issuer_declined",
    };
  }
}

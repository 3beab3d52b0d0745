// The fixed part of each Stripe object's API shape: fields whose initial value never depends on the
// request (nulls, empty lists, fixed settings), kept out of the engine so its builders show only
// what matters. Each call returns fresh objects (callers may mutate them).
import type { JsonObject } from "./store";

/** Product: the fixed part of its API shape. */
export function productDefaults(): JsonObject {
  return {
    default_price: null,
    livemode: false,
    marketing_features: [],
    package_dimensions: null,
    shippable: null,
    tax_code: null,
    tax_details: null,
    type: "service",
  };
}

/** Price: the fixed part of its API shape. */
export function priceDefaults(): JsonObject {
  return {
    billing_scheme: "per_unit",
    custom_unit_amount: null,
    livemode: false,
    tiers_mode: null,
    transform_quantity: null,
  };
}

/** Customer: the fixed part of its API shape. */
export function customerDefaults(): JsonObject {
  return {
    address: null,
    currency: null,
    customer_account: null,
    default_source: null,
    delinquent: false,
    discount: null,
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    next_invoice_sequence: 1,
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
  };
}

/** Checkout session: the fixed part of its API shape. */
export function checkoutSessionDefaults(): JsonObject {
  return {
    adaptive_pricing: null,
    after_expiration: null,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer_account: null,
    discounts: [],
    integration_identifier: null,
    livemode: false,
    locale: null,
    managed_payments: null,
    origin_context: null,
    payment_link: null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ["card"],
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    submit_type: null,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: "hosted",
    wallet_options: null,
  };
}

/** PaymentIntent: the fixed part of its API shape. */
export function paymentIntentDefaults(): JsonObject {
  return {
    amount_capturable: 0,
    amount_details: { tip: {} },
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: "automatic_async",
    confirmation_method: "automatic",
    customer_account: null,
    excluded_payment_method_types: null,
    livemode: false,
    next_action: null,
    on_behalf_of: null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    processing: null,
    receipt_email: null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    transfer_data: null,
    transfer_group: null,
  };
}

/** Charge: the fixed part of its API shape. */
export function chargeDefaults(): JsonObject {
  return {
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: {
      address: { city: null, country: "US", line1: null, line2: null, postal_code: "10001", state: null },
      email: null,
      name: "Simulated Customer",
      phone: null,
      tax_id: null,
    },
    calculated_statement_descriptor: "TOLLGATE",
    failure_balance_transaction: null,
    fraud_details: {},
    livemode: false,
    on_behalf_of: null,
    receipt_email: null,
    receipt_number: null,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    transfer_data: null,
    transfer_group: null,
  };
}

/** Subscription: the fixed part of its API shape. */
export function subscriptionDefaults(): JsonObject {
  return {
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor_config: null,
    billing_thresholds: null,
    collection_method: "charge_automatically",
    customer_account: null,
    days_until_due: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    invoice_settings: { account_tax_ids: null, issuer: { type: "self" } },
    livemode: false,
    managed_payments: null,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: "off" },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    test_clock: null,
    transfer_data: null,
    trial_end: null,
    trial_settings: { end_behavior: { missing_payment_method: "create_invoice" } },
    trial_start: null,
  };
}

/** Invoice: the fixed part of its API shape. */
export function invoiceDefaults(): JsonObject {
  return {
    account_country: "US",
    account_name: "Tollgate (Stripe simulator)",
    account_tax_ids: null,
    amount_overpaid: 0,
    amount_shipping: 0,
    application: null,
    auto_advance: false,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    collection_method: "charge_automatically",
    confirmation_secret: null,
    custom_fields: null,
    customer_account: null,
    customer_address: null,
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: "none",
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    footer: null,
    from_invoice: null,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    livemode: false,
    metadata: {},
    on_behalf_of: null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    statement_descriptor: null,
    test_clock: null,
    total_discount_amounts: [],
    total_pretax_credit_amounts: [],
    total_taxes: [],
  };
}

/** Refund: the fixed part of its API shape. */
export function refundDefaults(): JsonObject {
  return {
    destination_details: {
      card: { reference_status: "pending", reference_type: "acquirer_reference_number", type: "refund" },
      type: "card",
    },
    receipt_number: null,
    source_transfer_reversal: null,
    transfer_reversal: null,
  };
}

/** Dispute: the fixed part of its API shape. */
export function disputeDefaults(): JsonObject {
  return {
    balance_transactions: [],
    enhanced_eligibility_types: [],
    evidence: {
      customer_email_address: null,
      customer_name: null,
      product_description: null,
      uncategorized_text: null,
    },
    intended_submission_method: null,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_method_details: {
      card: { brand: "visa", case_type: "chargeback", network_reason_code: "10.4" },
      type: "card",
    },
  };
}

/** Portal configuration: the fixed part of its API shape. */
export function portalConfigurationDefaults(): JsonObject {
  return {
    application: null,
    business_profile: { headline: null, privacy_policy_url: null, terms_of_service_url: null },
    livemode: false,
    login_page: { enabled: false, url: null },
    name: null,
  };
}

/** Portal session: the fixed part of its API shape. */
export function portalSessionDefaults(): JsonObject {
  return {
    customer_account: null,
    livemode: false,
    locale: null,
    on_behalf_of: null,
  };
}

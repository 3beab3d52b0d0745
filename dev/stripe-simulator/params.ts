// Typed access to parsed request parameters, with Stripe's messages for wrong types, and the
// top-level parameter names each endpoint accepts (taken from the stripe SDK's *Params types), so
// a typo or a not-updatable field (e.g. `unit_amount` on a price update) fails like on Stripe.
import { invalidRequest, missingParam, unknownParam } from "./errors";
import type { FormObject, FormValue } from "./form";

export type Params = FormObject;

const PAGE = ["ending_before", "limit", "starting_after", "expand"];

export const ALLOWED_PARAMS = {
  "products.create": [
    "name",
    "active",
    "default_price_data",
    "description",
    "expand",
    "id",
    "images",
    "marketing_features",
    "metadata",
    "package_dimensions",
    "shippable",
    "statement_descriptor",
    "tax_code",
    "tax_details",
    "type",
    "unit_label",
    "url",
  ],
  "products.update": [
    "active",
    "default_price",
    "description",
    "expand",
    "images",
    "marketing_features",
    "metadata",
    "name",
    "package_dimensions",
    "shippable",
    "statement_descriptor",
    "tax_code",
    "tax_details",
    "unit_label",
    "url",
  ],
  "products.list": [...PAGE, "active", "created", "ids", "shippable", "type", "url"],
  "prices.create": [
    "currency",
    "active",
    "billing_scheme",
    "currency_options",
    "custom_unit_amount",
    "expand",
    "lookup_key",
    "metadata",
    "nickname",
    "product",
    "product_data",
    "recurring",
    "tax_behavior",
    "tiers",
    "tiers_mode",
    "transfer_lookup_key",
    "transform_quantity",
    "unit_amount",
    "unit_amount_decimal",
  ],
  "prices.update": [
    "active",
    "currency_options",
    "expand",
    "lookup_key",
    "metadata",
    "nickname",
    "tax_behavior",
    "transfer_lookup_key",
  ],
  "prices.list": [...PAGE, "active", "created", "currency", "lookup_keys", "product", "recurring", "type"],
  "customers.create": [
    "address",
    "balance",
    "business_name",
    "cash_balance",
    "description",
    "email",
    "expand",
    "individual_name",
    "invoice_prefix",
    "invoice_settings",
    "metadata",
    "name",
    "next_invoice_sequence",
    "payment_method",
    "phone",
    "preferred_locales",
    "shipping",
    "source",
    "tax",
    "tax_exempt",
    "tax_id_data",
    "test_clock",
    "validate",
  ],
  "customers.update": [
    "address",
    "balance",
    "business_name",
    "cash_balance",
    "default_source",
    "description",
    "email",
    "expand",
    "individual_name",
    "invoice_prefix",
    "invoice_settings",
    "metadata",
    "name",
    "next_invoice_sequence",
    "phone",
    "preferred_locales",
    "shipping",
    "source",
    "tax",
    "tax_exempt",
    "validate",
  ],
  "customers.list": [...PAGE, "created", "email", "test_clock"],
  "customers.search": ["query", "expand", "limit", "page"],
  "checkout.sessions.create": [
    "adaptive_pricing",
    "after_expiration",
    "allow_promotion_codes",
    "allowed_payment_method_types",
    "automatic_tax",
    "billing_address_collection",
    "branding_settings",
    "cancel_url",
    "client_reference_id",
    "consent_collection",
    "currency",
    "custom_fields",
    "custom_text",
    "customer",
    "customer_account",
    "customer_creation",
    "customer_email",
    "customer_update",
    "discounts",
    "excluded_payment_method_types",
    "expand",
    "expires_at",
    "integration_identifier",
    "invoice_creation",
    "line_items",
    "locale",
    "managed_payments",
    "metadata",
    "mode",
    "name_collection",
    "optional_items",
    "origin_context",
    "payment_intent_data",
    "payment_method_collection",
    "payment_method_configuration",
    "payment_method_data",
    "payment_method_options",
    "payment_method_types",
    "permissions",
    "phone_number_collection",
    "redirect_on_completion",
    "return_url",
    "saved_payment_method_options",
    "setup_intent_data",
    "shipping_address_collection",
    "shipping_options",
    "submit_type",
    "subscription_data",
    "success_url",
    "tax_id_collection",
    "ui_mode",
    "wallet_options",
  ],
  "checkout.sessions.list": [
    ...PAGE,
    "created",
    "customer",
    "customer_account",
    "customer_details",
    "payment_intent",
    "payment_link",
    "status",
    "subscription",
  ],
  "checkout.sessions.line_items": [...PAGE],
  "checkout.sessions.expire": ["expand"],
  "billing_portal.sessions.create": [
    "after_expiration",
    "configuration",
    "customer",
    "customer_account",
    "expand",
    "flow_data",
    "locale",
    "on_behalf_of",
    "return_url",
  ],
  "billing_portal.configurations.create": [
    "features",
    "business_profile",
    "default_return_url",
    "expand",
    "login_page",
    "metadata",
    "name",
  ],
  "billing_portal.configurations.update": [
    "active",
    "business_profile",
    "default_return_url",
    "expand",
    "features",
    "login_page",
    "metadata",
    "name",
  ],
  "billing_portal.configurations.list": [...PAGE, "active", "is_default"],
  "subscriptions.update": [
    "add_invoice_items",
    "application_fee_percent",
    "automatic_tax",
    "billing_cycle_anchor",
    "billing_schedules",
    "billing_thresholds",
    "cancel_at",
    "cancel_at_period_end",
    "cancellation_details",
    "collection_method",
    "days_until_due",
    "default_payment_method",
    "default_source",
    "default_tax_rates",
    "description",
    "discounts",
    "expand",
    "invoice_settings",
    "items",
    "metadata",
    "off_session",
    "on_behalf_of",
    "pause_collection",
    "payment_behavior",
    "payment_settings",
    "pending_invoice_item_interval",
    "proration_behavior",
    "proration_date",
    "transfer_data",
    "trial_end",
    "trial_from_plan",
    "trial_settings",
  ],
  "subscriptions.list": [
    ...PAGE,
    "automatic_tax",
    "collection_method",
    "created",
    "current_period_end",
    "current_period_start",
    "customer",
    "customer_account",
    "plan",
    "price",
    "status",
    "test_clock",
  ],
  "subscriptions.cancel": ["cancellation_details", "expand", "invoice_now", "prorate"],
  "invoices.list": [
    ...PAGE,
    "collection_method",
    "created",
    "customer",
    "customer_account",
    "due_date",
    "status",
    "subscription",
  ],
  "invoices.pay": ["expand", "forgive", "mandate", "off_session", "paid_out_of_band", "payment_method", "source"],
  "invoice_payments.list": [...PAGE, "created", "invoice", "payment", "status"],
  "charges.list": [...PAGE, "created", "customer", "payment_intent", "transfer_group"],
  "payment_intents.list": [...PAGE, "created", "customer", "customer_account"],
  // PaymentIntents and PaymentMethods (payment-intents.ts, payment-methods.ts): from the SDK's
  // PaymentIntentCreateParams / ConfirmParams / CancelParams, PaymentMethodAttachParams /
  // DetachParams and CustomerListPaymentMethodsParams.
  "payment_intents.create": [
    "amount",
    "currency",
    "allowed_payment_method_types",
    "amount_details",
    "application_fee_amount",
    "automatic_payment_methods",
    "capture_method",
    "confirm",
    "confirmation_method",
    "confirmation_token",
    "customer",
    "customer_account",
    "description",
    "error_on_requires_action",
    "excluded_payment_method_types",
    "expand",
    "hooks",
    "mandate",
    "mandate_data",
    "metadata",
    "off_session",
    "on_behalf_of",
    "payment_details",
    "payment_method",
    "payment_method_configuration",
    "payment_method_data",
    "payment_method_options",
    "radar_options",
    "receipt_email",
    "return_url",
    "setup_future_usage",
    "shipping",
    "statement_descriptor",
    "statement_descriptor_suffix",
    "transfer_data",
    "transfer_group",
    "use_stripe_sdk",
  ],
  "payment_intents.confirm": [
    "allowed_payment_method_types",
    "amount_details",
    "amount_to_confirm",
    "capture_method",
    "confirmation_token",
    "error_on_requires_action",
    "excluded_payment_method_types",
    "expand",
    "hooks",
    "mandate",
    "mandate_data",
    "off_session",
    "payment_details",
    "payment_method",
    "payment_method_data",
    "payment_method_options",
    "radar_options",
    "receipt_email",
    "return_url",
    "setup_future_usage",
    "shipping",
    "use_stripe_sdk",
  ],
  "payment_intents.cancel": ["cancellation_reason", "expand"],
  "payment_methods.attach": ["customer", "customer_account", "expand"],
  "payment_methods.detach": ["expand"],
  "payment_methods.list": [...PAGE, "allow_redisplay", "customer", "customer_account", "type"],
  "customers.list_payment_methods": [...PAGE, "allow_redisplay", "type"],
  "refunds.create": [
    "amount",
    "charge",
    "currency",
    "customer",
    "expand",
    "instructions_email",
    "metadata",
    "origin",
    "payment_intent",
    "reason",
    "refund_application_fee",
    "reverse_transfer",
  ],
  "refunds.list": [...PAGE, "charge", "created", "payment_intent"],
  "disputes.list": [...PAGE, "charge", "created", "payment_intent"],
  "events.list": [...PAGE, "created", "delivery_success", "type", "types"],
  "coupons.create": [
    "amount_off",
    "applies_to",
    "currency",
    "currency_options",
    "duration",
    "duration_in_months",
    "expand",
    "id",
    "max_redemptions",
    "metadata",
    "name",
    "percent_off",
    "redeem_by",
  ],
  "coupons.list": [...PAGE, "created"],
  "promotion_codes.create": [
    "promotion",
    "active",
    "code",
    "customer",
    "customer_account",
    "expand",
    "expires_at",
    "max_redemptions",
    "metadata",
    "restrictions",
  ],
  "promotion_codes.list": [...PAGE, "active", "code", "coupon", "created", "customer", "customer_account"],
  "test_helpers.test_clocks.create": ["frozen_time", "customer", "expand", "name"],
  "test_helpers.test_clocks.advance": ["frozen_time", "expand"],
  "test_helpers.test_clocks.list": [...PAGE],
  "test_helpers.test_clocks.del": [],
  retrieve: ["expand"],
} as const satisfies Record<string, readonly string[]>;

export type Endpoint = keyof typeof ALLOWED_PARAMS;

/** Throws Stripe's "Received unknown parameter" for a top-level name the endpoint does not take. */
export function checkAllowed(endpoint: Endpoint, params: Params): void {
  const allowed: readonly string[] = ALLOWED_PARAMS[endpoint];
  for (const key of Object.keys(params)) {
    if (!allowed.includes(key)) throw unknownParam(key);
  }
}

export function isObject(value: FormValue | undefined): value is FormObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A string param; "" counts as absent unless `keepEmpty`. Throws for a nested value. */
export function str(params: Params, name: string, path = name): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw invalidRequest(`Invalid string: ${path}`, path);
  return value;
}

export function requiredStr(params: Params, name: string, path = name): string {
  const value = str(params, name, path);
  if (value === undefined || value === "") throw missingParam(path);
  return value;
}

export function int(params: Params, name: string, path = name): number | undefined {
  const value = str(params, name, path);
  if (value === undefined || value === "") return undefined;
  if (!/^-?\d+$/.test(value)) throw invalidRequest(`Invalid integer: ${value}`, path);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw invalidRequest(`Invalid integer: ${value}`, path);
  return n;
}

export function bool(params: Params, name: string, path = name): boolean | undefined {
  const value = str(params, name, path);
  if (value === undefined || value === "") return undefined;
  if (value === "true") return true;
  if (value === "false") return false;
  throw invalidRequest(`Invalid boolean: ${value}`, path);
}

export function obj(params: Params, name: string, path = name): Params | undefined {
  const value = params[name];
  if (value === undefined || value === "") return undefined;
  if (!isObject(value)) throw invalidRequest(`Invalid object`, path);
  return value;
}

export function arr(params: Params, name: string, path = name): FormValue[] | undefined {
  const value = params[name];
  if (value === undefined || value === "") return undefined;
  if (Array.isArray(value)) return value;
  // A single `a=x` where a list is expected is accepted as a one-element list.
  if (typeof value === "string") return [value];
  throw invalidRequest(`Invalid array`, path);
}

export function strList(params: Params, name: string): string[] | undefined {
  const list = arr(params, name);
  if (list === undefined) return undefined;
  return list.map((v, i) => {
    if (typeof v !== "string") throw invalidRequest(`Invalid string: ${name}[${i}]`, `${name}[${i}]`);
    return v;
  });
}

export function oneOf<T extends string>(
  params: Params,
  name: string,
  values: readonly T[],
  path = name,
): T | undefined {
  const value = str(params, name, path);
  if (value === undefined || value === "") return undefined;
  if (!(values as readonly string[]).includes(value)) {
    throw invalidRequest(`Invalid ${path}: must be one of ${values.join(", ")}`, path);
  }
  return value as T;
}

export type Metadata = Record<string, string>;

/**
 * Applies `metadata[...]` like Stripe: keys are merged into `current`; an empty value deletes a key;
 * `metadata=` (empty) clears all. Limits: 50 keys, key ≤ 40 chars, value ≤ 500 chars.
 */
export function applyMetadata(current: Metadata, params: Params, name = "metadata"): Metadata {
  const value = params[name];
  if (value === undefined) return current;
  if (value === "") return {};
  if (!isObject(value)) throw invalidRequest("Invalid metadata: must be an object of strings", name);
  const next: Metadata = { ...current };
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== "string") throw invalidRequest(`Invalid string: ${name}[${key}]`, `${name}[${key}]`);
    if (key.length > 40) throw invalidRequest(`Metadata keys must be at most 40 characters long.`, `${name}[${key}]`);
    if (v.length > 500) throw invalidRequest(`Metadata values must be at most 500 characters long.`, `${name}[${key}]`);
    if (v === "") delete next[key];
    else next[key] = v;
  }
  if (Object.keys(next).length > 50) throw invalidRequest("Metadata may have at most 50 keys.", name);
  return next;
}

export function expandList(params: Params): string[] {
  return strList(params, "expand") ?? [];
}

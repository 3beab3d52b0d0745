// Internal typings of the stored Stripe objects: only the fields the simulator reads or writes are
// named; every object keeps the rest of its API shape (see the builders in engine.ts).
import type { JsonObject, StripeObject } from "./store";

export type Metadata = Record<string, string>;

export interface Recurring extends JsonObject {
  interval: "day" | "week" | "month" | "year";
  interval_count: number;
  usage_type: string;
  meter: null;
  trial_period_days: null;
}

export interface Product extends StripeObject {
  object: "product";
  active: boolean;
  name: string;
  metadata: Metadata;
}

export interface Price extends StripeObject {
  object: "price";
  active: boolean;
  currency: string;
  lookup_key: string | null;
  metadata: Metadata;
  nickname: string | null;
  product: string;
  recurring: Recurring | null;
  type: "one_time" | "recurring";
  unit_amount: number;
}

export interface Customer extends StripeObject {
  object: "customer";
  email: string | null;
  name: string | null;
  balance: number;
  metadata: Metadata;
}

export interface SubscriptionItem extends StripeObject {
  object: "subscription_item";
  current_period_start: number;
  current_period_end: number;
  price: Price;
  quantity: number;
  subscription: string;
}

export type SubscriptionStatus =
  "incomplete" | "incomplete_expired" | "trialing" | "active" | "past_due" | "canceled" | "unpaid" | "paused";

export interface Subscription extends StripeObject {
  object: "subscription";
  cancel_at: number | null;
  cancel_at_period_end: boolean;
  canceled_at: number | null;
  currency: string;
  customer: string;
  ended_at: number | null;
  items: { object: "list"; data: SubscriptionItem[]; has_more: false; total_count: number; url: string };
  latest_invoice: string | null;
  metadata: Metadata;
  status: SubscriptionStatus;
}

export interface InvoiceLine extends StripeObject {
  object: "line_item";
  amount: number;
  period: { start: number; end: number };
}

export interface Invoice extends StripeObject {
  object: "invoice";
  amount_due: number;
  amount_paid: number;
  amount_remaining: number;
  attempt_count: number;
  attempted: boolean;
  billing_reason: string;
  currency: string;
  customer: string;
  status: "draft" | "open" | "paid" | "uncollectible" | "void";
  lines: { object: "list"; data: InvoiceLine[]; has_more: false; total_count: number; url: string };
  parent: {
    type: "subscription_details";
    quote_details: null;
    subscription_details: { metadata: Metadata; subscription: string };
  } | null;
  status_transitions: {
    finalized_at: number | null;
    marked_uncollectible_at: number | null;
    paid_at: number | null;
    voided_at: number | null;
  };
  next_payment_attempt: number | null;
  total: number;
}

export interface PaymentIntent extends StripeObject {
  object: "payment_intent";
  amount: number;
  amount_received: number;
  currency: string;
  customer: string | null;
  latest_charge: string | null;
  metadata: Metadata;
  status:
    "requires_payment_method" | "requires_confirmation" | "requires_action" | "processing" | "succeeded" | "canceled";
}

export interface Charge extends StripeObject {
  object: "charge";
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  currency: string;
  customer: string | null;
  disputed: boolean;
  paid: boolean;
  payment_intent: string | null;
  refunded: boolean;
  status: "succeeded" | "pending" | "failed";
  metadata: Metadata;
}

export interface CheckoutLineItem extends StripeObject {
  object: "item";
  amount_subtotal: number;
  amount_total: number;
  currency: string;
  description: string;
  price: Price;
  quantity: number;
}

export interface CheckoutSession extends StripeObject {
  object: "checkout.session";
  cancel_url: string | null;
  client_reference_id: string | null;
  currency: string;
  customer: string | null;
  customer_email: string | null;
  metadata: Metadata;
  mode: "payment" | "subscription";
  payment_intent: string | null;
  payment_status: "paid" | "unpaid" | "no_payment_required";
  status: "open" | "complete" | "expired";
  subscription: string | null;
  success_url: string | null;
  url: string | null;
  amount_total: number;
  expires_at: number;
}

export interface PortalConfiguration extends StripeObject {
  object: "billing_portal.configuration";
  is_default: boolean;
  active: boolean;
  default_return_url: string | null;
  features: JsonObject;
  metadata: Metadata;
}

export interface PortalFlow extends JsonObject {
  type: string;
  after_completion: {
    type: string;
    redirect: { return_url: string } | null;
    hosted_confirmation: { custom_message: string | null } | null;
  };
  subscription_update: { subscription: string } | null;
  subscription_update_confirm: {
    subscription: string;
    items: Array<{ id: string; price: string; quantity: number }>;
    discounts: [];
  } | null;
  subscription_cancel: { subscription: string; retention: null } | null;
}

export interface PortalSession extends StripeObject {
  object: "billing_portal.session";
  configuration: string;
  customer: string;
  flow: PortalFlow | null;
  return_url: string | null;
  url: string;
}

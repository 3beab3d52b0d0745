// Loopback Stripe simulator for development and tests (never production): see README.md.
export { startStripeSimulator } from "./server";
export type { RecordedApiRequest, StripeSimulator, StripeSimulatorOptions } from "./server";
export { CHECKOUT_OUTCOMES, addInterval } from "./engine";
export type { CheckoutOutcome, ProrationBehavior } from "./engine";
export { signPayload, DEFAULT_SWITCHES } from "./webhooks";
export type { Delivery, DeliveryAttempt, WebhookSwitches } from "./webhooks";
export { API_VERSION } from "./store";
export type { EventRecord, StripeObject } from "./store";
export { parseForm } from "./form";

// Where Stripe sends the user back to: the subscription settings page, with what happened.
export const SETTINGS_PATH = "/settings/subscription";

/** Checkout success; Stripe fills in {CHECKOUT_SESSION_ID}, and the page syncs from that session at once. */
export function successUrl(appUrl: string): string {
  return `${appUrl}${SETTINGS_PATH}?checkout=success&session_id={CHECKOUT_SESSION_ID}`;
}

export function cancelUrl(appUrl: string): string {
  return `${appUrl}${SETTINGS_PATH}?checkout=cancelled`;
}

export function portalReturnUrl(appUrl: string): string {
  return `${appUrl}${SETTINGS_PATH}?portal=returned`;
}

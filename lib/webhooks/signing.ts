// Standard Webhooks signing (https://www.standardwebhooks.com), through the standard's own library
// (`standardwebhooks`, by Svix): HMAC-SHA256 over `<msg id>.<unix seconds>.<body>`, keyed with the
// base64-decoded secret, sent as `webhook-signature: v1,<base64>`. Integrators verify with the same
// library in their language (docs/OUTGOING_WEBHOOKS.md).
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";

/** Bytes of a new secret: within the standard's 24–64, Svix's size. */
const SECRET_BYTES = 32;

/** A new signing secret in the standard's format, `whsec_<base64 of 32 random bytes>`. */
export function generateSecret(): string {
  return `whsec_${randomBytes(SECRET_BYTES).toString("base64")}`;
}

/** Whether a string is a secret in that format (what an admin might paste elsewhere). */
export function isSecret(value: string): boolean {
  return /^whsec_[A-Za-z0-9+/]{32,}={0,2}$/.test(value);
}

export interface SignatureHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/**
 * The three headers of one attempt. `secrets`: the endpoint's current secret, then — during the 24 h
 * after a rotation — its previous one: the signature header then carries both signatures,
 * space-separated, as the standard allows, so a receiver holding either secret verifies it.
 */
export function signatureHeaders(msgId: string, body: string, secrets: string[], at: Date): SignatureHeaders {
  if (secrets.length === 0) throw new Error("an endpoint needs a secret to sign with");
  return {
    "webhook-id": msgId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": secrets.map((secret) => new Webhook(secret).sign(msgId, at, body)).join(" "),
  };
}

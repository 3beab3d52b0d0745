// What Tollgate writes on an auto top-up's PaymentIntent (with tollgate_user_id, tollgate_id = the
// pack and tollgate_pricing_version): how the webhook, the refund path and the grant recognise it.

/** `tollgate_kind` of an auto top-up's PaymentIntent (checkout sessions say "pack" / "plan"). */
export const TOPUP_KIND = "auto_topup";
/** The attempt's key, on the PaymentIntent's metadata (how the webhook finds the attempt). */
export const META_ATTEMPT = "tollgate_topup_attempt";
/** The Stripe price charged (what the grant reads the pack from). */
export const META_PRICE = "tollgate_price";

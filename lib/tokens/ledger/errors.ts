// The ledger's errors are values, not exceptions: each operation returns
// `{ ok: true, … } | { ok: false, error }`, so callers must decide what each case means.

export type InsufficientTokens = { type: "InsufficientTokens"; required: bigint; available: bigint };
/**
 * A hold refused by the user's spend limit: `cap` millitokens a period, of which `spent` are charged
 * and `held` held by calls in flight; `required` did not fit in what is left.
 */
export type SpendLimitReached = {
  type: "SpendLimitReached";
  required: bigint;
  cap: bigint;
  spent: bigint;
  held: bigint;
  /** What the balance could have covered (the refusal is the cap's, whatever this is). */
  available: bigint;
};
export type AccountNotFound = { type: "AccountNotFound"; userId: string };
/** A hold asked for with a session version that is no longer the user's (the token was revoked), or for a user who is gone. */
export type SessionRevoked = { type: "SessionRevoked"; userId: string };
export type IdempotencyKeyReused = { type: "IdempotencyKeyReused"; key: string; ownerUserId: string };
export type ReservationNotFound = { type: "ReservationNotFound"; reservationId: string };
export type ReservationClosed = { type: "ReservationClosed"; reservationId: string; status: "released" };
/** A period older than the account's current one: granting it now would undo the newer period. */
export type StalePeriod = { type: "StalePeriod"; periodStart: Date; currentPeriodStart: Date };

export type LedgerError =
  | InsufficientTokens
  | SpendLimitReached
  | AccountNotFound
  | SessionRevoked
  | IdempotencyKeyReused
  | ReservationNotFound
  | ReservationClosed
  | StalePeriod;

export type Result<T, E extends LedgerError = LedgerError> = ({ ok: true } & T) | { ok: false; error: E };

/** Thrown (not returned) when a caller breaks a precondition, such as a negative amount. */
export class LedgerUsageError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "LedgerUsageError";
  }
}

export function requirePositive(name: string, amount: bigint): void {
  if (typeof amount !== "bigint") throw new LedgerUsageError(`${name} must be a bigint of millitokens`);
  if (amount <= 0n) throw new LedgerUsageError(`${name} must be > 0 millitokens, got ${amount}`);
}

export function requireNonNegative(name: string, amount: bigint): void {
  if (typeof amount !== "bigint") throw new LedgerUsageError(`${name} must be a bigint of millitokens`);
  if (amount < 0n) throw new LedgerUsageError(`${name} must be ≥ 0 millitokens, got ${amount}`);
}

export function requireKey(name: string, key: string): void {
  if (typeof key !== "string" || key.length === 0 || key.length > 200) {
    throw new LedgerUsageError(`${name} must be a non-empty string of at most 200 characters`);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function requireUuid(name: string, id: string): void {
  if (typeof id !== "string" || !UUID.test(id))
    throw new LedgerUsageError(`${name} must be a UUID, got ${JSON.stringify(id)}`);
}

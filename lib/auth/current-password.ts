// Re-checking the current password before a sensitive change (a new address, deleting the account).
// A signed-in session is not enough for those: a borrowed or stolen session must not be able to take
// the account away. The check counts against the same per-address throttle as sign-in, so the
// settings forms cannot be used to guess the password faster than the sign-in form.
import type { Db } from "../db/connect";
import { verifyPassword } from "./password";
import { beginAttempt, clearFailures, throttleKey } from "./throttle";

export type PasswordCheck =
  { ok: true } | { ok: false; reason: "wrong_password" | "throttled"; retryAfterSeconds?: number };

/** Checks `password` against the user's hash (the user must have one), counting the attempt first. */
export async function checkCurrentPassword(
  db: Db,
  user: { email: string; passwordHash: string },
  password: string | undefined,
  now: Date,
): Promise<PasswordCheck> {
  const key = throttleKey(user.email);
  const ticket = await beginAttempt(db, key, now);
  if (!ticket.allowed) return { ok: false, reason: "throttled", retryAfterSeconds: ticket.retryAfterSeconds };
  if (!password || !(await verifyPassword(user.passwordHash, password))) return { ok: false, reason: "wrong_password" };
  await clearFailures(db, key);
  return { ok: true };
}

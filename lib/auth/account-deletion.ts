// Deleting an account from settings. The user row is anonymised, not deleted: the ledger
// (token_transactions) is a financial record and keeps every row, still pointing at the same user
// id, so the ledger invariant (balance = Σ ledger rows) holds after the deletion as before.
//
// Guarantees:
//   - Confirmation: the current password when the account has one; an OAuth-only account (no
//     password) confirms by typing its address (the session is already signed in: the typed address
//     guards against a slip, not against a thief — a mailed link would be the stronger choice).
//   - The Stripe subscription, if one is live, is set to cancel at the period's end BEFORE anything
//     changes here; if Stripe refuses, nothing is deleted and the user is told to try again.
//   - One transaction: the address becomes `deleted-<id>@deleted.invalid` (so the old address can
//     sign up again as a new user), name, image, password and verification are cleared, OAuth links
//     and database sessions are deleted, the session version is bumped (every session token is
//     refused from then on), unused account links are voided, and the user's mails that were not
//     sent are canceled (mail_outbox `canceled`; their addresses and data are scrubbed), and auto
//     top-up is turned off (no off-session charge after the deletion).
//   - A deleted user cannot sign in: no password, no OAuth link, and no address of theirs.
import type Stripe from "stripe";
import type { Db } from "../db/connect";
import { checkCurrentPassword } from "./current-password";
import { forgetSessionVersion } from "./session-version";

export const DELETED_EMAIL_DOMAIN = "deleted.invalid";

export function deletedEmailOf(userId: string): string {
  return `deleted-${userId}@${DELETED_EMAIL_DOMAIN}`;
}

/** Subscription statuses Stripe would still renew or bill: those are set to cancel at period end. */
const LIVE_STATUSES = new Set(["trialing", "active", "past_due", "unpaid", "paused", "incomplete"]);

export type DeletionResult =
  | { ok: true }
  | {
      ok: false;
      reason: "wrong_password" | "wrong_confirmation" | "no_user" | "billing_unavailable" | "stripe_refused";
    }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

export interface DeletionInput {
  userId: string;
  /** Required when the account has a password. */
  password?: string;
  /** The account's address, typed (normalised) — the confirmation of an account without a password. */
  confirmEmail?: string;
  now?: Date;
}

/**
 * Deletes (anonymises) an account. `stripe` is the billing client, or null when billing is not
 * configured (a user with a live subscription then cannot be deleted: it would keep billing them).
 */
export async function deleteAccount(
  deps: { db: Db; stripe: Stripe | null; onStripeError?: (error: unknown) => void },
  input: DeletionInput,
): Promise<DeletionResult> {
  const { db } = deps;
  const now = input.now ?? new Date();
  const user = await db.user.findUnique({
    where: { id: input.userId },
    select: { id: true, email: true, passwordHash: true, subscription: true },
  });
  if (!user || user.email === deletedEmailOf(user.id)) return { ok: false, reason: "no_user" };
  if (user.passwordHash) {
    const check = await checkCurrentPassword(
      db,
      { email: user.email, passwordHash: user.passwordHash },
      input.password,
      now,
    );
    if (!check.ok)
      return check.reason === "throttled"
        ? { ok: false, reason: "throttled", retryAfterSeconds: check.retryAfterSeconds ?? 60 }
        : { ok: false, reason: "wrong_password" };
  } else if (input.confirmEmail !== user.email) {
    return { ok: false, reason: "wrong_confirmation" };
  }

  const sub = user.subscription;
  if (sub?.stripeSubscriptionId && LIVE_STATUSES.has(sub.status) && !sub.cancelAtPeriodEnd) {
    if (!deps.stripe) return { ok: false, reason: "billing_unavailable" };
    try {
      // The webhook that follows (customer.subscription.updated) records it on the row, as for a
      // cancellation in the portal; the plan's allowance stays until the period ends.
      await deps.stripe.subscriptions.update(
        sub.stripeSubscriptionId,
        { cancel_at_period_end: true },
        { idempotencyKey: `tollgate-delete-account-${user.id}-${sub.stripeSubscriptionId}` },
      );
    } catch (error) {
      deps.onStripeError?.(error);
      return { ok: false, reason: "stripe_refused" };
    }
  }

  const anonymous = deletedEmailOf(user.id);
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`
      UPDATE users SET email = ${anonymous}, name = NULL, image = NULL, password_hash = NULL, email_verified = NULL,
             role = 'user', session_version = session_version + 1, updated_at = now()
      WHERE id = ${user.id}`;
    await tx.account.deleteMany({ where: { userId: user.id } });
    await tx.session.deleteMany({ where: { userId: user.id } });
    // No more off-session charges for a deleted account (lib/billing/auto-topup).
    await tx.autoTopUpSettings.updateMany({ where: { userId: user.id }, data: { enabled: false } });
    await tx.$executeRaw`
      UPDATE account_tokens SET used_at = COALESCE(used_at, ${now}), email = ${anonymous} WHERE user_id = ${user.id}`;
    // A row being sent right now (`sending`) is left to its sender; every other one is scrubbed, and
    // those not sent yet (or failed, which an admin could retry) will never be.
    await tx.$executeRaw`
      UPDATE mail_outbox
      SET status = CASE WHEN status IN ('pending', 'failed') THEN 'canceled'::mail_status ELSE status END,
          recipient = ${anonymous}, data = '{}'::jsonb
      WHERE user_id = ${user.id} AND status <> 'sending'`;
  });
  forgetSessionVersion(user.id);
  return { ok: true };
}

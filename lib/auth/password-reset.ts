// "Forgot password": a single-use link, valid for an hour, mailed to the address. Following it sets
// the new password and ends every session of the user.
//
// Guarantees:
//   - requestPasswordReset answers nothing about the address (the form always says "if it has an
//     account, a link is on its way"); at most one mail per RESET_INTERVAL_MS per account.
//   - resetPassword uses the link once; in one transaction it sets the password, bumps the session
//     version (every session, on every device, is refused from then on: session-version.ts), voids
//     the user's other reset links and pending change-of-address links, and queues a "password
//     changed" notice.
//   - A reset link proves the address like a verification link does: an unverified account is
//     verified by it and gets its token account.
import type { Db } from "../db/connect";
import type { Locale } from "../i18n/config";
import { mailWindow, transactionIfQueued } from "../mail/once-per-window";
import { enqueueMail } from "../mail/outbox";
import { consumeAccountToken, issueAccountToken, TOKEN_TTL_MS, voidAccountTokens } from "./account-tokens";
import { openVerifiedAccount } from "./email-verification";
import { hashPassword } from "./password";
import { forgetSessionVersion } from "./session-version";
import { clearFailures, throttleKey } from "./throttle";

export const RESET_INTERVAL_MS = 5 * 60_000;
export const RESET_PATH = "/reset-password";

/**
 * Mails a reset link when the address has an account (at most one per RESET_INTERVAL_MS); else
 * nothing. `locale`: the one negotiated at the request, for an owner who has chosen no language.
 */
export async function requestPasswordReset(
  db: Db,
  email: string,
  appUrl: string,
  now: Date = new Date(),
  locale?: Locale,
) {
  const user = await db.user.findUnique({
    where: { email: email.trim().toLowerCase() },
    select: { id: true, email: true },
  });
  if (!user) return;
  await transactionIfQueued(db, async (tx) => {
    const token = await issueAccountToken(tx, { userId: user.id, purpose: "reset_password", email: user.email, now });
    return enqueueMail(tx, {
      to: user.email,
      template: "password_reset",
      data: {
        url: `${appUrl}${RESET_PATH}?token=${encodeURIComponent(token)}`,
        expiresInMinutes: TOKEN_TTL_MS.reset_password / 60_000,
      },
      idempotencyKey: `reset:${user.id}:${mailWindow(now, RESET_INTERVAL_MS).index}`,
      userId: user.id,
      locale,
    });
  });
}

export type ResetResult = { ok: true; email: string } | { ok: false; reason: "invalid" | "expired" | "used" };

/** Sets a new password through a reset link, and ends every session of the user. */
export async function resetPassword(
  db: Db,
  token: string,
  password: string,
  appUrl: string,
  now: Date = new Date(),
): Promise<ResetResult> {
  const passwordHash = await hashPassword(password);
  const result = await db.$transaction(async (tx): Promise<ResetResult & { userId?: string }> => {
    const consumed = await consumeAccountToken(tx, token, "reset_password", now);
    if (!consumed.ok) return consumed;
    const [user] = await tx.$queryRaw<{ email: string; emailVerified: Date | null }[]>`
      SELECT email, email_verified AS "emailVerified" FROM users WHERE id = ${consumed.userId} FOR UPDATE`;
    if (!user || user.email !== consumed.email) return { ok: false, reason: "invalid" };
    await tx.$executeRaw`
      UPDATE users SET password_hash = ${passwordHash}, session_version = session_version + 1,
             email_verified = COALESCE(email_verified, ${now}), updated_at = now()
      WHERE id = ${consumed.userId}`;
    await voidAccountTokens(tx, consumed.userId, "reset_password", now);
    // The change-of-address notice tells an owner whose session was stolen to reset the password:
    // that must also stop the pending move of the account to the thief's address.
    await voidAccountTokens(tx, consumed.userId, "change_email", now);
    await openVerifiedAccount(tx, consumed.userId, now);
    await enqueueMail(tx, {
      to: user.email,
      template: "password_changed",
      data: { resetUrl: `${appUrl}/forgot-password` },
      idempotencyKey: `password-changed:${token.split(".")[0]}`,
      userId: consumed.userId,
    });
    return { ok: true, email: user.email, userId: consumed.userId };
  });
  if (!result.ok) return result;
  forgetSessionVersion(result.userId!);
  await clearFailures(db, throttleKey(result.email));
  return { ok: true, email: result.email };
}

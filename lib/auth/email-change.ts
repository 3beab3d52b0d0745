// Changing the address of an account: settings asks for the new address (and the current password,
// when the account has one); a link goes to the new address and a notice to the old one; following
// the link moves the account.
//
// Guarantees:
//   - Nothing changes until the link at the new address is followed: an account cannot be moved to
//     an address its owner cannot read. The old address is told at once (the notice), so a change
//     made from a stolen session is seen while it can still be stopped (a password reset).
//   - No enumeration: a new address that already has an account gets the same answer ("check the
//     new inbox") and the same notice to the old address, but no link (nothing at all is sent to it).
//   - At most one request per CHANGE_INTERVAL_MS per user, taken or free address alike: the old
//     address's notice carries the idempotency key `email-change:<user>:<window>`, and the whole
//     request rolls back when that key was used already.
//   - A new request voids the older links: only the latest requested address can be confirmed.
//   - Confirming (confirmEmailChange) uses the link once, in one transaction: the address must still
//     be free (the unique index settles a race), the account is marked verified (the link proved the
//     address; an account that never verified gets its token account now), other change links are
//     voided, and every session of the user ends (the session version).
import type { Db } from "../db/connect";
import { Prisma } from "../db/generated/client";
import { mailWindow, transactionIfQueued } from "../mail/once-per-window";
import { enqueueMail } from "../mail/outbox";
import { consumeAccountToken, issueAccountToken, TOKEN_TTL_MS, voidAccountTokens } from "./account-tokens";
import { checkCurrentPassword } from "./current-password";
import { openVerifiedAccount } from "./email-verification";
import { forgetSessionVersion } from "./session-version";

export const CHANGE_INTERVAL_MS = 5 * 60_000;
/** The page a change link opens (its form confirms with a POST: mail scanners only GET). */
export const CONFIRM_EMAIL_PATH = "/confirm-email";

export type EmailChangeRequest =
  | { ok: true }
  | { ok: false; reason: "wrong_password" | "same_address" | "no_user" }
  | { ok: false; reason: "throttled" | "too_soon"; retryAfterSeconds: number };

/**
 * Starts a change of address. `newEmail` must be normalised (lib/auth/schemas.ts); `password` is
 * required when the account has one (an OAuth-only account has none: its session is the proof).
 */
export async function requestEmailChange(
  db: Db,
  input: { userId: string; newEmail: string; password?: string; appUrl: string; now?: Date },
): Promise<EmailChangeRequest> {
  const now = input.now ?? new Date();
  const user = await db.user.findUnique({
    where: { id: input.userId },
    select: { id: true, email: true, passwordHash: true },
  });
  if (!user) return { ok: false, reason: "no_user" };
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
  }
  if (input.newEmail === user.email) return { ok: false, reason: "same_address" };
  const window = mailWindow(now, CHANGE_INTERVAL_MS);
  const queued = await transactionIfQueued(db, async (tx) => {
    const noticed = await enqueueMail(tx, {
      to: user.email,
      template: "email_change_notice",
      data: { newEmail: input.newEmail, resetUrl: `${input.appUrl}/forgot-password` },
      idempotencyKey: `email-change:${user.id}:${window.index}`,
      userId: user.id,
    });
    if (!noticed) return false; // this window's request exists: roll back whatever this one wrote
    const taken = await tx.user.findUnique({ where: { email: input.newEmail }, select: { id: true } });
    await voidAccountTokens(tx, user.id, "change_email", now);
    if (taken) return true; // the same answer, the same notice, and no link
    const token = await issueAccountToken(tx, {
      userId: user.id,
      purpose: "change_email",
      email: input.newEmail,
      now,
    });
    await enqueueMail(tx, {
      to: input.newEmail,
      template: "email_change_confirm",
      data: {
        url: `${input.appUrl}${CONFIRM_EMAIL_PATH}?token=${encodeURIComponent(token)}`,
        expiresInHours: TOKEN_TTL_MS.change_email / 3_600_000,
      },
      idempotencyKey: `email-change-confirm:${token.split(".")[0]}`,
      userId: user.id,
    });
    return true;
  });
  return queued ? { ok: true } : { ok: false, reason: "too_soon", retryAfterSeconds: window.retryAfterSeconds };
}

export type EmailChangeResult =
  | { ok: true; userId: string; oldEmail: string; newEmail: string }
  | { ok: false; reason: "invalid" | "expired" | "used" | "taken" };

class AddressTaken extends Error {}

/** Follows a change link: moves the account to the new address and ends every session of the user. */
export async function confirmEmailChange(db: Db, token: string, now: Date = new Date()): Promise<EmailChangeResult> {
  let result: EmailChangeResult;
  try {
    result = await db.$transaction(async (tx): Promise<EmailChangeResult> => {
      const consumed = await consumeAccountToken(tx, token, "change_email", now);
      if (!consumed.ok) return consumed;
      const [user] = await tx.$queryRaw<{ email: string }[]>`
        SELECT email FROM users WHERE id = ${consumed.userId} FOR UPDATE`;
      if (!user) return { ok: false, reason: "invalid" };
      const taken = await tx.user.findUnique({ where: { email: consumed.email }, select: { id: true } });
      if (taken) throw new AddressTaken(); // rolls back: the link stays unused, and says why it cannot work
      await tx.user.update({
        where: { id: consumed.userId },
        data: { email: consumed.email, emailVerified: now, sessionVersion: { increment: 1 } },
      });
      await voidAccountTokens(tx, consumed.userId, "change_email", now);
      await openVerifiedAccount(tx, consumed.userId, now);
      return { ok: true, userId: consumed.userId, oldEmail: user.email, newEmail: consumed.email };
    });
  } catch (error) {
    // A concurrent sign-up or change took the address between the check and the update.
    const unique = error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
    if (error instanceof AddressTaken || unique) return { ok: false, reason: "taken" };
    throw error;
  }
  if (result.ok) forgetSessionVersion(result.userId);
  return result;
}

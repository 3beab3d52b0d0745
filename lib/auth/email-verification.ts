// E-mail verification: a password sign-up (or an OAuth sign-up whose provider did not vouch for the
// address) gets its token account — and with it the free monthly tokens — only once the owner of
// the address has followed the mailed link. An address nobody can read gets no free tokens.
//
// Guarantees:
//   - The mail is queued in the transaction that creates the user: a committed sign-up always has
//     its mail, a failed one has none.
//   - Verification opens the token account at most once per user, whatever the number of links
//     followed at once (the user row is locked first), and only while the address the link was
//     mailed to is still the user's.
//   - Resending is limited to one mail per RESEND_INTERVAL_MS per user, enforced by the outbox's
//     idempotency key (so also across server instances).
import type { Db, DbTx } from "../db/connect";
import type { Locale } from "../i18n/config";
import { mailWindow, transactionIfQueued } from "../mail/once-per-window";
import { enqueueMail } from "../mail/outbox";
import { openAccount } from "../tokens/ledger";
import { getActivePricing } from "../tokens/pricing-config";
import { consumeAccountToken, issueAccountToken, TOKEN_TTL_MS } from "./account-tokens";

export const RESEND_INTERVAL_MS = 10 * 60_000;

/** The page a verification link opens (its form confirms with a POST: mail scanners only GET). */
export const VERIFY_PATH = "/verify-email";

/** Issues a verification token for the user's address and queues its mail, in `tx`. */
export async function queueVerificationMail(
  tx: DbTx,
  input: { userId: string; email: string; appUrl: string; now?: Date; idempotencyKey?: string; locale?: Locale },
): Promise<boolean> {
  const token = await issueAccountToken(tx, {
    userId: input.userId,
    purpose: "verify_email",
    email: input.email,
    now: input.now,
  });
  return enqueueMail(tx, {
    to: input.email,
    template: "verify_email",
    data: {
      url: `${input.appUrl}${VERIFY_PATH}?token=${encodeURIComponent(token)}`,
      expiresInHours: TOKEN_TTL_MS.verify_email / 3_600_000,
    },
    idempotencyKey: input.idempotencyKey ?? `verify:${token.split(".")[0]}`,
    userId: input.userId,
    locale: input.locale,
  });
}

/** Opens the token account (the free tier) of a user who has none, in `tx`; returns what was granted. */
export async function openVerifiedAccount(tx: DbTx, userId: string, now: Date): Promise<bigint> {
  const existing = await tx.userTokenBalance.findUnique({ where: { userId }, select: { userId: true } });
  if (existing) return 0n;
  const pricing = await getActivePricing(tx);
  await openAccount(tx, {
    userId,
    now,
    freeTierMillitokens: pricing.freeTierMillitokens,
    pricingVersion: pricing.version,
  });
  return pricing.freeTierMillitokens;
}

export type VerificationResult =
  | { ok: true; userId: string; email: string; grantedMillitokens: bigint }
  | { ok: false; reason: "invalid" | "expired" | "used" };

/** Follows a verification link: marks the address verified and opens the token account. */
export async function verifyEmailAddress(db: Db, token: string, now: Date = new Date()): Promise<VerificationResult> {
  return db.$transaction(async (tx) => {
    const consumed = await consumeAccountToken(tx, token, "verify_email", now);
    if (!consumed.ok) return consumed;
    const [user] = await tx.$queryRaw<{ email: string; emailVerified: Date | null }[]>`
      SELECT email, email_verified AS "emailVerified" FROM users WHERE id = ${consumed.userId} FOR UPDATE`;
    if (!user || user.email !== consumed.email) return { ok: false, reason: "invalid" };
    if (!user.emailVerified) await tx.user.update({ where: { id: consumed.userId }, data: { emailVerified: now } });
    const grantedMillitokens = await openVerifiedAccount(tx, consumed.userId, now);
    return { ok: true, userId: consumed.userId, email: user.email, grantedMillitokens };
  });
}

export type ResendResult =
  { ok: true } | { ok: false; reason: "verified" } | { ok: false; reason: "too_soon"; retryAfterSeconds: number };

/** Sends the verification mail again, at most once per RESEND_INTERVAL_MS. */
export async function resendVerificationMail(
  db: Db,
  userId: string,
  appUrl: string,
  now: Date = new Date(),
): Promise<ResendResult> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { email: true, emailVerified: true } });
  if (!user || user.emailVerified) return { ok: false, reason: "verified" };
  const window = mailWindow(now, RESEND_INTERVAL_MS);
  const queued = await transactionIfQueued(db, (tx) =>
    queueVerificationMail(tx, {
      userId,
      email: user.email,
      appUrl,
      now,
      idempotencyKey: `verify-resend:${userId}:${window.index}`,
    }),
  );
  return queued ? { ok: true } : { ok: false, reason: "too_soon", retryAfterSeconds: window.retryAfterSeconds };
}

// Creating users and checking their passwords. A user's token account (balance row + free-tier
// allowance and its ledger row) is opened in one transaction with what proves the address: the
// user row itself for an OAuth address the provider verified (createUserWithAccount), the mailed
// link for everyone else (email-verification.ts).
import { Prisma } from "../db/generated/client";
import type { Db } from "../db/client";
import { getActivePricing } from "../tokens/pricing-config";
import { openAccount } from "../tokens/ledger";
import { hashPassword, verifyPassword } from "./password";
import { takeAttempt, type AttemptLimits } from "./attempt-limits";
import { forgetSessionVersion } from "./session-version";
import { beginAttempt, clearFailures, throttleKey } from "./throttle";
import { voidAccountTokens } from "./account-tokens";
import { queueVerificationMail } from "./email-verification";
import { enqueueMail } from "../mail/outbox";
import type { SignUpInput } from "./schemas";
import type { Locale } from "../i18n/config";

export type Role = "user" | "admin";

export interface AppUser {
  id: string;
  email: string;
  name: string | null;
  role: Role;
}

export interface NewUser {
  email: string;
  name?: string | null;
  image?: string | null;
  emailVerified?: Date | null;
  passwordHash?: string | null;
  /** The UI locale negotiated at sign-up (lib/i18n); null: negotiated per request. */
  locale?: string | null;
}

/** Creates a user with their token account. Throws Prisma P2002 when the e-mail is taken. */
export async function createUserWithAccount(db: Db, data: NewUser, now = new Date()) {
  return db.$transaction(async (tx) => {
    const user = await tx.user.create({
      data: {
        email: data.email.toLowerCase(),
        name: data.name ?? null,
        image: data.image ?? null,
        emailVerified: data.emailVerified ?? null,
        passwordHash: data.passwordHash ?? null,
        locale: data.locale ?? null,
      },
    });
    const pricing = await getActivePricing(tx);
    await openAccount(tx, {
      userId: user.id,
      now,
      freeTierMillitokens: pricing.freeTierMillitokens,
      pricingVersion: pricing.version,
    });
    return user;
  });
}

export type SignUpResult =
  | { ok: true; user: AppUser; outcome: "created" | "existing" }
  | { ok: false; error: "rate_limited"; scope: "ip" | "total"; retryAfterSeconds: number };

/** Where an attempt comes from, for the per-IP and total limits (attempt-limits.ts). */
export interface AttemptContext {
  /** The client IP (lib/http/client-ip.ts), or null when unknown. */
  clientIp: string | null;
  /** Default: the configured limits. */
  limits?: AttemptLimits;
  now?: Date;
}

export interface SignUpOptions {
  /** The app's public origin, for the mailed links. */
  appUrl: string;
  /** With it (the sign-up form passes it), the attempt counts against the sign-up limits first. */
  attempt?: AttemptContext;
  /** The UI locale negotiated from the sign-up request's Accept-Language, stored on a new user. */
  locale?: Locale;
  now?: Date;
}

/** One mail per hour at most tells an address's owner of sign-up attempts with it. */
const ATTEMPT_NOTICE_MS = 3_600_000;

/**
 * Signs up with a password — and answers the same whether the address is new or taken, so the form
 * cannot tell anyone whether an address has an account (the answer is "check your inbox"):
 *   - a new address: the user is created without a token account, and a verification mail is
 *     queued in the same transaction (the free tokens come with verification);
 *   - an address with a verified account: nothing changes, and its owner gets a mail saying that
 *     someone tried, with sign-in and reset links (at most one an hour);
 *   - an address whose account was never verified: the new password replaces the old one (whoever
 *     signed up first never proved the address, so they must not keep a way in), earlier links and
 *     sessions end, and a fresh verification mail goes out.
 * The password is hashed in every case, so the three differ in time only by a few queries (ms),
 * not by the hash (tens of ms).
 */
export async function signUpWithPassword(db: Db, input: SignUpInput, options: SignUpOptions): Promise<SignUpResult> {
  if (options.attempt) {
    const decision = await takeAttempt(db, "signup", options.attempt.clientIp, options.attempt);
    if (!decision.allowed)
      return {
        ok: false,
        error: "rate_limited",
        scope: decision.scope,
        retryAfterSeconds: decision.retryAfterSeconds,
      };
  }
  const passwordHash = await hashPassword(input.password);
  const email = input.email.toLowerCase();
  const now = options.now ?? new Date();
  let revoked: string | null = null; // sessions ended by the transaction, forgotten after it
  const once = () =>
    db.$transaction(async (tx): Promise<SignUpResult> => {
      const existing = await tx.user.findUnique({ where: { email } });
      if (!existing) {
        const user = await tx.user.create({
          data: { email, name: input.name ?? null, passwordHash, locale: options.locale ?? null },
        });
        await queueVerificationMail(tx, { userId: user.id, email, appUrl: options.appUrl, now });
        return { ok: true, outcome: "created", user: appUser(user) };
      }
      if (existing.emailVerified) {
        await enqueueMail(tx, {
          to: existing.email,
          template: "signup_attempt",
          data: { signInUrl: `${options.appUrl}/sign-in`, resetUrl: `${options.appUrl}/forgot-password` },
          idempotencyKey: `signup-attempt:${existing.id}:${Math.floor(now.getTime() / ATTEMPT_NOTICE_MS)}`,
          userId: existing.id,
          locale: options.locale, // when the owner has chosen no language: the one of this request
        });
      } else {
        await tx.$executeRaw`
          UPDATE users SET password_hash = ${passwordHash}, name = ${input.name ?? existing.name},
                 session_version = session_version + 1, updated_at = now()
          WHERE id = ${existing.id}`;
        revoked = existing.id;
        await voidAccountTokens(tx, existing.id, "verify_email", now);
        await queueVerificationMail(tx, {
          userId: existing.id,
          email,
          appUrl: options.appUrl,
          now,
          locale: options.locale,
        });
      }
      return { ok: true, outcome: "existing", user: appUser(existing) };
    });
  try {
    return await once();
  } catch (error) {
    // The same new address signed up twice at once: the loser takes the "existing" path.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return once();
    throw error;
  } finally {
    if (revoked) forgetSessionVersion(revoked);
  }
}

function appUser(user: { id: string; email: string; name: string | null; role: Role }): AppUser {
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

export type AuthenticateResult =
  | { ok: true; user: AppUser }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number }
  | { ok: false; reason: "rate_limited"; scope: "ip" | "total"; retryAfterSeconds: number };

/**
 * Checks an e-mail and password. The attempt is counted before the password is checked (see
 * lib/auth/throttle.ts), so parallel guesses are throttled like sequential ones. With `context` (the
 * sign-in form passes it) it is first counted against the per-IP and total limits, whatever the
 * e-mail: a password spray across many addresses is refused too.
 */
export async function authenticate(
  db: Db,
  email: string,
  password: string,
  now = new Date(),
  context?: AttemptContext,
): Promise<AuthenticateResult> {
  if (context) {
    const decision = await takeAttempt(db, "signin", context.clientIp, {
      limits: context.limits,
      now: context.now ?? now,
    });
    if (!decision.allowed)
      return {
        ok: false,
        reason: "rate_limited",
        scope: decision.scope,
        retryAfterSeconds: decision.retryAfterSeconds,
      };
  }
  const key = throttleKey(email);
  const ticket = await beginAttempt(db, key, now);
  if (!ticket.allowed) return { ok: false, reason: "throttled", retryAfterSeconds: ticket.retryAfterSeconds };

  const user = await db.user.findUnique({ where: { email: email.toLowerCase() } });
  const valid = await verifyPassword(user?.passwordHash, password);
  if (!user || !valid) {
    if (ticket.lockedUntil) {
      return {
        ok: false,
        reason: "throttled",
        retryAfterSeconds: Math.ceil((ticket.lockedUntil.getTime() - now.getTime()) / 1000),
      };
    }
    return { ok: false, reason: "invalid" };
  }
  await clearFailures(db, key);
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}

/**
 * Makes a user an admin. Returns false when no user has that e-mail. A role change ends the user's
 * sessions (their tokens carry the old role): the version is bumped in the same statement.
 */
export async function grantAdmin(db: Db, email: string): Promise<boolean> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE users SET role = 'admin', session_version = session_version + 1, updated_at = now()
    WHERE email = ${email.trim().toLowerCase()} RETURNING id`;
  for (const row of rows) forgetSessionVersion(row.id);
  return rows.length === 1;
}

export interface AccountStatus {
  /** When the address was confirmed; null until then (no token account, no free tokens). */
  emailVerified: Date | null;
  /** Whether the user signs in with a password (else only through OAuth). */
  hasPassword: boolean;
}

/** What the shell and the account settings show of a user (never the hash itself). */
export async function accountStatus(db: Db, userId: string): Promise<AccountStatus> {
  const [row] = await db.$queryRaw<AccountStatus[]>`
    SELECT email_verified AS "emailVerified", password_hash IS NOT NULL AS "hasPassword" FROM users WHERE id = ${userId}`;
  return row ?? { emailVerified: null, hasPassword: false };
}

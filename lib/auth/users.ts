// Creating users and checking their passwords. Every user is created together with their token
// account (balance row + free-tier allowance and its ledger row), in one transaction.
import { Prisma } from "../db/generated/client";
import type { Db } from "../db/client";
import { getActivePricing } from "../tokens/pricing-config";
import { openAccount } from "../tokens/ledger";
import { hashPassword, verifyPassword } from "./password";
import { attemptRefusedMessage, takeAttempt, type AttemptLimits } from "./attempt-limits";
import { forgetSessionVersion } from "./session-version";
import { beginAttempt, clearFailures, throttleKey } from "./throttle";
import type { SignUpInput } from "./schemas";

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
  | { ok: true; user: AppUser }
  | { ok: false; error: "email_taken" }
  | { ok: false; error: "rate_limited"; message: string; retryAfterSeconds: number };

/** Where an attempt comes from, for the per-IP and total limits (attempt-limits.ts). */
export interface AttemptContext {
  /** The client IP (lib/http/client-ip.ts), or null when unknown. */
  clientIp: string | null;
  /** Default: the configured limits. */
  limits?: AttemptLimits;
  now?: Date;
}

/**
 * Creates a password user. With `context` (the sign-up form passes it), the attempt is first counted
 * against the per-IP and total sign-up limits — before the password is hashed.
 */
export async function signUpWithPassword(db: Db, input: SignUpInput, context?: AttemptContext): Promise<SignUpResult> {
  if (context) {
    const decision = await takeAttempt(db, "signup", context.clientIp, context);
    if (!decision.allowed)
      return {
        ok: false,
        error: "rate_limited",
        message: attemptRefusedMessage("signup", decision),
        retryAfterSeconds: decision.retryAfterSeconds,
      };
  }
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await createUserWithAccount(db, { email: input.email, name: input.name, passwordHash });
    return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      return { ok: false, error: "email_taken" };
    }
    throw error;
  }
}

export type AuthenticateResult =
  | { ok: true; user: AppUser }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number }
  | { ok: false; reason: "rate_limited"; message: string; retryAfterSeconds: number };

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
        message: attemptRefusedMessage("signin", decision),
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

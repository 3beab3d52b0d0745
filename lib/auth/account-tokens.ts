// The single-use links of the account lifecycle (verification, password reset, change of address). A token is
// `<row id>.<secret>`: 32 random bytes, base64url. Only the secret's SHA-256 is stored.
//
// Guarantees:
//   - A token works once: consumption is one conditional UPDATE (used_at IS NULL, not expired), so
//     two requests racing with one link cannot both succeed.
//   - A tampered, truncated or foreign token is refused like an unknown one (its secret's hash is
//     compared in constant time), and a token of one purpose never works for another.
//   - A token that has expired is refused even if never used.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { DbTx } from "../db/connect";

export type AccountTokenPurpose = "verify_email" | "reset_password" | "change_email";

/** How long each link works. */
export const TOKEN_TTL_MS: Record<AccountTokenPurpose, number> = {
  verify_email: 24 * 3_600_000,
  reset_password: 3_600_000,
  change_email: 24 * 3_600_000,
};

const TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;
const hash = (secret: string) => createHash("sha256").update(secret).digest();

/** Creates a token for `userId`, mailed to `email`; returns the string the link carries. */
export async function issueAccountToken(
  tx: DbTx,
  input: { userId: string; purpose: AccountTokenPurpose; email: string; now?: Date },
): Promise<string> {
  const now = input.now ?? new Date();
  const secret = randomBytes(32).toString("base64url");
  const [row] = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO account_tokens (user_id, purpose, secret_hash, email, expires_at, created_at)
    VALUES (${input.userId}, ${input.purpose}::account_token_purpose, ${hash(secret).toString("hex")}, ${input.email},
            ${new Date(now.getTime() + TOKEN_TTL_MS[input.purpose])}, ${now})
    RETURNING id`;
  return `${row!.id}.${secret}`;
}

export type ConsumedToken =
  { ok: true; userId: string; email: string } | { ok: false; reason: "invalid" | "expired" | "used" };

/**
 * Uses a token of `purpose` once, in the caller's transaction (whatever the token unlocks is done
 * in the same transaction, so a failure leaves the token unused).
 */
export async function consumeAccountToken(
  tx: DbTx,
  token: string,
  purpose: AccountTokenPurpose,
  now: Date = new Date(),
): Promise<ConsumedToken> {
  const match = TOKEN.exec(token.trim());
  if (!match) return { ok: false, reason: "invalid" };
  const [, id, secret] = match;
  const [row] = await tx.$queryRaw<
    { userId: string; email: string; secretHash: string; expiresAt: Date; usedAt: Date | null }[]
  >`
    SELECT user_id AS "userId", email, secret_hash AS "secretHash", expires_at AS "expiresAt", used_at AS "usedAt"
    FROM account_tokens WHERE id = ${id}::uuid AND purpose = ${purpose}::account_token_purpose
    FOR UPDATE`;
  if (!row || !timingSafeEqual(Buffer.from(row.secretHash, "hex"), hash(secret!)))
    return { ok: false, reason: "invalid" };
  if (row.usedAt) return { ok: false, reason: "used" };
  if (row.expiresAt <= now) return { ok: false, reason: "expired" };
  await tx.$executeRaw`UPDATE account_tokens SET used_at = ${now} WHERE id = ${id}::uuid`;
  return { ok: true, userId: row.userId, email: row.email };
}

/** Ends every unused token of `purpose` for a user (a reset password makes older reset links void). */
export async function voidAccountTokens(tx: DbTx, userId: string, purpose: AccountTokenPurpose, now = new Date()) {
  await tx.$executeRaw`
    UPDATE account_tokens SET used_at = ${now}
    WHERE user_id = ${userId} AND purpose = ${purpose}::account_token_purpose AND used_at IS NULL`;
}

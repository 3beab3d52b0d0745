// Session helpers for server components, server actions and route handlers. Each of them checks the
// session itself: a check in a layout does not protect the actions or routes under it.
import { LRUCache } from "lru-cache";
import { redirect } from "next/navigation";
import { decode } from "next-auth/jwt";
import { db } from "../db/client";
import { env } from "../env";
import { auth } from "./index";
import { findSessionCookie, parseCookieHeader } from "./session-cookie";
import { isSessionCurrent, isSessionCurrentNow, knownRevoked, tokenSessionVersion } from "./session-version";

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  role: "user" | "admin";
}

export async function currentUser(): Promise<SessionUser | null> {
  const session = await auth();
  const user = session?.user;
  if (!user?.id || !user.email) return null;
  return { id: user.id, email: user.email, name: user.name ?? null, role: user.role };
}

/** The signed-in user, or a redirect to sign-in that comes back to `returnTo` afterwards. */
export async function requireUser(returnTo: string): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}

/**
 * Session tokens already decrypted by this process: cookie name and value → user id and the session
 * version the token was issued with, kept until the token's own expiry at the latest. A token is a
 * bearer secret that decrypts to the same claims every time, so a hit gives exactly what decrypting
 * again would (expiry included); it saves the key derivation and the decryption of every request of
 * a signed-in user (half of the metering wrapper's own CPU). Bounded, least recently used out first.
 * Whether the version is still the user's is checked on every request (session-version.ts).
 */
const decodedSessions = new LRUCache<string, { userId: string; version: number }>({ max: 5_000, ttlAutopurge: false });

/** The user id and session version of a session cookie's token, or null when it is not a valid one. */
async function decodedSession(request: Request): Promise<{ userId: string; version: number } | null> {
  const cookie = findSessionCookie(parseCookieHeader(request.headers.get("cookie") ?? ""));
  if (!cookie) return null;
  const key = `${cookie.name}=${cookie.value}`;
  const known = decodedSessions.get(key);
  if (known) return known;
  try {
    const token = await decode({ token: cookie.value, secret: env().AUTH_SECRET, salt: cookie.name });
    const userId = typeof token?.sub === "string" && token.sub ? token.sub : null;
    const expiresInMs = typeof token?.exp === "number" ? token.exp * 1000 - Date.now() : 0;
    if (!userId) return null;
    const session = { userId, version: tokenSessionVersion(token?.sv) };
    if (expiresInMs > 0) decodedSessions.set(key, session, { ttl: expiresInMs });
    return session;
  } catch {
    return null;
  }
}

/**
 * The signed-in user's id for an API route handler, from the session cookie alone: the JWT is
 * decrypted and its expiry checked with next-auth's own `decode` (the cookie name is the salt, as
 * next-auth does), but — unlike `auth()` — it is not re-encrypted and re-issued on every call, which
 * made up most of the metering wrapper's CPU cost. Metered routes need the id, not a refreshed cookie.
 * A token issued before the user's last sign-out or role change is refused (null), within a second
 * on every instance (one primary-key read per user per second at most). Throws when the database
 * cannot be read.
 */
export async function sessionUserId(request: Request): Promise<string | null> {
  const session = await decodedSession(request);
  if (!session) return null;
  return (await isSessionCurrent(db(), session.userId, session.version)) ? session.userId : null;
}

/**
 * The session cookie's claims — the user id and the session version its token was issued with —
 * decrypted as `sessionUserId` does (same cache), but NOT checked against the database: for a caller
 * that checks the version in a statement it makes anyway (the metering wrapper's hold, through
 * `ledger_apply`). A token this instance already knows to be revoked gives null. `verify` checks the
 * version with a fresh read (no cache), for an answer that must not reach a revoked token; a
 * revoked one is then known here, and refused before the rate limit or any read.
 */
export async function sessionClaims(
  request: Request,
): Promise<{ userId: string; sessionVersion: number; verify(): Promise<boolean> } | null> {
  const session = await decodedSession(request);
  if (!session || knownRevoked(session.userId, session.version)) return null;
  const { userId, version } = session;
  return { userId, sessionVersion: version, verify: () => isSessionCurrentNow(db(), userId, version) };
}

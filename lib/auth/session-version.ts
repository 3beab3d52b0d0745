// Server-side end of sessions. Sessions are JWTs (next-auth's Credentials provider needs them), which
// stay valid until they expire — 30 days — wherever they are copied. Each user therefore has a
// session version (users.session_version); a token carries the version it was issued with (claim
// `sv`), and a token whose version is not the user's current one is refused, by `auth()` (the jwt
// callback, lib/auth/callbacks.ts) and by the route handlers' `sessionUserId`.
//
// `revokeSessions(userId)` bumps the version: every token issued before it stops working — on this
// instance at once, on every other instance within VERSION_CACHE_MS (each caches a user's version
// that long, so the hot path costs at most one primary-key read per user per second per instance).
// Sign-out and role changes call it; password reset and "sign out everywhere" build on it.
import { LRUCache } from "lru-cache";
import type { Db, DbTx } from "../db/client";

/** How long an instance trusts the version it read: the longest a revoked token still works elsewhere. */
export const VERSION_CACHE_MS = 1_000;

/** The version of tokens issued before versions existed (a claim-less token): the column's default. */
export const INITIAL_SESSION_VERSION = 0;

/** -1: no such user (deleted): no token of theirs is current. */
const NO_USER = -1;

const globalForVersions = globalThis as unknown as { tollgateSessionVersions?: LRUCache<string, number, Db> };

/** userId → current version, read at most once per VERSION_CACHE_MS; concurrent misses share one read. */
function versions(): LRUCache<string, number, Db> {
  globalForVersions.tollgateSessionVersions ??= new LRUCache<string, number, Db>({
    max: 50_000,
    ttl: VERSION_CACHE_MS,
    ttlAutopurge: false,
    fetchMethod: async (userId, _stale, { context: db }) => readSessionVersion(db, userId),
  });
  return globalForVersions.tollgateSessionVersions;
}

/** The user's current session version from the database (no cache); NO_USER when there is no such user. */
export async function readSessionVersion(db: Db | DbTx, userId: string): Promise<number> {
  const row = await db.user.findUnique({ where: { id: userId }, select: { sessionVersion: true } });
  return row ? row.sessionVersion : NO_USER;
}

/** The version a token's claim names (a token issued before versions existed has none: version 0). */
export function tokenSessionVersion(claim: unknown): number {
  return typeof claim === "number" && Number.isInteger(claim) && claim >= 0 ? claim : INITIAL_SESSION_VERSION;
}

/**
 * Whether a token of `userId` issued with `version` is still current: false after a sign-out, a role
 * change or any other revocation (at most VERSION_CACHE_MS late on another instance), and for a
 * deleted user. Throws when the database cannot be read.
 */
export async function isSessionCurrent(db: Db, userId: string, version: number): Promise<boolean> {
  let current = await versions().fetch(userId, { context: db });
  // Versions only grow, so a cached version can be behind the database, never ahead. A token newer
  // than the cache was issued after another instance revoked (a sign-out there, then a sign-in): the
  // cache is what is stale, not the token — read again rather than refuse a session just begun.
  if (current !== undefined && current !== NO_USER && current < version)
    current = await versions().fetch(userId, { context: db, forceRefresh: true });
  return current !== undefined && current !== NO_USER && current === version;
}

/**
 * Whether this instance already knows, without a read, that a token of `userId` issued with
 * `version` is revoked: its cached version (still fresh) is newer, or the user is gone. False when it
 * does not know — the caller must then check (isSessionCurrent, or the hold's own statement).
 */
export function knownRevoked(userId: string, version: number): boolean {
  const current = versions().peek(userId);
  return current !== undefined && (current === NO_USER || current > version);
}

/**
 * Whether a token of `userId` issued with `version` is current, read from the database now (no
 * cache), and the version read kept in this instance's cache — so that `knownRevoked` refuses the
 * same token from then on without a read. For answers that must not reach a revoked token.
 */
export async function isSessionCurrentNow(db: Db | DbTx, userId: string, version: number): Promise<boolean> {
  const current = await readSessionVersion(db, userId);
  versions().set(userId, current);
  return current !== NO_USER && current === version;
}

/**
 * Ends every session of the user: tokens issued before this call are refused from now on (on this
 * instance at once, elsewhere within VERSION_CACHE_MS). Returns the new version (what a token issued
 * after it must carry), or null when there is no such user. Pass a transaction to make it part of
 * another change (a role change, a password reset).
 */
export async function revokeSessions(db: Db | DbTx, userId: string): Promise<number | null> {
  const rows = await db.$queryRaw<{ version: number }[]>`
    UPDATE users SET session_version = session_version + 1 WHERE id = ${userId} RETURNING session_version AS version`;
  versions().delete(userId);
  return rows[0]?.version ?? null;
}

/** Forgets this instance's cached version of a user (after a revocation made in a transaction that committed). */
export function forgetSessionVersion(userId: string): void {
  versions().delete(userId);
}

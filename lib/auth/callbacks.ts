// The next-auth callbacks and events that need the database: the session version (see
// session-version.ts). Kept apart from lib/auth/index.ts so they can be tested without next-auth's
// runtime.
import type { NextAuthConfig } from "next-auth";
import type { Db } from "../db/client";
import { isSessionCurrent, readSessionVersion, revokeSessions, tokenSessionVersion } from "./session-version";
import { eventLog, logger, type EventLog } from "../log";

type Callbacks = NonNullable<NextAuthConfig["callbacks"]>;
type JwtCallback = NonNullable<Callbacks["jwt"]>;
type Events = NonNullable<NextAuthConfig["events"]>;

export interface SessionVersionHooks {
  jwt: JwtCallback;
  signOut: NonNullable<Events["signOut"]>;
}

/**
 * - `jwt`: at sign-in, stamps the token with the user's current session version (`sv`); on every
 *   later read (`auth()`), returns null — no session, cookie cleared — when that version is no longer
 *   the user's (signed out elsewhere, role changed, revoked). `base` is the database-free callback
 *   (id and role) it wraps.
 * - `signOut`: signing out ends the session on the server too: every copy of the cookie stops working.
 */
export function sessionVersionHooks(
  db: () => Db,
  base: JwtCallback,
  log: EventLog = eventLog(logger("auth")),
): SessionVersionHooks {
  return {
    async jwt(params) {
      const token = await base(params);
      if (!token) return token;
      if (params.user?.id) {
        // A fresh read, not the cache: a token issued right after a revocation must carry the new version.
        const version = await readSessionVersion(db(), params.user.id);
        return { ...token, sv: version < 0 ? 0 : version };
      }
      if (typeof token.sub !== "string" || !token.sub) return null;
      try {
        return (await isSessionCurrent(db(), token.sub, tokenSessionVersion(token.sv))) ? token : null;
      } catch (error) {
        // The database cannot be reached: keep the session rather than sign everyone out (next-auth
        // clears the cookie when this throws). Nothing it protects works without the database, and
        // the metered routes check the version themselves (and fail) in `sessionUserId`.
        log("session_version_unreadable", {
          message: error instanceof Error ? error.message : String(error),
          outcome: "session kept",
        });
        return token;
      }
    },
    async signOut(message) {
      const userId = "token" in message ? message.token?.sub : message.session?.userId;
      if (typeof userId === "string" && userId) await revokeSessions(db(), userId);
    },
  };
}

// The part of the next-auth configuration that needs no database: sessions are JWTs (required by
// the Credentials provider), and the token carries the user's id and role. Shared by the full
// configuration (lib/auth/index.ts) and the proxy, which must stay light.
import type { NextAuthConfig } from "next-auth";
import { env } from "../env";

export function baseAuthConfig(): NextAuthConfig {
  const e = env();
  return {
    secret: e.AUTH_SECRET,
    trustHost: e.AUTH_TRUST_HOST || Boolean(e.AUTH_URL) || e.NODE_ENV !== "production",
    session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
    pages: { signIn: "/sign-in" },
    providers: [],
    callbacks: {
      jwt({ token, user }) {
        if (user?.id) {
          token.sub = user.id;
          token.role = user.role ?? "user";
        }
        return token;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        session.user.role = token.role === "admin" ? "admin" : "user";
        return session;
      },
    },
  };
}

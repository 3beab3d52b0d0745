// next-auth: e-mail + password (Credentials, argon2id, throttled), plus GitHub and Google when their
// variables are set. An OAuth user whose provider vouches for the address gets their token account
// in the same transaction as the user row; every other user gets it with the mailed verification.
import { cache } from "react";
import NextAuth, { CredentialsSignin } from "next-auth";
import type { Adapter } from "next-auth/adapters";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import { PrismaAdapter } from "@auth/prisma-adapter";
import { db } from "../db/client";
import { env, oauthProviders } from "../env";
import { clientIp } from "../http/client-ip";
import { baseAuthConfig } from "./base-config";
import { sessionVersionHooks } from "./callbacks";
import { signInSchema } from "./schemas";
import { createOAuthUser, googleProfile } from "./oauth-users";
import { authenticate } from "./users";

export class InvalidCredentials extends CredentialsSignin {
  code = "invalid_credentials";
}

/** `code` is `throttled:<seconds>`; it only says how long to wait, nothing about the account. */
export class ThrottledSignIn extends CredentialsSignin {
  constructor(retryAfterSeconds: number) {
    super();
    this.code = `throttled:${retryAfterSeconds}`;
  }
}

/** `code` is `rate_limited:<seconds>`: too many attempts from this network or in total, whatever the e-mail. */
export class RateLimitedSignIn extends CredentialsSignin {
  constructor(retryAfterSeconds: number) {
    super();
    this.code = `rate_limited:${retryAfterSeconds}`;
  }
}

function adapter(): Adapter {
  const base = PrismaAdapter(db() as never);
  return {
    ...base,
    // An address the provider vouches for is verified at once and gets its token account; any other
    // is mailed a verification link first (lib/auth/oauth-users.ts).
    async createUser(data) {
      const user = await createOAuthUser(db(), data, env().APP_URL);
      return { ...user, email: user.email };
    },
  };
}

const nextAuth = NextAuth(() => {
  const oauth = oauthProviders();
  const base = baseAuthConfig();
  const versioned = sessionVersionHooks(db, base.callbacks!.jwt!);
  return {
    ...base,
    // Sessions end on the server: a token whose session version is stale is no session (sign-out,
    // role change); signing out bumps the version so every copy of the cookie stops working.
    callbacks: { ...base.callbacks, jwt: versioned.jwt },
    events: { signOut: versioned.signOut },
    adapter: adapter(),
    providers: [
      Credentials({
        credentials: { email: { type: "email" }, password: { type: "password" } },
        async authorize(raw, request) {
          const parsed = signInSchema.safeParse(raw);
          if (!parsed.success) throw new InvalidCredentials();
          const ip = clientIp(request.headers, env().TRUSTED_PROXY_HOPS);
          const result = await authenticate(db(), parsed.data.email, parsed.data.password, new Date(), {
            clientIp: ip,
          });
          if (result.ok) return result.user;
          if (result.reason === "throttled") throw new ThrottledSignIn(result.retryAfterSeconds);
          if (result.reason === "rate_limited") throw new RateLimitedSignIn(result.retryAfterSeconds);
          throw new InvalidCredentials();
        },
      }),
      ...(oauth.github ? [GitHub(oauth.github)] : []),
      ...(oauth.google ? [Google({ ...oauth.google, profile: googleProfile })] : []),
    ],
  };
});

export const { handlers, signIn, signOut } = nextAuth;

/** The session, memoised per request (React `cache`), so layouts and pages share one decode. */
export const auth = cache(() => nextAuth.auth());

/** Which OAuth buttons to show. */
export function enabledOAuthProviders(): { id: "github" | "google"; name: string }[] {
  const oauth = oauthProviders();
  return [
    ...(oauth.github ? [{ id: "github" as const, name: "GitHub" }] : []),
    ...(oauth.google ? [{ id: "google" as const, name: "Google" }] : []),
  ];
}

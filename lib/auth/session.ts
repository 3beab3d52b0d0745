// Session helpers for server components, server actions and route handlers. Each of them checks the
// session itself: a check in a layout does not protect the actions or routes under it.
import { redirect } from "next/navigation";
import { decode } from "next-auth/jwt";
import { env } from "../env";
import { auth } from "./index";
import { findSessionCookie, parseCookieHeader } from "./session-cookie";

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
 * The signed-in user's id for an API route handler, from the session cookie alone: the JWT is
 * decrypted and its expiry checked with next-auth's own `decode` (the cookie name is the salt, as
 * next-auth does), but — unlike `auth()` — it is not re-encrypted and re-issued on every call, which
 * made up most of the metering wrapper's CPU cost. Metered routes need the id, not a refreshed cookie.
 */
export async function sessionUserId(request: Request): Promise<string | null> {
  const cookie = findSessionCookie(parseCookieHeader(request.headers.get("cookie") ?? ""));
  if (!cookie) return null;
  try {
    const token = await decode({ token: cookie.value, secret: env().AUTH_SECRET, salt: cookie.name });
    return typeof token?.sub === "string" && token.sub ? token.sub : null;
  } catch {
    return null;
  }
}

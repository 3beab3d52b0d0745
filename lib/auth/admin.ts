// The admin gate. Pages and server actions call `requireAdmin()`, route handlers `adminFromRequest()`.
// Every admin page, action and route calls one of them itself: the check in app/admin/layout.tsx does
// not protect the actions or routes under it (a server action is reachable by a POST from anywhere).
//
// The role is read from the database on every check, not from the session's JWT: the JWT's role is
// fixed at sign-in, so it would keep a revoked admin in for the life of the token (30 days) and keep a
// newly granted one out until they signed in again.
import { forbidden, redirect } from "next/navigation";
import { db } from "../db/client";
import { apiError } from "../http/api-error";
import { currentUser, sessionUserId } from "./session";

export interface AdminUser {
  id: string;
  email: string;
}

async function adminById(userId: string): Promise<AdminUser | null> {
  const row = await db().user.findUnique({ where: { id: userId }, select: { id: true, email: true, role: true } });
  return row?.role === "admin" && row.email ? { id: row.id, email: row.email } : null;
}

/**
 * The signed-in admin. Signed out → redirect to sign-in (back to `returnTo` afterwards); signed in
 * without the admin role → `forbidden()` (HTTP 403, app/forbidden.tsx). Never returns otherwise.
 */
export async function requireAdmin(returnTo = "/admin"): Promise<AdminUser> {
  const user = await currentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
  const admin = await adminById(user.id);
  if (!admin) forbidden();
  return admin;
}

export type AdminCheck = { ok: true; admin: AdminUser } | { ok: false; response: Response };

/** For route handlers: the admin, or the response to send (401 signed out, 403 not an admin). */
export async function adminFromRequest(request: Request): Promise<AdminCheck> {
  const userId = await sessionUserId(request);
  if (!userId) return { ok: false, response: apiError("unauthorized", "Sign in first.") };
  const admin = await adminById(userId);
  if (!admin) return { ok: false, response: apiError("forbidden", "Admins only.") };
  return { ok: true, admin };
}

// Session helpers for server components, server actions and route handlers. Each of them checks the
// session itself: a check in a layout does not protect the actions or routes under it.
import { redirect } from "next/navigation";
import { auth } from "./index";

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

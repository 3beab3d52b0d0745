// Sends signed-out visitors of the signed-in shell to sign-in, and back afterwards.
//
// An optimistic check only: is there a session cookie at all? Pages, actions and route handlers
// verify the session themselves. The proxy deliberately never calls next-auth here: its wrapper
// re-issues the session cookie on every request, and a request in flight during sign-out (a link
// prefetch) would then bring the session back. The matcher lists the shell's paths only, so /api
// (webhooks, cron) is never touched.
import { NextResponse, type NextRequest } from "next/server";
import { findSessionCookie } from "@/lib/auth/session-cookie";

function hasSessionCookie(request: NextRequest): boolean {
  return findSessionCookie(new Map(request.cookies.getAll().map(({ name, value }) => [name, value]))) !== null;
}

export function proxy(request: NextRequest) {
  if (hasSessionCookie(request)) return NextResponse.next();
  const signIn = new URL("/sign-in", request.nextUrl.origin);
  signIn.searchParams.set("callbackUrl", request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.redirect(signIn);
}

export const config = {
  matcher: ["/dashboard/:path*", "/usage/:path*", "/settings/:path*", "/ai/:path*", "/admin/:path*"],
};

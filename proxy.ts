// Sends signed-out visitors of the signed-in shell to sign-in, and back afterwards. This is an
// optimistic check on the session cookie; pages, actions and route handlers check the session
// themselves. The matcher lists the shell's paths only, so /api (webhooks, cron) is never touched.
import NextAuth from "next-auth";
import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";
import { baseAuthConfig } from "@/lib/auth/base-config";

const { auth } = NextAuth(() => baseAuthConfig());

// With a lazily built config, next-auth's `auth(handler)` resolves to the wrapped handler.
const redirectSignedOut = auth((request) => {
  if (request.auth?.user) return NextResponse.next();
  const signIn = new URL("/sign-in", request.nextUrl.origin);
  signIn.searchParams.set("callbackUrl", request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.redirect(signIn);
}) as unknown as Promise<(request: NextRequest, event: NextFetchEvent) => Promise<Response>>;

export async function proxy(request: NextRequest, event: NextFetchEvent) {
  return (await redirectSignedOut)(request, event);
}

export const config = {
  matcher: ["/dashboard/:path*", "/usage/:path*", "/settings/:path*", "/ai/:path*", "/admin/:path*"],
};

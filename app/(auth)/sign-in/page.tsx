import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthForm } from "@/components/auth-form";
import { OAuthButtons } from "@/components/oauth-buttons";
import { enabledOAuthProviders } from "@/lib/auth";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { currentUser } from "@/lib/auth/session";
import { oauthSignInAction, signInAction } from "../actions";

export const metadata: Metadata = { title: "Sign in" };

const NOTICES: Record<string, string> = {
  verified: "Your address is confirmed and your free tokens are in your account. Sign in to use them.",
  password_reset: "Your new password is set, and every other session was signed out. Sign in with it.",
  signed_out_everywhere: "You are signed out on every device.",
  email_changed: "Your address is changed, and every session was signed out. Sign in with your new address.",
};

export default async function Page({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string | string[]; notice?: string | string[] }>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(params.callbackUrl);
  if (await currentUser()) redirect(callbackUrl);
  const notice = typeof params.notice === "string" ? NOTICES[params.notice] : undefined;
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold tracking-tight">Sign in to Tollgate</h1>
      <p className="mb-6 text-sm text-zinc-600">Welcome back.</p>
      {notice && (
        <p
          role="status"
          data-testid="sign-in-notice"
          className="mb-4 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900"
        >
          {notice}
        </p>
      )}
      <OAuthButtons providers={enabledOAuthProviders()} callbackUrl={callbackUrl} action={oauthSignInAction} />
      <AuthForm mode="sign-in" action={signInAction} callbackUrl={callbackUrl} />
    </>
  );
}

import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthForm } from "@/components/auth-form";
import { OAuthButtons } from "@/components/oauth-buttons";
import { enabledOAuthProviders } from "@/lib/auth";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { currentUser } from "@/lib/auth/session";
import { oauthSignInAction, signInAction } from "../actions";

export const metadata: Metadata = { title: "Sign in" };

export default async function Page({ searchParams }: { searchParams: Promise<{ callbackUrl?: string | string[] }> }) {
  const callbackUrl = safeCallbackPath((await searchParams).callbackUrl);
  if (await currentUser()) redirect(callbackUrl);
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold tracking-tight">Sign in to Tollgate</h1>
      <p className="mb-6 text-sm text-zinc-600">Welcome back.</p>
      <OAuthButtons providers={enabledOAuthProviders()} callbackUrl={callbackUrl} action={oauthSignInAction} />
      <AuthForm mode="sign-in" action={signInAction} callbackUrl={callbackUrl} />
    </>
  );
}

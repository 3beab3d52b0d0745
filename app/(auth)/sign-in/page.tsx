import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { AuthForm } from "@/components/auth-form";
import { OAuthButtons } from "@/components/oauth-buttons";
import { enabledOAuthProviders } from "@/lib/auth";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { currentUser } from "@/lib/auth/session";
import { oauthSignInAction, signInAction } from "../actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth.signIn"))("metaTitle") };
}

/** Notices of the flows that end here (`?notice=`), worded in messages auth.signIn.notices. */
const NOTICES = ["verified", "password_reset", "signed_out_everywhere", "email_changed"] as const;
type Notice = (typeof NOTICES)[number];

export default async function Page({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string | string[]; notice?: string | string[] }>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(params.callbackUrl);
  if (await currentUser()) redirect(callbackUrl);
  const t = await getTranslations("auth.signIn");
  const known = NOTICES.find((n): n is Notice => n === params.notice);
  const notice = known ? t(`notices.${known}`) : undefined;
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold tracking-tight">{t("title")}</h1>
      <p className="mb-6 text-sm text-zinc-600">{t("welcome")}</p>
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

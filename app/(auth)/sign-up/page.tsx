import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { AuthForm } from "@/components/auth-form";
import { OAuthButtons } from "@/components/oauth-buttons";
import { enabledOAuthProviders } from "@/lib/auth";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { currentUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { formatTokens, shownTokens } from "@/lib/format";
import { getActivePricing } from "@/lib/tokens/pricing-config";
import { oauthSignInAction, signUpAction } from "../actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth.signUp"))("title") };
}

export default async function Page({ searchParams }: { searchParams: Promise<{ callbackUrl?: string | string[] }> }) {
  const callbackUrl = safeCallbackPath((await searchParams).callbackUrl);
  if (await currentUser()) redirect(callbackUrl);
  const pricing = await getActivePricing(db());
  const t = await getTranslations("auth.signUp");
  const locale = await getLocale();
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold tracking-tight">{t("title")}</h1>
      <p className="mb-6 text-sm text-zinc-600">
        {t("lead", {
          amount: formatTokens(pricing.freeTierMillitokens, locale),
          count: shownTokens(pricing.freeTierMillitokens),
        })}
      </p>
      <OAuthButtons providers={enabledOAuthProviders()} callbackUrl={callbackUrl} action={oauthSignInAction} />
      <AuthForm mode="sign-up" action={signUpAction} callbackUrl={callbackUrl} />
    </>
  );
}

// The signed-in shell: a sidebar with the navigation and the user's live token balance, the
// low-balance banner, and the host of the insufficient-tokens dialog that any AI page's 402 opens.
// The proxy sends signed-out visitors to sign-in first; this layout checks again, and every page and
// action under it checks the session itself.
import { BalanceWidget } from "@/components/balance-widget";
import { InsufficientTokensProvider } from "@/components/insufficient-tokens-dialog";
import { LiveBalanceProvider } from "@/components/live-balance";
import { Logo } from "@/components/logo";
import { LowBalanceBanner } from "@/components/low-balance-banner";
import { NavLink } from "@/components/nav-link";
import { VerifyEmailBanner } from "@/components/verify-email-banner";
import { getTranslations } from "next-intl/server";
import { AI_FEATURES } from "@/lib/ai/registry";
import { requireUser } from "@/lib/auth/session";
import { accountStatus } from "@/lib/auth/users";
import { db } from "@/lib/db/client";
import { env, isSimulatedAI } from "@/lib/env";
import { offerContext } from "@/lib/tokens/offer-context";
import { readLiveBalance } from "@/lib/tokens/live/snapshot";
import { resendVerificationAction, signOutAction } from "./actions";
import { startCheckout } from "./settings/subscription/actions";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser("/dashboard");
  const [balance, offers, account] = await Promise.all([
    readLiveBalance(db(), user.id),
    offerContext(db(), user.id),
    accountStatus(db(), user.id),
  ]);
  const t = await getTranslations("shell");
  const tf = await getTranslations("features");

  return (
    <LiveBalanceProvider userId={user.id} initial={balance}>
      <InsufficientTokensProvider catalog={offers.catalog} account={offers.account} checkoutAction={startCheckout}>
        <div className="flex min-h-screen flex-col md:flex-row">
          <aside className="border-b border-zinc-200 bg-white md:sticky md:top-0 md:flex md:h-screen md:w-64 md:flex-col md:border-r md:border-b-0">
            <div className="flex items-center justify-between px-4 py-3 md:py-4">
              <Logo href="/dashboard" />
              {isSimulatedAI() && (
                <span
                  className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900"
                  title={t("simulatedAiHint")}
                  data-testid="simulated-ai"
                >
                  {t("simulatedAi")}
                </span>
              )}
            </div>
            <div className="px-3 pb-3">
              <BalanceWidget />
            </div>
            <nav
              aria-label={t("navLabel")}
              className="flex gap-1 overflow-x-auto px-3 pb-3 md:block md:shrink-0 md:space-y-1 md:pb-0"
            >
              <NavLink href="/dashboard">{t("nav.dashboard")}</NavLink>
              <NavLink href="/usage">{t("nav.usage")}</NavLink>
              <NavLink href="/settings/subscription">{t("nav.subscription")}</NavLink>
              <NavLink href="/settings/account">{t("nav.account")}</NavLink>
              <NavLink href="/settings/limits">{t("nav.limits")}</NavLink>
              <NavLink href="/settings/notifications">{t("nav.notifications")}</NavLink>
              <NavLink href="/settings/language">{t("nav.language")}</NavLink>
            </nav>
            <nav aria-labelledby="ai-nav-heading" className="px-3 pb-3 md:mt-4 md:overflow-y-auto md:pb-0">
              <h2 id="ai-nav-heading" className="px-3 pb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">
                {t("aiHeading")}
              </h2>
              <div className="flex gap-1 overflow-x-auto md:block md:space-y-1">
                {AI_FEATURES.map((feature) => (
                  <NavLink key={feature.slug} href={feature.pagePath}>
                    {tf(`${feature.slug}.title`)}
                  </NavLink>
                ))}
              </div>
            </nav>
            <div className="hidden border-t border-zinc-200 px-4 py-3 md:mt-auto md:block">
              <p className="truncate text-sm text-zinc-700" title={user.email} data-testid="user-email">
                {user.email}
              </p>
              <form action={signOutAction}>
                <button
                  type="submit"
                  className="mt-1 text-sm font-medium text-zinc-700 underline-offset-2 hover:underline"
                >
                  {t("signOut")}
                </button>
              </form>
            </div>
          </aside>
          <div className="flex-1">
            <div className="flex items-center justify-end border-b border-zinc-200 bg-white px-4 py-2 md:hidden">
              <form action={signOutAction}>
                <button type="submit" className="text-sm font-medium text-zinc-700">
                  {t("signOut")}
                </button>
              </form>
            </div>
            {!account.emailVerified && <VerifyEmailBanner email={user.email} action={resendVerificationAction} />}
            <LowBalanceBanner percent={env().LOW_BALANCE_PERCENT} />
            <main className="mx-auto max-w-5xl px-4 py-8 sm:px-8">{children}</main>
          </div>
        </div>
      </InsufficientTokensProvider>
    </LiveBalanceProvider>
  );
}
